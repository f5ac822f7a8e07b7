// Files that do not belong together are refused by name, with one line and
// exit 2: attention of two models with different layer counts (without a
// --parts the user never gave being blamed), an attention file and a human
// store of two different texts of the same shape, a file of an unknown
// format_version, and a paired t-test of one group against another.
#include <gtest/gtest.h>

#include "hostile.hpp"
#include "io/hdf5.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

// Two texts of the same shape (2 sentences of 3 and 4 words), other words.
const char* kTextA = "The cat sat.\nIt was very warm.\n";
const char* kTextB = "A dog ran.\nWe were not cold.\n";

void expect_refused(const Outcome& r, const std::string& what) {
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

std::string extract(const Scratch& dir, const std::string& model, const std::string& text,
                    const std::string& name) {
  const std::string out = dir.file(name);
  const Outcome r = run_lmgaze(
      {"extract", "--model", test::model_dir(model), "--text", text, "--out", out, "--quiet"},
      dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  return out;
}

TEST(Pairing, DivergenceOfTwoAndSixLayersNamesTheDefaultNotAnOption) {
  Scratch dir("pair_layers");
  const std::string text = dir.write("a.txt", kTextA);
  const std::string s = extract(dir, "toy-s", text, "s.h5");  // 2 layers
  const std::string l = extract(dir, "toy-l", text, "l.h5");  // 6 layers
  const Outcome r =
      run_lmgaze({"divergence", "--a", s, "--b", l, "--out", dir.file("d")}, dir.path());
  expect_refused(r, "has 2 layers and " + l + " has 6");
  EXPECT_EQ(r.err.find("--parts 4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("give --parts N with N from 1 to 2"), std::string::npos) << r.err;
  const Outcome ok = run_lmgaze(
      {"divergence", "--a", s, "--b", l, "--parts", "2", "--out", dir.file("d")}, dir.path());
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST(Pairing, AttentionAndHumanDataOfAnotherTextOfTheSameShape) {
  Scratch dir("pair_text");
  const std::string a = dir.write("a.txt", kTextA), b = dir.write("b.txt", kTextB);
  const std::string model_a = extract(dir, "toy-s", a, "a.h5");
  const std::string model_b = extract(dir, "toy-s", b, "b.h5");
  const std::string fix = dir.write(
      "fix.csv",
      "group,subject,article,sentence,fixation,word\n"
      "L1,1,0,0,1,0\nL1,1,0,0,2,1\nL1,1,0,0,3,0\nL1,1,0,1,1,0\nL1,1,0,1,2,2\nL1,1,0,1,3,1\n"
      "L1,2,0,0,1,1\nL1,2,0,0,2,2\nL1,2,0,0,3,1\nL1,2,0,1,1,3\nL1,2,0,1,2,0\nL1,2,0,1,3,1\n");
  const std::string human_b = dir.file("human_b.h5");
  Outcome r = run_lmgaze({"human", "import", "--text", b, "--fixations", fix, "--out", human_b},
                         dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  expect_refused(run_lmgaze({"resemblance", "--model", model_a, "--human", human_b, "--group", "L1",
                             "--out", dir.file("r")},
                            dir.path()),
                 "sentence (0, 0) reads \"The cat sat.\" in one and \"A dog ran.\" in the other");
  EXPECT_FALSE(test::fs::exists(dir.file("r/resemblance.csv")));
  expect_refused(run_lmgaze({"divergence", "--a", model_a, "--b", model_b, "--out", dir.file("d")},
                            dir.path()),
                 "sentence (0, 0) reads \"The cat sat.\" in one and \"A dog ran.\" in the other");
  // The same text pairs as before.
  r = run_lmgaze({"resemblance", "--model", model_b, "--human", human_b, "--group", "L1", "--out",
                  dir.file("r")},
                 dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Pairing, UnknownFormatVersionIsRefused) {
  Scratch dir("pair_version");
  const std::string text = dir.write("a.txt", kTextA);
  const std::string a = extract(dir, "toy-s", text, "a.h5");
  test::fs::copy_file(a, dir.file("v2.h5"));
  {
    h5::File f = h5::File::open_write(dir.file("v2.h5"));
    f.set_attr("format_version", int64_t{2});
    f.close();
  }
  expect_refused(
      run_lmgaze({"divergence", "--a", a, "--b", dir.file("v2.h5"), "--out", dir.file("d")},
                 dir.path()),
      dir.file("v2.h5") + ": attention file format_version is not 1");
}

TEST(Pairing, PairedTestOfOneGroupAgainstAnother) {
  Scratch dir("pair_groups");
  const std::string head = "model,group,layer,subject,r2\n";
  const std::string l1 = dir.write("l1.csv", head + "m,L1,0,1,0.1\nm,L1,0,2,0.2\nm,L1,0,3,0.3\n");
  const std::string l2 = dir.write("l2.csv", head + "m,L2,0,1,0.3\nm,L2,0,2,0.1\nm,L2,0,3,0.5\n");
  expect_refused(run_lmgaze({"stats", "paired", "--a", l1, "--b", l2}, dir.path()),
                 "holds group L1 and " + l2 + " group L2: different people cannot be paired");
  const std::string both =
      dir.write("both.csv", head + "m,L1,0,1,0.1\nm,L1,0,2,0.2\n" + "m,L2,0,1,0.3\nm,L2,0,2,0.1\n");
  expect_refused(run_lmgaze({"stats", "paired", "--a", both, "--b", both}, dir.path()),
                 both + ": holds groups L1, L2");
  // One group in both: the test runs.
  const std::string l1b = dir.write("l1b.csv", head + "n,L1,0,1,0.2\nn,L1,0,2,0.4\nn,L1,0,3,0.3\n");
  const Outcome ok = run_lmgaze({"stats", "paired", "--a", l1, "--b", l1b}, dir.path());
  EXPECT_EQ(ok.code, 0) << ok.err;
}

}  // namespace
}  // namespace lmgaze
