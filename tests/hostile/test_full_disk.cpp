// A disk that fills up (RLIMIT_FSIZE stands in: SIGXFSZ ignored, a write past
// the limit fails with EFBIG just as ENOSPC does on a full disk). Every
// command that writes HDF5 must then report one line and exit 2: no signal
// (HDF5 1.10 crashed in MPI_Finalize on the file whose close had failed), no
// output under its real name, no PATH.partial left behind.
#include <gtest/gtest.h>

#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

constexpr long kLimit = 8 * 1024;  // bytes: far below any HDF5 output here

void expect_clean_failure(const Outcome& r, const std::string& output) {
  EXPECT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(output)) << output;
  EXPECT_FALSE(test::fs::exists(output + ".partial")) << output;
}

// Simulated fixations of the demo text (32 sentences, 3 + 3 readers).
std::string simulated_fixations(const Scratch& dir) {
  const std::string csv = dir.file("fix.csv");
  const Outcome r = run_lmgaze({"human", "simulate", "--text", test::demo_text(), "--readers",
                                "L1:3,L2:3", "--seed", "4", "--out", csv},
                               dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  return csv;
}

TEST(FullDisk, HumanImport) {
  Scratch dir("disk_import");
  const std::string fix = simulated_fixations(dir);
  const std::string out = dir.file("human.h5");
  const Outcome r =
      run_lmgaze({"human", "import", "--text", test::demo_text(), "--fixations", fix, "--out", out},
                 dir.path(), kLimit);
  expect_clean_failure(r, out);
  // Named by the output the user asked for, not by the removed PATH.partial.
  EXPECT_EQ(r.err.rfind("lmgaze: " + out + ": ", 0), 0u) << r.err;
}

// `ulimit -f` in a shell leaves SIGXFSZ to kill the writer; lmgaze ignores it
// and reports the failed write like any other.
TEST(FullDisk, SizeLimitWithTheDefaultSignal) {
  Scratch dir("disk_signal");
  const std::string fix = simulated_fixations(dir);
  const std::string out = dir.file("human.h5");
  const Outcome r =
      run_lmgaze({"human", "import", "--text", test::demo_text(), "--fixations", fix, "--out", out},
                 dir.path(), kLimit, /*default_sigxfsz=*/true);
  expect_clean_failure(r, out);
}

TEST(FullDisk, HumanMean) {
  Scratch dir("disk_mean");
  const std::string fix = simulated_fixations(dir);
  const std::string store = dir.file("human.h5");
  Outcome r = run_lmgaze(
      {"human", "import", "--text", test::demo_text(), "--fixations", fix, "--out", store},
      dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string before = test::read_bytes(store);
  const std::string out = dir.file("mean.h5");
  r = run_lmgaze({"human", "mean", store, "--out", out}, dir.path(), kLimit);
  expect_clean_failure(r, out);
  EXPECT_EQ(test::read_bytes(store), before);  // the input is untouched
}

TEST(FullDisk, Extract) {
  Scratch dir("disk_extract");
  const std::string out = dir.file("toy-s.h5");
  const Outcome r = run_lmgaze({"extract", "--model", test::model_dir("toy-s"), "--text",
                                test::demo_text(), "--out", out, "--quiet"},
                               dir.path(), kLimit);
  expect_clean_failure(r, out);
}

TEST(FullDisk, RunStopsAtTheFirstFailedStage) {
  Scratch dir("disk_run");
  const std::string fix = simulated_fixations(dir);
  dir.write("job.ini", "[job]\nname = disk\ntext = " + test::demo_text() +
                           "\n[output]\ndir = out\nreport = no\n"
                           "[model toy-s]\ndir = " +
                           test::model_dir("toy-s") +
                           "\nrole = scale\n"
                           "[human readers]\ntext = " +
                           test::demo_text() + "\nfixations = " + fix +
                           "\ngroups = L1 L2\n[analyses]\nrun = resemblance\n");
  const Outcome r = run_lmgaze({"run", "--job", dir.file("job.ini")}, dir.path(), kLimit);
  EXPECT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  // Nothing half-written, and no HDF5 output at all (none fits in the limit).
  EXPECT_TRUE(test::files_ending(dir.path() / "out", ".partial").empty());
  EXPECT_TRUE(test::files_ending(dir.path() / "out", ".h5").empty());
}

}  // namespace
}  // namespace lmgaze
