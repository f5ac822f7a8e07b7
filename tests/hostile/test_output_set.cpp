// An analysis' output set is complete as a whole or not at all: a disk that
// fills up part-way through writing a new set (RLIMIT_FSIZE stands in) leaves
// the previous set byte for byte, never new tables beside the old sidecar.
#include <gtest/gtest.h>

#include <map>

#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

std::map<std::string, std::string> files_of(const test::fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : test::fs::directory_iterator(dir))
    files[e.path().filename().string()] = test::read_bytes(e.path());
  return files;
}

TEST(OutputSet, AFullDiskPartWayLeavesThePreviousSetWhole) {
  Scratch dir("output_set");
  const std::string fix = dir.file("fix.csv"), human = dir.file("H.h5"), model = dir.file("A.h5");
  ASSERT_EQ(run_lmgaze({"human", "simulate", "--text", test::demo_text(), "--readers", "L1:3",
                        "--seed", "4", "--out", fix},
                       dir.path())
                .code,
            0);
  ASSERT_EQ(run_lmgaze({"human", "import", "--text", test::demo_text(), "--fixations", fix, "--out",
                        human},
                       dir.path())
                .code,
            0);
  ASSERT_EQ(run_lmgaze({"extract", "--model", test::model_dir("toy-s"), "--text", test::demo_text(),
                        "--out", model, "--quiet"},
                       dir.path())
                .code,
            0);
  auto resemblance = [&](const std::string& label, long limit) {
    return run_lmgaze({"resemblance", "--model", model, "--human", human, "--group", "L1",
                       "--label", label, "--out", dir.file("res")},
                      dir.path(), limit);
  };
  Outcome r = resemblance("AAAA", 0);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto before = files_of(dir.path() / "res");
  // The first table written (resemblance.csv) fits under the limit, a later
  // one of the set does not: the same labels' length, so the new first table
  // has the old one's size exactly.
  const size_t first = before.at("resemblance.csv").size();
  size_t largest = 0;
  for (const auto& [name, bytes] : before) largest = std::max(largest, bytes.size());
  ASSERT_GT(largest, first + 1) << "no table of the set is larger than the first";
  r = resemblance("ZZZZ", static_cast<long>(first + 1));
  EXPECT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: " + dir.file("res") + "/", 0), 0u) << r.err;
  EXPECT_EQ(files_of(dir.path() / "res"), before) << "the previous set changed";
  // Without the limit the new set replaces the old one as a whole.
  r = resemblance("ZZZZ", 0);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto after = files_of(dir.path() / "res");
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [name, bytes] : after)
    if (name != "resemblance.json" && name.find("heads") == std::string::npos)
      EXPECT_NE(bytes.find("ZZZZ"), std::string::npos) << name;
}

}  // namespace
}  // namespace lmgaze
