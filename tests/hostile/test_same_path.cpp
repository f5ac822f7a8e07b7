// An output that is one of the command's inputs (same path, another spelling,
// a symlink, a hard link) is refused with one line and exit 2, and the input
// keeps every byte.
#include <gtest/gtest.h>

#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

const char* kText = "The cat sat on the mat.\nIt was warm.\n";
const char* kFixations =
    "group,subject,article,sentence,fixation,word,duration_ms\n"
    "L1,1,0,0,1,0,200\nL1,1,0,0,2,1,210\nL1,1,0,1,1,0,180\nL1,1,0,1,2,2,190\n"
    "L1,2,0,0,1,0,150\nL1,2,0,0,2,2,160\nL1,2,0,1,1,1,170\nL1,2,0,1,2,0,120\n";

void expect_refused(const Outcome& r, const std::string& input, const std::string& bytes) {
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("same file as the input"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_bytes(input), bytes) << input << " was changed";
}

class SamePath : public ::testing::Test {
 protected:
  SamePath() : dir_("same_path") {
    text_ = dir_.write("text.txt", kText);
    fix_ = dir_.write("fix.csv", kFixations);
    store_ = dir_.file("human.h5");
    const Outcome r = run_lmgaze(
        {"human", "import", "--text", text_, "--fixations", fix_, "--out", store_}, dir_.path());
    EXPECT_EQ(r.code, 0) << r.err;
    store_bytes_ = test::read_bytes(store_);
  }
  Scratch dir_;
  std::string text_, fix_, store_, store_bytes_;
};

TEST_F(SamePath, HumanMeanOverItsStore) {
  expect_refused(run_lmgaze({"human", "mean", store_, "--out", store_}, dir_.path()), store_,
                 store_bytes_);
}

TEST_F(SamePath, HumanMeanOverItsStoreSpelledDifferently) {
  test::fs::create_directory(dir_.path() / "sub");
  expect_refused(run_lmgaze({"human", "mean", store_, "--out", "./sub/../human.h5"}, dir_.path()),
                 store_, store_bytes_);
}

TEST_F(SamePath, HumanMeanOverASymlinkToItsStore) {
  test::fs::create_symlink(store_, dir_.path() / "link.h5");
  expect_refused(run_lmgaze({"human", "mean", store_, "--out", dir_.file("link.h5")}, dir_.path()),
                 store_, store_bytes_);
}

TEST_F(SamePath, HumanMeanOverAHardLinkToItsStore) {
  test::fs::create_hard_link(store_, dir_.path() / "hard.h5");
  expect_refused(run_lmgaze({"human", "mean", store_, "--out", dir_.file("hard.h5")}, dir_.path()),
                 store_, store_bytes_);
}

TEST_F(SamePath, HumanImportOverItsFixations) {
  expect_refused(
      run_lmgaze({"human", "import", "--text", text_, "--fixations", fix_, "--out", fix_},
                 dir_.path()),
      fix_, kFixations);
}

TEST_F(SamePath, HumanImportOverItsText) {
  expect_refused(
      run_lmgaze({"human", "import", "--text", text_, "--fixations", fix_, "--out", text_},
                 dir_.path()),
      text_, kText);
}

TEST_F(SamePath, HumanSimulateOverItsText) {
  expect_refused(run_lmgaze({"human", "simulate", "--text", text_, "--out", text_}, dir_.path()),
                 text_, kText);
}

TEST_F(SamePath, ExtractOverItsText) {
  expect_refused(run_lmgaze({"extract", "--model", test::model_dir("toy-s"), "--text", text_,
                             "--out", text_, "--quiet"},
                            dir_.path()),
                 text_, kText);
}

TEST_F(SamePath, ExtractOverAFileOfItsCheckpoint) {
  test::fs::copy(test::model_dir("toy-s"), dir_.path() / "toy-s");
  const std::string config = dir_.file("toy-s/config.json");
  const std::string bytes = test::read_bytes(config);
  expect_refused(run_lmgaze({"extract", "--model", dir_.file("toy-s"), "--text", text_, "--out",
                             config, "--quiet"},
                            dir_.path()),
                 config, bytes);
}

// An analysis whose output directory is its input file: one line, exit 2
// (it was "internal error: filesystem error", exit 3).
TEST_F(SamePath, AnalysisOutputDirectoryIsAnInputFile) {
  const Outcome r = run_lmgaze(
      {"noise-ceiling", "--human", store_, "--group", "L1", "--out", store_}, dir_.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(test::read_bytes(store_), store_bytes_);
}

TEST_F(SamePath, UnwritableOutputDirectoryIsAUserError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes anywhere";
  test::fs::create_directory(dir_.path() / "ro");
  test::fs::permissions(dir_.path() / "ro",
                        test::fs::perms::owner_read | test::fs::perms::owner_exec);
  const Outcome r =
      run_lmgaze({"noise-ceiling", "--human", store_, "--group", "L1", "--out", dir_.file("ro/x")},
                 dir_.path());
  test::fs::permissions(dir_.path() / "ro", test::fs::perms::owner_all);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
}

// A file in the way of the output directory: exit 2, one line.
TEST_F(SamePath, OutputDirectoryBlockedByAFile) {
  dir_.write("blocker", "x");
  const Outcome r = run_lmgaze(
      {"noise-ceiling", "--human", store_, "--group", "L1", "--out", dir_.file("blocker/out")},
      dir_.path());
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lmgaze
