// The model inputs of a corpus: BOS, prefix, word map, predicted tokens, and
// the checks that run before any weight is loaded.
#include <gtest/gtest.h>

#include <functional>

#include "common/error.hpp"
#include "extract/tokenized_corpus.hpp"

namespace lmgaze {
namespace {

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(TokenizedCorpus, LlamaPrependsBosAndDropsPrefix) {
  auto tok = load_tokenizer(kModels + "toy-m");
  Corpus c = parse_corpus("The cat sat on the mat.\n", "t.txt");
  auto plain = tokenize_corpus(c, *tok, "", {2000, 256});
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].ids[0], 1);  // BOS
  EXPECT_EQ(plain[0].token_word[0], -1);
  EXPECT_EQ(plain[0].first_word_token, 1);
  // BOS is context: every sentence token is predicted.
  EXPECT_EQ(plain[0].first_predicted(), 1);
  EXPECT_EQ(plain[0].n_predicted(), plain[0].n_sentence_tokens());
  EXPECT_EQ(plain[0].token_word.back(), 5);

  auto prefixed =
      tokenize_corpus(c, *tok, "Please translate this sentence into German:", {2000, 256});
  const auto& p = prefixed[0];
  EXPECT_GT(p.first_word_token, 2);
  for (int t = 0; t < p.first_word_token; ++t) EXPECT_EQ(p.token_word[t], -1);
  for (int t = p.first_word_token; t < p.n_tokens(); ++t) EXPECT_GE(p.token_word[t], 0);
  EXPECT_EQ(p.token_word[p.first_word_token], 0);
  EXPECT_EQ(p.n_predicted(), p.n_sentence_tokens());
}

TEST(TokenizedCorpus, Gpt2WithoutBosCannotPredictItsFirstToken) {
  auto tok = load_tokenizer(kModels + "gpt2-toy");
  Corpus c = parse_corpus("Hello world, again.\n", "t.txt");
  auto t = tokenize_corpus(c, *tok, "", {50257, 128});
  EXPECT_EQ(t[0].first_word_token, 0);
  EXPECT_EQ(t[0].ids[0], 15496);  // "Hello"
  EXPECT_EQ(t[0].first_predicted(), 1);
  EXPECT_EQ(t[0].n_predicted(), t[0].n_tokens() - 1);
  // With a prefix the first sentence token is predicted from the prefix.
  auto p = tokenize_corpus(c, *tok, "Noise words here.", {50257, 128});
  EXPECT_EQ(p[0].n_predicted(), p[0].n_sentence_tokens());
  EXPECT_EQ(p[0].n_sentence_tokens(), t[0].n_sentence_tokens());
}

TEST(TokenizedCorpus, SentenceLongerThanContextNamesFileAndLine) {
  auto tok = load_tokenizer(kModels + "toy-m");
  Corpus c =
      parse_corpus("Short one.\n\nThis sentence is a little longer than four tokens.\n", "t.txt");
  std::string e = error_of([&] { tokenize_corpus(c, *tok, "", {2000, 6}); });
  EXPECT_NE(e.find("t.txt:3"), std::string::npos) << e;
  EXPECT_NE(e.find("(1, 0)"), std::string::npos) << e;
  EXPECT_NE(e.find("context of 6"), std::string::npos) << e;
}

TEST(TokenizedCorpus, IdsOutsideTheModelVocabularyAreRefused) {
  auto tok = load_tokenizer(kModels + "gpt2-toy");
  Corpus c = parse_corpus("Hello world.\n", "t.txt");
  std::string e = error_of([&] { tokenize_corpus(c, *tok, "", {1000, 128}); });
  EXPECT_NE(e.find("outside the model's vocabulary"), std::string::npos) << e;
}

TEST(TokenizedCorpus, TokenizerOfAnotherModelIsRefused) {
  auto gpt2 = load_tokenizer(kModels + "gpt2-toy");
  auto sp = load_tokenizer(kModels + "toy-m");
  EXPECT_NO_THROW(check_tokenizer_matches(*gpt2, 50257, "gpt2-toy"));
  EXPECT_NO_THROW(check_tokenizer_matches(*sp, 2000, "toy-m"));
  EXPECT_NO_THROW(check_tokenizer_matches(*sp, 2064, "padded"));  // padding rows
  EXPECT_NE(error_of([&] { check_tokenizer_matches(*gpt2, 2000, "toy-m"); }).find("vocab_size"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_tokenizer_matches(*sp, 50257, "gpt2-toy"); }).find("2000 tokens"),
            std::string::npos);
}

}  // namespace
}  // namespace lmgaze
