// The human subcommands through the real lmgaze executable: exit codes, one
// error line naming file and line, no output left behind.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures.hpp"
#include "helpers.hpp"
#include "human/human_store.hpp"

namespace lmgaze {
namespace {

using test::run_lmgaze;
using test::TempDir;

// Every bad input of fixtures.hpp through the executable (one test each, so
// that ctest -j runs them side by side).
class HumanCliBadInput : public ::testing::TestWithParam<test::BadCase> {};

TEST_P(HumanCliBadInput, ExitsNonZeroWithOneLineAndNoOutput) {
  const test::BadCase& c = GetParam();
  TempDir dir;
  std::string args = "human import";
  std::string bad_file;
  if (c.kind == "fixations") {
    args += " --text " + dir.write("text.txt", test::kText);
    args += " --fixations " + (bad_file = dir.write("data.csv", c.content));
  } else if (c.kind == "saccades") {
    args += " --sentences " + dir.write("sentences.csv", test::kSentencesCsv);
    args += " --saccades " + (bad_file = dir.write("data.csv", c.content));
  } else {
    args += " --sentences " + (bad_file = dir.write("sentences.csv", c.content));
    args += " --saccades " + dir.write("data.csv", test::kSaccades);
  }
  args += " --out " + dir.file("out/human.h5");
  const auto r = run_lmgaze(args, dir);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + bad_file + ":" + std::to_string(c.line) + ": ", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.file("out/human.h5")));
  EXPECT_FALSE(test::fs::exists(dir.file("out/human.h5.partial")));
}

INSTANTIATE_TEST_SUITE_P(Cases, HumanCliBadInput, ::testing::ValuesIn(test::bad_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(HumanCli, ImportSummaryMeanOfReadingBrain) {
  const std::string rb = std::string(LMGAZE_SHARED_DIR) + "/data/reading_brain/";
  TempDir dir;
  const std::string store = dir.file("rb.h5");
  auto r = run_lmgaze("human import --sentences " + rb + "sentences.csv --saccades " + rb +
                          "mean_saccade_count.csv --saccade-durations " + rb +
                          "mean_saccade_duration.csv --out " + store,
                      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("148 sentences"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("views count, duration"), std::string::npos) << r.out;
  r = run_lmgaze("human summary " + store, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("group L1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("group L2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NaN (skipped) values        0 of 8917 (count view), 0 (duration view)"),
            std::string::npos)
      << r.out;
  r = run_lmgaze("human mean " + store + " --out " + dir.file("mean.h5"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const HumanStore a(store), m(dir.file("mean.h5"));
  EXPECT_EQ(a.read("L2", "count", 0, 1, 0, 148), m.read("L2", "count", 0, 1, 0, 148));
}

TEST(HumanCli, SimulateImportExclude) {
  TempDir dir;
  const std::string text = dir.write("text.txt", test::kText);
  auto r = run_lmgaze("human simulate --text " + text + " --readers L1:3,L2:2 --seed 5 --out " +
                          dir.file("fix.csv"),
                      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("SIMULATED"), std::string::npos) << r.out;
  r = run_lmgaze("human import --text " + text + " --fixations " + dir.file("fix.csv") +
                     " --exclude L1:sim02 --exclude L2:sim01 --out " + dir.file("h.h5"),
                 dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const HumanStore store(dir.file("h.h5"));
  EXPECT_TRUE(store.simulated());
  EXPECT_EQ(store.attribute("excluded"), "L1:sim02,L2:sim01");
  EXPECT_EQ(store.subjects("L1"), (std::vector<std::string>{"sim01", "sim03"}));
  r = run_lmgaze("human summary " + dir.file("h.h5"), dir);
  EXPECT_NE(r.out.find("READERS ARE SIMULATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("excluded readers: L1:sim02,L2:sim01"), std::string::npos) << r.out;

  // Unknown reader to exclude, missing store: exit 2, one line.
  r = run_lmgaze("human import --text " + text + " --fixations " + dir.file("fix.csv") +
                     " --exclude L1:sim09 --out " + dir.file("x.h5"),
                 dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no reader 'sim09' in group L1"), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.file("x.h5")));
  r = run_lmgaze("human summary " + dir.file("none.h5"), dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace lmgaze
