// The paper's claims worded from the bootstrap intervals (report/claims.hpp),
// on constructed studies where each claim holds, is not established, or is
// contradicted: the words must follow the numbers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/claims.hpp"

namespace {

using namespace lmgaze::report;

ResemblanceSeries series(const std::string& model, const std::string& group, double resemblance,
                         double low, double high) {
  ResemblanceSeries r;
  r.model = model;
  r.store = "rb";
  r.group = group;
  r.best.resemblance = resemblance;
  r.best.interval = {low, high};
  r.resamples = 1000;
  r.seed = "3";
  return r;
}

Study sizes(double small_low, double small_high, double large_low, double large_high) {
  Study s;
  s.manifest.models = {{"s", "f", 1e6, "", "scale", 2, 2}, {"l", "f", 1e8, "", "scale", 4, 4}};
  s.resemblance = {series("l", "L1", (large_low + large_high) / 2, large_low, large_high),
                   series("s", "L1", (small_low + small_high) / 2, small_low, small_high)};
  return s;
}

std::string only(const std::vector<std::string>& lines) {
  EXPECT_EQ(lines.size(), 1u);
  return lines.empty() ? "" : lines.front();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Claims, ScalingFromModelIntervals) {
  // Sorted by parameters, not by their order in the study.
  std::string c = only(claims_under_intervals(sizes(0.1, 0.2, 0.3, 0.4)));
  EXPECT_TRUE(has(c,
                  "holds under the intervals: the largest model, l 0.35 [0.3, 0.4], and the "
                  "smallest, s 0.15 [0.1, 0.2], do not overlap, the largest above"))
      << c;
  c = only(claims_under_intervals(sizes(0.1, 0.32, 0.3, 0.4)));
  EXPECT_TRUE(has(c, "not established: the intervals of the largest model")) << c;
  c = only(claims_under_intervals(sizes(0.5, 0.6, 0.3, 0.4)));
  EXPECT_TRUE(has(c, "contradicted:")) << c;
  EXPECT_TRUE(has(c, "the largest below")) << c;
  EXPECT_TRUE(has(c, "1000 resamples of readers, seed 3")) << c;
}

TEST(Claims, ScalingSlopeIntervalWins) {
  for (const auto& [low, high, verdict] : {std::make_tuple(0.01, 0.05, "holds under the intervals"),
                                           std::make_tuple(-0.01, 0.05, "not established"),
                                           std::make_tuple(-0.05, -0.01, "contradicted")}) {
    Study s = sizes(0.1, 0.2, 0.3, 0.4);  // the model intervals alone would say "holds"
    Fit f;
    f.what = "scaling";
    f.store = "rb";
    f.group = "L1";
    f.slope = (low + high) / 2;
    f.slope_interval = {low, high};
    f.resamples = 500;
    f.seed = "9";
    f.n = 3;
    f.p = 0.11;
    s.fits.push_back(f);
    const std::string c = only(claims_under_intervals(s));
    EXPECT_TRUE(has(c, std::string("(rb L1): ") + verdict + ": the scaling slope")) << c;
    EXPECT_TRUE(has(c, "500 resamples of readers, seed 9")) << c;
    // The interval is over readers only; the fit's own test is given beside it.
    EXPECT_TRUE(has(c,
                    "with these 3 models fixed; the fit's test, which also counts the models' "
                    "spread around the line, gives p = 0.11, not significant at α = 0.05."))
        << c;
  }
}

TEST(Claims, TuningDoesNotRaise) {
  for (const auto& [low, high, verdict] :
       {std::make_tuple(0.41, 0.5,
                        "does not hold: the tuned model t 0.455 [0.41, 0.5] against "
                        "its base b 0.35 [0.3, 0.4] lies entirely above it"),
        std::make_tuple(0.35, 0.5,
                        "holds under the intervals: the tuned model t 0.425 [0.35, "
                        "0.5] against its base b 0.35 [0.3, 0.4] does not lie above "
                        "it (they overlap)"),
        std::make_tuple(0.1, 0.2,
                        "holds under the intervals: the tuned model t 0.15 [0.1, 0.2] "
                        "against its base b 0.35 [0.3, 0.4] lies entirely below it")}) {
    Study s;
    s.manifest.models = {{"b", "f", 1e7, "", "other", 4, 4}, {"t", "f", 1e7, "b", "tuned", 4, 4}};
    s.resemblance = {series("b", "L1", 0.35, 0.3, 0.4),
                     series("t", "L1", (low + high) / 2, low, high)};
    TuningTest paired;  // the per-layer tests are worded beside the interval
    paired.tuned = "t";
    paired.base = "b";
    paired.store = "rb";
    paired.group = "L1";
    paired.value = "r2";
    paired.layers.resize(4);
    paired.higher = 3;
    paired.lower = 1;
    s.tuning.push_back(paired);
    const std::string c = only(claims_under_intervals(s));
    EXPECT_TRUE(has(c,
                    "). Layer by layer, the paired tests find the tuned model significantly "
                    "higher in 3 and lower in 1 of 4 layers."))
        << c;
    EXPECT_TRUE(has(c, "Claim \"instruction tuning does not raise resemblance\" (b → t, rb L1): " +
                           std::string(verdict)))
        << c;
  }
}

TEST(Claims, ReaderGroups) {
  Study s;
  s.manifest.models = {{"m", "f", 1e7, "", "other", 4, 4}};
  s.resemblance = {series("m", "L1", 0.3, 0.25, 0.35), series("m", "L2", 0.5, 0.4, 0.6)};
  std::string c = only(claims_under_intervals(s));
  EXPECT_EQ(c,
            "m resembles L2 readers more than L1 readers (rb; resemblance 0.5 [0.4, 0.6] vs "
            "0.3 [0.25, 0.35]): the intervals do not overlap, so the difference holds under "
            "them.");
  s.resemblance[1] = series("m", "L2", 0.2, 0.1, 0.26);
  c = only(claims_under_intervals(s));
  EXPECT_EQ(c,
            "m resembles L1 readers more than L2 readers (rb; resemblance 0.3 [0.25, 0.35] vs "
            "0.2 [0.1, 0.26]): the intervals overlap, so the difference is not established.");
}

TEST(Claims, NothingWithoutIntervals) {
  Study s = sizes(0.1, 0.2, 0.3, 0.4);
  for (auto& r : s.resemblance) r.best.interval = {};
  EXPECT_TRUE(claims_under_intervals(s).empty());
}

}  // namespace
