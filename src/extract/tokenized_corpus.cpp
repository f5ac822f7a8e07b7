#include "extract/tokenized_corpus.hpp"

#include <algorithm>

#include "align/token_words.hpp"
#include "common/error.hpp"

namespace lmgaze {
namespace {

// Padding rows a checkpoint may add after the tokenizer's last id: this many,
// or this fraction of the rows, whichever is more.
constexpr int kMinVocabPadding = 128;
constexpr double kVocabPaddingFraction = 0.01;

std::string sentence_name(const Sentence& s) {
  return "sentence (" + std::to_string(s.article) + ", " + std::to_string(s.index) + ")";
}

TokenizedSentence tokenize_sentence(const Sentence& sentence, const Tokenizer& tokenizer,
                                    const std::string& prefix, std::optional<int> bos) {
  // METHODS 2.1: with an instruction prefix P the input is P + " " + sentence.
  const std::string text = prefix.empty() ? sentence.text : prefix + " " + sentence.text;
  const size_t sentence_begin = prefix.empty() ? 0 : prefix.size() + 1;
  const std::vector<Token> tokens = tokenizer.encode(text);
  for (const Token& t : tokens) {
    if (t.begin < sentence_begin) continue;  // the prefix may hold special tokens
    if (const auto special = tokenizer.special_token(t.id))
      throw InputError(sentence_name(sentence) + ": '" + *special +
                       "' is the text of a special token (id " + std::to_string(t.id) +
                       "), which a reader never sees; remove it from the sentence");
  }
  const std::vector<int> words =
      map_tokens_to_words(tokens, text, sentence.spans, sentence_begin, sentence_name(sentence));

  TokenizedSentence out;
  if (bos) {
    out.ids.push_back(*bos);
    out.token_word.push_back(-1);
  }
  for (size_t t = 0; t < tokens.size(); ++t) {
    out.ids.push_back(tokens[t].id);
    out.token_word.push_back(words[t]);
  }
  out.first_word_token = 0;
  while (out.first_word_token < out.n_tokens() && out.token_word[out.first_word_token] < 0)
    ++out.first_word_token;
  return out;
}

}  // namespace

void check_tokenizer_matches(const Tokenizer& tokenizer, int model_vocab_size,
                             const std::string& model_dir, std::optional<int> bos) {
  const int rows = model_vocab_size;
  const int ordinary = tokenizer.ordinary_vocab_size();
  const int all = tokenizer.vocab_size();
  const std::string kind = " (" + tokenizer.kind() + ")";
  if (ordinary > rows)
    throw InputError(model_dir, "tokenizer" + kind + " has " + std::to_string(ordinary) +
                                    " tokens but config.json vocab_size is " +
                                    std::to_string(rows) + " (tokenizer of another model?)");
  const int padding = rows - all;
  const int max_padding =
      std::max(kMinVocabPadding, static_cast<int>(kVocabPaddingFraction * rows));
  if (padding > max_padding)
    throw InputError(model_dir,
                     "tokenizer" + kind + " has " + std::to_string(all) +
                         " tokens but config.json vocab_size is " + std::to_string(rows) + ": " +
                         std::to_string(padding) + " rows beyond its ids, more than the " +
                         std::to_string(max_padding) +
                         " padding rows a checkpoint adds (tokenizer of another model?)");
  if (bos && (*bos < 0 || *bos >= rows))
    throw InputError(model_dir, "BOS id " + std::to_string(*bos) +
                                    " is outside the model's vocabulary of " +
                                    std::to_string(rows) + " (config.json vocab_size)");
}

void check_tokenizer_matches(const Tokenizer& tokenizer, int model_vocab_size,
                             const std::string& model_dir) {
  check_tokenizer_matches(tokenizer, model_vocab_size, model_dir, tokenizer.bos_id());
}

std::vector<TokenizedSentence> tokenize_corpus(const Corpus& corpus, const Tokenizer& tokenizer,
                                               const std::string& prefix,
                                               const TokenizerLimits& limits) {
  return tokenize_corpus(corpus, tokenizer, prefix, limits, tokenizer.bos_id());
}

std::vector<TokenizedSentence> tokenize_corpus(const Corpus& corpus, const Tokenizer& tokenizer,
                                               const std::string& prefix,
                                               const TokenizerLimits& limits,
                                               std::optional<int> bos) {
  std::vector<TokenizedSentence> out;
  out.reserve(corpus.sentences.size());
  for (const Sentence& s : corpus.sentences) {
    TokenizedSentence t;
    try {
      t = tokenize_sentence(s, tokenizer, prefix, bos);
    } catch (const InputError& e) {
      // The aligner names the sentence; add where it is in the text file.
      throw InputError(corpus.source, s.line, e.what());
    }
    if (t.n_tokens() > limits.max_positions)
      throw InputError(corpus.source, s.line,
                       sentence_name(s) + " has " + std::to_string(t.n_tokens()) +
                           " tokens (with BOS and prefix), more than the model's context of " +
                           std::to_string(limits.max_positions));
    for (int64_t id : t.ids)
      if (id < 0 || id >= limits.model_vocab_size)
        throw InputError(corpus.source, s.line,
                         sentence_name(s) + ": token id " + std::to_string(id) +
                             " outside the model's vocabulary of " +
                             std::to_string(limits.model_vocab_size));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace lmgaze
