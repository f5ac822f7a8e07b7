// A corpus turned into model inputs (METHODS.md 2.1 and 2.4), without LibTorch.
//
// For each sentence: the token ids the model reads (BOS, then the prefix and
// the sentence, `prefix + " " + sentence` when a prefix is given), and for
// every token the word it belongs to, or -1 for BOS and prefix tokens, which
// serve as context but are dropped from the word-level matrices and from the
// next-token loss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/corpus.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

struct TokenizedSentence {
  std::vector<int64_t> ids;     // [T] model input
  std::vector<int> token_word;  // [T] word of each token, -1 = BOS or prefix
  int first_word_token = 0;     // index of the sentence's first token in ids

  int n_tokens() const { return static_cast<int>(ids.size()); }
  int n_sentence_tokens() const { return n_tokens() - first_word_token; }
  // Tokens whose next-token loss counts: sentence tokens that have at least
  // one token before them (GPT-2 without BOS or prefix cannot predict its first).
  int first_predicted() const { return first_word_token > 0 ? first_word_token : 1; }
  int n_predicted() const { return n_tokens() - first_predicted(); }
};

struct TokenizerLimits {
  int model_vocab_size = 0;  // config.json vocab_size: every id must be below it
  int max_positions = 0;     // context length: a longer input is an error
};

// Throws InputError naming the sentence (file, line, (article, index)) for a
// token that spans two words, a word without tokens, an id outside the
// model's vocabulary, an input longer than the context, or a sentence that
// holds the text of a special token (below). `bos` goes before every input
// (see bos_choice.hpp); the overload without it takes the tokenizer's own.
//
// Special tokens: the tokenizer matches added tokens in the text literally,
// as Hugging Face does, so a sentence with "<s>" or "<|begin_of_text|>" in
// it would hand the model a control token where the reader saw characters.
// A reader never sees special tokens, so such a sentence is refused, by name.
// The prefix may hold them (a chat template's markers are context), and
// added tokens that are not special (Gemma's "\n", "\t", "<b>") are text.
std::vector<TokenizedSentence> tokenize_corpus(const Corpus& corpus, const Tokenizer& tokenizer,
                                               const std::string& prefix,
                                               const TokenizerLimits& limits,
                                               std::optional<int> bos);
std::vector<TokenizedSentence> tokenize_corpus(const Corpus& corpus, const Tokenizer& tokenizer,
                                               const std::string& prefix,
                                               const TokenizerLimits& limits);

// Checks that a tokenizer belongs to a model with `model_vocab_size`
// embedding rows (config.json vocab_size):
//   - its ordinary vocabulary (the BPE or SentencePiece pieces, which text
//     turns into) must fit in the rows;
//   - the rows beyond its largest id, added tokens included, are padding,
//     which checkpoints add to round the matrix up (Qwen3: 151 669 ids in
//     151 936 rows); more than max(128, 1% of the rows) of it means a
//     tokenizer of another, smaller model;
//   - added tokens may lie beyond the rows (Gemma 3 1B's <image_soft_token>
//     is id 262 144 of 262 144 rows): text never produces them, and
//     tokenize_corpus refuses any id the text does produce beyond the rows;
//   - the BOS, when one is added, must be a row.
void check_tokenizer_matches(const Tokenizer& tokenizer, int model_vocab_size,
                             const std::string& model_dir, std::optional<int> bos);
void check_tokenizer_matches(const Tokenizer& tokenizer, int model_vocab_size,
                             const std::string& model_dir);

}  // namespace lmgaze
