// The hand-written GPT-2 pre-tokenizer against matches of Python's
// regex.findall with the GPT-2 pattern (expected pieces computed with it).
#include "tokenizer/gpt2_pretokenize.hpp"

#include <gtest/gtest.h>

namespace lmgaze {
namespace {

std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string> out;
  size_t expected_begin = 0;
  for (const ByteRange& r : gpt2_pretokenize(text)) {
    EXPECT_EQ(r.begin, expected_begin) << "pieces must tile the text";
    EXPECT_LT(r.begin, r.end);
    out.push_back(text.substr(r.begin, r.end - r.begin));
    expected_begin = r.end;
  }
  EXPECT_EQ(expected_begin, text.size());
  return out;
}

using Pieces = std::vector<std::string>;

TEST(Gpt2Pretokenize, WordsTakeTheirLeadingSpace) {
  EXPECT_EQ(pieces("Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(pieces("ab 12"), (Pieces{"ab", " 12"}));
  EXPECT_EQ(pieces("abc123def"), (Pieces{"abc", "123", "def"}));
}

TEST(Gpt2Pretokenize, Contractions) {
  EXPECT_EQ(pieces("I'm here, they'll go"),
            (Pieces{"I", "'m", " here", ",", " they", "'ll", " go"}));
  EXPECT_EQ(pieces(" 's"), (Pieces{" '", "s"}));
  EXPECT_EQ(pieces("'S"), (Pieces{"'", "S"}));  // case-sensitive
}

TEST(Gpt2Pretokenize, Punctuation) { EXPECT_EQ(pieces("!!! ?x"), (Pieces{"!!!", " ?", "x"})); }

TEST(Gpt2Pretokenize, WhitespaceRuns) {
  EXPECT_EQ(pieces("  two"), (Pieces{" ", " two"}));
  EXPECT_EQ(pieces("a\n\nb"), (Pieces{"a", "\n", "\n", "b"}));
  EXPECT_EQ(pieces("end  "), (Pieces{"end", "  "}));
  EXPECT_EQ(pieces("x \t y"), (Pieces{"x", " \t", " y"}));
  EXPECT_EQ(pieces("\n"), (Pieces{"\n"}));
  EXPECT_EQ(pieces("a\xC2\xA0"
                   "b"),
            (Pieces{"a", "\xC2\xA0", "b"}));  // only U+0020 leads a word
}

TEST(Gpt2Pretokenize, CombiningMarkIsNotALetter) {
  EXPECT_EQ(pieces("cafe\xCC\x81"), (Pieces{"cafe", "\xCC\x81"}));
}

TEST(Gpt2Pretokenize, InvalidBytesStillCovered) {
  EXPECT_EQ(pieces("a\xFF\xFE"
                   "b"),
            (Pieces{"a", "\xFF\xFE", "b"}));
}

TEST(Gpt2Pretokenize, Empty) { EXPECT_TRUE(gpt2_pretokenize("").empty()); }

}  // namespace
}  // namespace lmgaze
