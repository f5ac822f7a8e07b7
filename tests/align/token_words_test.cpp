// map_tokens_to_words on hand-built token ranges, one test per rule of
// METHODS.md 2.4.
#include "align/token_words.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace lmgaze {
namespace {

// Words of `sentence` (single spaces), placed after `prefix` + " " when there is one.
struct Input {
  std::string text;
  std::vector<WordSpan> spans;
  size_t sentence_begin;
};

Input make_input(const std::string& prefix, const std::string& sentence) {
  Input in;
  in.sentence_begin = prefix.empty() ? 0 : prefix.size() + 1;
  in.text = prefix.empty() ? sentence : prefix + " " + sentence;
  const Sentence s = make_sentence(sentence, 0, 0, 1, "test");
  in.spans = s.spans;
  return in;
}

std::vector<int> map(const Input& in, const std::vector<Token>& tokens) {
  return map_tokens_to_words(tokens, in.text, in.spans, in.sentence_begin, "sentence (2, 5)");
}

std::string error_of(const Input& in, const std::vector<Token>& tokens) {
  try {
    map(in, tokens);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

using Ids = std::vector<int>;

TEST(TokenWords, TokenBelongsToTheWordItOverlaps) {
  // "the cat": "the" [0,3), " cat" [3,7) (GPT-2 style leading space).
  const Input in = make_input("", "the cat");
  EXPECT_EQ(map(in, {{0, 0, 2}, {0, 2, 3}, {0, 3, 7}}), (Ids{0, 0, 1}));
}

TEST(TokenWords, PrefixTokensAreMinusOne) {
  // "Do it: the cat": the sentence starts at byte 7; " the" [6,10) starts on
  // the separating space, which belongs to nobody, so it is word 0's.
  const Input in = make_input("Do it:", "the cat");
  ASSERT_EQ(in.sentence_begin, 7u);
  EXPECT_EQ(map(in, {{0, 0, 2}, {0, 2, 5}, {0, 5, 6}, {0, 6, 10}, {0, 10, 14}}),
            (Ids{-1, -1, -1, 0, 1}));
}

TEST(TokenWords, WhitespaceOnlyTokenBelongsToTheNextWord) {
  // SentencePiece's lone "▁" before digits: "In 1961" -> "▁In" "▁" "1" "9" "6" "1".
  const Input in = make_input("", "In 1961");
  EXPECT_EQ(map(in, {{0, 0, 2}, {0, 2, 3}, {0, 3, 4}, {0, 4, 5}, {0, 5, 6}, {0, 6, 7}}),
            (Ids{0, 1, 1, 1, 1, 1}));
  // With a prefix, a lone "▁" on the separator belongs to word 0, and one
  // inside the prefix belongs to the prefix word after it.
  const Input p = make_input("Go 42:", "1961 was");  // sentence at byte 7
  EXPECT_EQ(map(p, {{0, 0, 2}, {0, 2, 3}, {0, 3, 6}, {0, 6, 7}, {0, 7, 11}, {0, 11, 15}}),
            (Ids{-1, -1, -1, 0, 0, 1}));
  // GPT-2's run of spaces "a  b" -> "a" " " " b" (multiple spaces inside a text).
  Input gap{"a  b", {{0, 1}, {3, 4}}, 0};
  EXPECT_EQ(map(gap, {{0, 0, 1}, {0, 1, 2}, {0, 2, 4}}), (Ids{0, 1, 1}));
}

TEST(TokenWords, ZeroWidthLeadingBytesBelongToTheirCharactersWord) {
  // "日 本": 日 = bytes [0,3), 本 = [4,7); byte-fallback pieces as SentencePiece
  // reports them: leading bytes zero-width at the character's first byte.
  const Input in = make_input("", "日 本");
  EXPECT_EQ(map(in, {{0, 0, 0}, {0, 0, 0}, {0, 0, 3}, {0, 3, 4}, {0, 4, 4}, {0, 4, 4}, {0, 4, 7}}),
            (Ids{0, 0, 0, 1, 1, 1, 1}));
  // Inside a word: "naïve" with ï = [2,4).
  const Input w = make_input("", "naïve ok");
  EXPECT_EQ(map(w, {{0, 0, 1}, {0, 1, 2}, {0, 2, 2}, {0, 2, 4}, {0, 4, 6}, {0, 6, 9}}),
            (Ids{0, 0, 0, 0, 0, 1}));
}

TEST(TokenWords, TokenSpanningTwoWordsIsAnError) {
  const Input in = make_input("", "ab cd ef");
  EXPECT_EQ(error_of(in, {{0, 0, 1}, {0, 1, 4}, {0, 4, 8}}),
            "sentence (2, 5): token 1 'b c' spans words 0 and 1");
}

TEST(TokenWords, TokenSpanningPrefixAndWordIsAnError) {
  const Input in = make_input("Go:", "the cat");  // sentence at byte 4
  EXPECT_EQ(error_of(in, {{0, 0, 2}, {0, 2, 7}, {0, 7, 11}}),
            "sentence (2, 5): token 1 ': the' spans the prefix and word 0");
}

TEST(TokenWords, WordWithoutTokenIsAnError) {
  const Input in = make_input("", "ab cd ef");
  EXPECT_EQ(error_of(in, {{0, 0, 2}, {0, 5, 8}}), "sentence (2, 5): word 1 'cd' gets no token");
}

TEST(TokenWords, TokensOutOfOrderAreAnError) {
  const Input in = make_input("", "ab cd");
  EXPECT_EQ(error_of(in, {{0, 2, 5}, {0, 0, 2}}),
            "sentence (2, 5): token 1 'ab' belongs to word 0 but follows a token of word 1");
}

TEST(TokenWords, WhitespaceAfterTheLastWordIsAnError) {
  Input in{"ab\n", {{0, 2}}, 0};
  EXPECT_EQ(error_of(in, {{0, 0, 2}, {0, 2, 3}}),
            "sentence (2, 5): token 1 '\\x0a' comes after the last word");
}

TEST(TokenWords, InconsistentArgumentsAreProgrammingErrors) {
  const Input in = make_input("", "ab cd");
  EXPECT_THROW(map(in, {{0, 0, 9}}), std::invalid_argument);  // token beyond the text
  Input bad{"ab cd", {{3, 5}, {0, 2}}, 0};                    // spans out of order
  EXPECT_THROW(map(bad, {{0, 0, 5}}), std::invalid_argument);
}

}  // namespace
}  // namespace lmgaze
