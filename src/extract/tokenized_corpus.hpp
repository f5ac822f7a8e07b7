// A corpus turned into model inputs (METHODS.md 2.1 and 2.4), without LibTorch.
//
// For each sentence: the token ids the model reads (BOS, then the prefix and
// the sentence, `prefix + " " + sentence` when a prefix is given), and for
// every token the word it belongs to, or -1 for BOS and prefix tokens, which
// serve as context but are dropped from the word-level matrices and from the
// next-token loss.
#pragma once

#include <cstdint>
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
// model's vocabulary, or an input longer than the context.
std::vector<TokenizedSentence> tokenize_corpus(const Corpus& corpus, const Tokenizer& tokenizer,
                                               const std::string& prefix,
                                               const TokenizerLimits& limits);

// Checks that a tokenizer belongs to a model: its vocabulary must fit in the
// model's embedding, and may be smaller only by padding rows (at most 128,
// as checkpoints that round vocab_size up to a multiple of 64 or add a pad
// token have); anything else is a tokenizer of another model.
void check_tokenizer_matches(const Tokenizer& tokenizer, int model_vocab_size,
                             const std::string& model_dir);

}  // namespace lmgaze
