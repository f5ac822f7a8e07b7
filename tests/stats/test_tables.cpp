// stats paired's per-layer comparison on constructed tables: pairing by
// reader, skipping missing values and the 'max' row, Bonferroni counting.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/error.hpp"
#include "stats/tables.hpp"

namespace lmgaze::stats {
namespace {

// A resemblance-like table: for each layer l and reader s, value(l, s).
template <class F>
std::string table(int layers, int readers, F value) {
  std::string s = "# made by the test\nmodel,group,layer,subject,r2,r2_cv\n";
  for (int l = 0; l < layers; ++l)
    for (int r = 0; r < readers; ++r)
      s += "m,L1," + std::to_string(l) + ",s" + std::to_string(r) + "," + value(l, r) + ",\n";
  return s;
}

std::string fmt(double v) { return csv_number(v); }

TEST(CompareLayerwise, BonferroniCounts) {
  // 10 layers, 8 readers. b - a per reader: layer 0..2 strongly positive,
  // layer 3..4 strongly negative, layer 5 with p just below 0.05 (significant
  // uncorrected, not after Bonferroni), the rest zero mean.
  const int L = 10, R = 8;
  const double noise[R] = {0.01, -0.02, 0.015, -0.005, 0.02, -0.01, 0.0, -0.01};
  auto a = table(L, R, [](int l, int r) { return fmt(0.1 * l + 0.01 * r); });
  auto b = table(L, R, [&](int l, int r) {
    double shift = l <= 2 ? 0.2 : l <= 4 ? -0.3 : l == 5 ? 0.0125 : 0.0;
    return fmt(0.1 * l + 0.01 * r + shift + noise[r]);
  });
  const CsvTable ta = parse_csv(a, "a.csv"), tb = parse_csv(b, "b.csv");
  const auto c = compare_layerwise(select_rows(ta, {}), select_rows(tb, {}), {}, 0.05);
  ASSERT_EQ(c.layers.size(), 10u);
  EXPECT_DOUBLE_EQ(c.threshold, 0.005);
  EXPECT_EQ(c.higher, 3);
  EXPECT_EQ(c.lower, 2);
  for (int l = 0; l < L; ++l) {
    EXPECT_EQ(c.layers[l].key, std::to_string(l));
    EXPECT_EQ(c.layers[l].test.n, R);
    EXPECT_EQ(c.layers[l].significant, l <= 4) << "layer " << l;
    EXPECT_NEAR(c.layers[l].p_bonferroni, std::min(1.0, 10 * c.layers[l].test.p), 1e-15);
  }
  EXPECT_LT(c.layers[5].test.p, 0.05);  // the uncorrected test would have counted it
  EXPECT_GT(c.layers[5].test.p, 0.005);
  EXPECT_GT(c.layers[0].test.t, 0);
  EXPECT_LT(c.layers[3].test.t, 0);
}

TEST(CompareLayerwise, PairsByReaderSkipsMissingAndMax) {
  // Layer order in a is 10, 2 (numeric keys are sorted); b lists readers in
  // another order, lacks s3, has an extra s9, and s1's value is NaN at layer 2.
  const CsvTable ta = parse_csv(
      "layer,subject,r2\n10,s1,1\n10,s2,2\n10,s3,3\n10,s4,5\n2,s1,1\n2,s2,2\n2,s4,4\n2,s5,3\n"
      "max,s1,9\n",
      "a.csv");
  const CsvTable tb = parse_csv(
      "layer,subject,r2\n10,s4,7\n10,s2,3\n10,s1,3\n10,s9,0\n2,s4,6\n2,s2,3\n2,s1,nan\n2,s5,4.5\n"
      "max,s7,1\n",
      "b.csv");
  const auto c = compare_layerwise(select_rows(ta, {}), select_rows(tb, {}), {}, 0.05);
  ASSERT_EQ(c.layers.size(), 2u);
  EXPECT_EQ(c.layers[0].key, "2");
  EXPECT_EQ(c.layers[1].key, "10");
  // Layer 10: pairs s1 (1,3), s2 (2,3), s4 (5,7): d = 2,1,2.
  EXPECT_EQ(c.layers[1].test.n, 3);
  EXPECT_NEAR(c.layers[1].test.mean_diff, 5.0 / 3, 1e-12);
  EXPECT_NEAR(c.layers[1].test.mean_a, 8.0 / 3, 1e-12);
  // Layer 2: s2 (2,3), s4 (4,6), s5 (3,4.5): d = 1, 2, 1.5; s1 dropped.
  EXPECT_EQ(c.layers[0].test.n, 3);
  EXPECT_NEAR(c.layers[0].test.mean_diff, 1.5, 1e-12);
  EXPECT_EQ(c.unpaired, 2);  // s3 (a only), s9 (b only)
  EXPECT_EQ(c.missing, 1);
}

TEST(CompareLayerwise, FiltersAndColumns) {
  const CsvTable t = parse_csv(
      "model,head,reader,score\nbase,0,r1,1\nbase,0,r2,2\nbase,0,r3,4\n"
      "tuned,0,r1,2\ntuned,0,r2,4\ntuned,0,r3,5\n",
      "t.csv");
  PairedColumns cols{"head", "reader", "score"};
  const auto c = compare_layerwise(select_rows(t, {{"model", "base"}}),
                                   select_rows(t, {{"model", "tuned"}}), cols, 0.05);
  ASSERT_EQ(c.layers.size(), 1u);
  EXPECT_NEAR(c.layers[0].test.mean_diff, 4.0 / 3, 1e-12);
  // Without the filter each (head, reader) appears twice.
  try {
    compare_layerwise(select_rows(t, {}), select_rows(t, {}), cols, 0.05);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "t.csv:5: head 0, reader 'r1' appears twice (first at line 2); --filter can "
                 "select one model or group");
  }
}

std::string error_of(const std::string& a, const std::string& b) {
  try {
    const CsvTable ta = parse_csv(a, "a.csv"), tb = parse_csv(b, "b.csv");
    compare_layerwise(select_rows(ta, {}), select_rows(tb, {}), {}, 0.05);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CompareLayerwise, BadInputs) {
  const std::string good = "layer,subject,r2\n0,s1,1\n0,s2,2\n0,s3,4\n";
  EXPECT_EQ(error_of(good, "layer,subject,r2\n0,s1,2\n0,s9,2\n"),
            "layer 0: paired t-test needs at least 2 pairs, got 1 (subjects with a value in both "
            "a.csv and b.csv)");
  EXPECT_EQ(error_of(good, "layer,subject,r2\n0,s1,2\n0,s2,3\n0,s3,5\n"),
            "layer 0: paired t-test: the 3 differences b - a are all equal, t is undefined "
            "(subjects with a value in both a.csv and b.csv)");
  EXPECT_EQ(error_of(good, "layer,subject,value\n0,s1,2\n"),
            "b.csv:1: no column 'r2' (columns: layer, subject, value)");
  EXPECT_EQ(error_of(good, "layer,subject,r2\n0,s1,2\n0,s2,3\n0,s3,6\n1,s1,1\n"),
            "a.csv: has no rows for layer 1, which b.csv has");
  EXPECT_EQ(error_of("layer,subject,r2\nmax,s1,1\n", good),
            "a.csv: no rows to compare (after --filter, without the 'max' row)");
  EXPECT_EQ(error_of(good, "layer,subject,r2\n0,s1,x\n"),
            "b.csv:2: column 'r2': 'x' is not a number");
}

TEST(Points, ByRowAndJoined) {
  const CsvTable x = parse_csv("model,params\nA,7\nB,13\nC,30\nD,65\n", "x.csv");
  const CsvTable y = parse_csv("model,res\nC,0.3\nA,0.1\nB,\nE,0.9\n", "y.csv");
  const Points p = points_joined(select_rows(x, {}), "params", select_rows(y, {}), "res", "model");
  EXPECT_EQ(p.x, (std::vector<double>{7, 30}));
  EXPECT_EQ(p.y, (std::vector<double>{0.1, 0.3}));
  EXPECT_EQ(p.x_origin[1], "x.csv:4");
  EXPECT_EQ(p.missing, 1);      // B has no resemblance
  EXPECT_EQ(p.unmatched_x, 1);  // D
  EXPECT_EQ(p.unmatched_y, 1);  // E
  const CsvTable both = parse_csv("a,b\n1,2\n3,nan\n5,6\n", "p.csv");
  const Points q = points_by_row(select_rows(both, {}), "a", "b");
  EXPECT_EQ(q.x, (std::vector<double>{1, 5}));
  EXPECT_EQ(q.missing, 1);
  const CsvTable dup = parse_csv("model,res\nA,1\nA,2\n", "d.csv");
  EXPECT_THROW(points_joined(select_rows(x, {}), "params", select_rows(dup, {}), "res", "model"),
               InputError);
}

TEST(ColumnSample, DropsMissing) {
  const CsvTable t = parse_csv("source,layer,r2\nL1,,0.5\nL1,,\nL2,,0.7\n", "t.csv");
  const Sample s = column_sample(select_rows(t, {{"source", "L1"}}), "r2");
  EXPECT_EQ(s.values, (std::vector<double>{0.5}));
  EXPECT_EQ(s.missing, 1);
}

}  // namespace
}  // namespace lmgaze::stats
