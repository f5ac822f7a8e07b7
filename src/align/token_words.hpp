// Which word each token belongs to (METHODS.md 2.4).
//
// The encoded text is `prefix + " " + sentence` (or the sentence alone, with
// sentence_begin = 0). Ownership is decided on the non-whitespace bytes:
//   - a byte inside word w's span is owned by w; any other non-whitespace
//     byte before sentence_begin is owned by the prefix (-1);
//   - a token owns what its bytes own; a whitespace-only token, and a
//     zero-width token (a leading byte-fallback piece, or a piece a normalizer
//     inserted), belongs to the owner of the next non-whitespace byte at or
//     after its position: the word that follows, or the character it is part of.
// A token whose bytes reach two words, or the prefix and a word, is an error
// that names the sentence; so is a word that gets no token. BOS is not in
// `tokens`: the caller prepends it and marks it dropped.
#pragma once

#include <string>
#include <vector>

#include "common/corpus.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

// Word index per token, -1 for prefix tokens; non-decreasing by construction.
// `word_spans` are offsets inside the sentence (Sentence::spans): the sentence
// starts at byte `sentence_begin` of `text`. `sentence_name` heads every error,
// e.g. "sentence (2, 5)". Throws InputError for the errors above and
// std::invalid_argument for inconsistent arguments (spans or tokens outside
// the text, spans out of order).
std::vector<int> map_tokens_to_words(const std::vector<Token>& tokens, const std::string& text,
                                     const std::vector<WordSpan>& word_spans, size_t sentence_begin,
                                     const std::string& sentence_name);

}  // namespace lmgaze
