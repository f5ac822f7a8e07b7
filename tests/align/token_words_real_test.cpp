// map_tokens_to_words with the real shared tokenizers (toy-m SentencePiece,
// gpt2-toy BPE), on the demo corpus and on harder sentences, with no prefix,
// with the instruction prefix and with the noise prefix of METHODS.md 3.
#include <gtest/gtest.h>

#include <algorithm>

#include "align/token_words.hpp"
#include "common/corpus.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";
const std::string kInstruction = "Please translate this sentence into German:";
const std::string kNoise = "Cigarette first steel convenience champion.";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Aligns `s` after `prefix` and checks what must hold for any tokenizer:
// prefix tokens lie before the sentence, indices never decrease, and the
// non-space bytes of each word's tokens spell exactly that word.
std::vector<int> check_alignment(const Tokenizer& tok, const Sentence& s,
                                 const std::string& prefix) {
  const size_t begin = prefix.empty() ? 0 : prefix.size() + 1;
  const std::string text = prefix.empty() ? s.text : prefix + " " + s.text;
  const std::vector<Token> tokens = tok.encode(text);
  const std::string name =
      "sentence (" + std::to_string(s.article) + ", " + std::to_string(s.index) + ")";
  const std::vector<int> word = map_tokens_to_words(tokens, text, s.spans, begin, name);

  std::vector<std::string> spelled(s.words.size());
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (t > 0) {
      EXPECT_LE(word[t - 1], word[t]);
    }
    if (word[t] < 0) {
      EXPECT_LE(tokens[t].end, begin) << name << " token " << t;
      continue;
    }
    for (size_t b = tokens[t].begin; b < tokens[t].end; ++b) {
      if (!is_space(text[b])) spelled[word[t]] += text[b];
    }
  }
  for (size_t w = 0; w < s.words.size(); ++w) EXPECT_EQ(spelled[w], s.words[w]) << name;
  return word;
}

class RealTokenizers : public ::testing::TestWithParam<std::string> {};

TEST_P(RealTokenizers, DemoCorpusAlignsWithAndWithoutPrefixes) {
  const auto tok = load_tokenizer(kModels + GetParam());
  const Corpus corpus = read_corpus(std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt");
  ASSERT_FALSE(corpus.sentences.empty());
  for (const Sentence& s : corpus.sentences) {
    for (const std::string& prefix : {std::string(), kInstruction, kNoise}) {
      check_alignment(*tok, s, prefix);
    }
  }
}

TEST_P(RealTokenizers, HardSentencesAlign) {
  const auto tok = load_tokenizer(kModels + GetParam());
  const std::vector<std::string> texts = {
      "In 1961 about 1,000,000 words were read.",
      "The naïve reader's café in 日本 served 😀 coffee.",
      "\"Quoted\" words, (brackets) and dashes — like this!",
      "Привет мир and cafe\xCC\x81 with a combining accent.",
      "It's what they'll say: don't re-read 3.14 twice.",
      "ﬁne ½ Ｆull width forms get normalized.",
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    const Sentence s = make_sentence(texts[i], 9, static_cast<int>(i), 1, "test");
    for (const std::string& prefix : {std::string(), kInstruction, kNoise}) {
      check_alignment(*tok, s, prefix);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedModels, RealTokenizers,
                         ::testing::Values(std::string("toy-m"), std::string("gpt2-toy")),
                         [](const auto& info) {
                           return info.param == "toy-m" ? std::string("SentencePiece")
                                                        : std::string("Gpt2Bpe");
                         });

TEST(RealTokenizersExact, SentencePieceDigitsAndByteFallback) {
  const auto tok = load_tokenizer(kModels + "toy-m");
  // "▁In" "▁" "1" "9" "6" "1" "▁the": the lone "▁" goes to "1961".
  EXPECT_EQ(check_alignment(*tok, make_sentence("In 1961 the", 0, 0, 1, "t"), ""),
            (std::vector<int>{0, 1, 1, 1, 1, 1, 2}));
  // "▁n" "a" <C3>(zero-width) <AF> "ve" | "▁" <E6><97><A5> <E6><9C><AC> | "▁o" "k".
  EXPECT_EQ(check_alignment(*tok, make_sentence("naïve 日本 ok", 0, 0, 1, "t"), ""),
            (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2}));
  // With the prefix, the "▁" before the digits sits on the separating space.
  const auto with_prefix =
      check_alignment(*tok, make_sentence("1961 was", 0, 0, 1, "t"), kInstruction);
  const std::vector<int> tail(with_prefix.end() - 6, with_prefix.end());
  EXPECT_EQ(tail, (std::vector<int>{0, 0, 0, 0, 0, 1}));  // "▁" "1" "9" "6" "1" "▁was"
  EXPECT_EQ(with_prefix.size() - 6,
            static_cast<size_t>(std::count(with_prefix.begin(), with_prefix.end(), -1)));
}

TEST(RealTokenizersExact, Gpt2SpaceLeadsTheWord) {
  const auto tok = load_tokenizer(kModels + "gpt2-toy");
  const Sentence s = make_sentence("The cat sat.", 0, 0, 1, "t");
  // "The" " cat" " sat" ".": the period is a token of its own but part of word 2.
  EXPECT_EQ(check_alignment(*tok, s, ""), (std::vector<int>{0, 1, 2, 2}));
  // The prefix ends with ":"; " The" starts on the separator.
  const auto words = check_alignment(*tok, s, kInstruction);
  EXPECT_EQ(words.size(), 7u + 4u);  // Please translate this sentence into German : | ...
  EXPECT_EQ(std::vector<int>(words.begin() + 7, words.end()), (std::vector<int>{0, 1, 2, 2}));
}

}  // namespace
}  // namespace lmgaze
