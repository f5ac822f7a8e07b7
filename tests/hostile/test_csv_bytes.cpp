// CSV inputs hold the same bytes as texts: UTF-8, no control characters, LF
// or CRLF line ends. A NUL in a reader id (HDF5 would cut the name there), a
// CR-only file (one long header line) or Latin-1 bytes are refused by file,
// line and column; so is an output that would replace a device.
#include <gtest/gtest.h>

#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

const char* kText = "The cat sat.\nIt was warm.\n";
const std::string kHeader = "group,subject,article,sentence,fixation,word\n";

struct BadCsv {
  std::string name;
  std::string bytes;
  std::string where;  // "LINE:COLUMN"
  std::string what;
};

void PrintTo(const BadCsv& c, std::ostream* os) { *os << c.name; }

std::vector<BadCsv> bad_csvs() {
  return {
      {"nul_in_subject", kHeader + std::string("L1,a\0b,0,0,1,0\n", 15), "2:5", "NUL byte"},
      {"control_in_group", kHeader + "L\x01,1,0,0,1,0\n", "2:2", "control character U+0001"},
      {"latin1_subject", kHeader + "L1,J\xF6rg,0,0,1,0\n", "2:5", "not UTF-8 (byte 0xF6)"},
      {"cr_only_lines", "group,subject,article,sentence,fixation,word\rL1,1,0,0,1,0\r", "1:45",
       "carriage return (CR)"},
  };
}

class HostileCsv : public ::testing::TestWithParam<BadCsv> {};

TEST_P(HostileCsv, HumanImportRefusesByLineAndColumn) {
  const BadCsv& c = GetParam();
  Scratch dir("csv_" + c.name);
  const std::string fix = dir.write("fix.csv", c.bytes);
  const std::string out = dir.file("h.h5");
  const Outcome r = run_lmgaze(
      {"human", "import", "--text", dir.write("t.txt", kText), "--fixations", fix, "--out", out},
      dir.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + fix + ":" + c.where + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(c.what), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(out));
}

TEST_P(HostileCsv, StatsRefusesByLineAndColumn) {
  const BadCsv& c = GetParam();
  Scratch dir("stats_" + c.name);
  const std::string table = dir.write("t.csv", c.bytes);
  const Outcome r =
      run_lmgaze({"stats", "groups", "--a", table, "--b", table, "--value", "word"}, dir.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + table + ":" + c.where + ": ", 0), 0u) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileCsv, ::testing::ValuesIn(bad_csvs()),
                         [](const auto& info) { return info.param.name; });

TEST(HostileOutput, ADeviceIsNeverReplaced) {
  Scratch dir("out_device");
  const std::string text = dir.write("t.txt", kText);
  const std::string fix = dir.write("fix.csv", kHeader + "L1,1,0,0,1,0\nL1,1,0,0,2,1\n");
  const Outcome r = run_lmgaze(
      {"human", "import", "--text", text, "--fixations", fix, "--out", "/dev/null"}, dir.path());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/dev/null: output path exists and is not a regular file"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(test::fs::is_character_file("/dev/null"));
  EXPECT_FALSE(test::fs::exists("/dev/null.partial"));
}

}  // namespace
}  // namespace lmgaze
