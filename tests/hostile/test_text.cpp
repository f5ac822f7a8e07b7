// Text that is not what METHODS.md section 1 describes (UTF-8, one sentence
// per line, words separated by single spaces) is refused by file, line and
// column: at the library (parse_corpus) and through both commands that read a
// text (`human import --text`, `extract --text`), which must exit 2 with one
// line and write nothing.
#include <gtest/gtest.h>

#include "common/corpus.hpp"
#include "common/error.hpp"
#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

struct BadText {
  std::string name;
  std::string bytes;
  std::string where;  // "LINE:COLUMN" expected after the file name
  std::string what;   // a piece of the message
};

std::vector<BadText> bad_texts() {
  return {
      {"invalid_utf8", "Good line.\nCaf\xE9 au lait.\n", "2:4", "not UTF-8 (byte 0xE9)"},
      {"truncated_utf8", "Na\xC3\n", "1:3", "not UTF-8"},
      {"overlong_utf8", "A \xC0\xAF b.\n", "1:3", "not UTF-8"},
      {"surrogate_utf8", "A \xED\xA0\x80 b.\n", "1:3", "not UTF-8"},
      // Old Mac line ends: one "line" with CRs inside; the first CR is column 11.
      {"cr_only", "First one.\rSecond one.\r", "1:11", "carriage return (CR)"},
      {"lone_cr_in_crlf_file", "A b.\r\nC\rd.\r\n", "2:2", "carriage return (CR)"},
      {"control_char", "The \x01word here.\n", "1:5", "control character U+0001"},
      {"nul_byte", std::string("The wo\0rd.\n", 11), "1:7", "NUL byte"},
      {"form_feed", "A\fb.\n", "1:2", "form feed"},
      {"vertical_tab", "A\vb.\n", "1:2", "vertical tab"},
      {"tab", "A b.\nC\td.\n", "2:2", "tab"},
      {"nbsp",
       "A\xC2\xA0"
       "b.\n",
       "1:2", "no-break space (U+00A0)"},
      {"em_space", "Caf\xC3\xA9\xE2\x80\x83noir.\n", "1:5", "whitespace character U+2003"},
      {"ideographic_space",
       "A\xE3\x80\x80"
       "b.\n",
       "1:2", "U+3000"},
      {"zero_width_space",
       "A\xE2\x80\x8B"
       "b.\n",
       "1:2", "zero-width character U+200B"},
      {"replacement_char", "Caf\xEF\xBF\xBD.\n", "1:4", "replacement character U+FFFD"},
      {"double_space", "A b.\nC  d.\n", "2:3", "two spaces in a row"},
      {"trailing_space", "A b. \n", "1:5", "leading or trailing space"},
  };
}

void PrintTo(const BadText& c, std::ostream* os) { *os << c.name; }

class HostileText : public ::testing::TestWithParam<BadText> {};

TEST_P(HostileText, LibraryNamesLineAndColumn) {
  const BadText& c = GetParam();
  try {
    parse_corpus(c.bytes, "t.txt");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.txt:" + c.where + ": ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.what), std::string::npos) << e.what();
  }
}

TEST_P(HostileText, HumanImportRefusesWithOneLine) {
  const BadText& c = GetParam();
  Scratch dir("text_" + c.name);
  const std::string text = dir.write("text.txt", c.bytes);
  const std::string fix = dir.write(
      "fix.csv", "group,subject,article,sentence,fixation,word,duration_ms\nL1,1,0,0,1,0,200\n");
  const std::string out = dir.file("human.h5");
  const Outcome r =
      run_lmgaze({"human", "import", "--text", text, "--fixations", fix, "--out", out}, dir.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + text + ":" + c.where + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(c.what), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileText, ::testing::ValuesIn(bad_texts()),
                         [](const auto& info) { return info.param.name; });

TEST(HostileText, ExtractRefusesBeforeAnyOutput) {
  Scratch dir("text_extract");
  const std::string text = dir.write("text.txt", "Caf\xE9 au lait.\n");
  const std::string out = dir.file("a.h5");
  const Outcome r = run_lmgaze(
      {"extract", "--model", test::model_dir("toy-s"), "--text", text, "--out", out, "--quiet"},
      dir.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + text + ":1:4: not UTF-8", 0), 0u) << r.err;
  EXPECT_FALSE(test::fs::exists(out));
}

TEST(HostileText, ALineOfMoreThanAThousandWordsIsNotASentence) {
  std::string line = "w";
  for (int i = 1; i <= kMaxSentenceWords; ++i) line += " w";
  try {
    parse_corpus("Short one.\n" + line + "\n", "t.txt");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.txt:2: 1001 words in one sentence (at most 1000); the "
              "text must hold one sentence per line");
  }
}

// What stays accepted: CRLF, a leading byte-order mark, non-ASCII letters.
TEST(HostileText, AcceptsCrlfBomAndNonAsciiWords) {
  const Corpus c = parse_corpus(
      "\xEF\xBB\xBFNa\xC3\xAFve caf\xC3\xA9.\r\n\r\n\xE6\x97\xA5\xE6\x9C\xAC ok.\r\n", "t.txt");
  ASSERT_EQ(c.sentences.size(), 2u);
  EXPECT_EQ(c.sentences[0].words, (std::vector<std::string>{"Na\xC3\xAFve", "caf\xC3\xA9."}));
  EXPECT_EQ(c.sentences[1].article, 1);
  EXPECT_EQ(c.sentences[1].words.size(), 2u);
}

}  // namespace
}  // namespace lmgaze
