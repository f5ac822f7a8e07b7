// Bootstrap of a slope across models (stats/bootstrap_slope.hpp) from the
// per-resample values of each model (analysis/bootstrap.hpp), the readers
// resampled once for all models.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

#include "analysis/bootstrap.hpp"
#include "common/error.hpp"
#include "stats/bootstrap_slope.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lmgaze;

// x = 0, 1, 2: slope = (y2 − y0) / 2 per resample; y2 − y0 = 2, 4, 6, 8, 10
// gives slopes 1..5, whose 2.5th and 97.5th percentiles (numpy's linear
// interpolation) are 1 + 0.1 · 1 = 1.1 and 4 + 0.9 · 1 = 4.9.
TEST(BootstrapSlope, ByHand) {
  const stats::SlopeInterval i =
      stats::bootstrap_slope({0, 1, 2}, {{0, 0, 0, 0, 0}, {7, -3, 2, 9, 1}, {2, 4, 6, 8, 10}});
  EXPECT_EQ(i.slopes, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_DOUBLE_EQ(i.low, 1.1);
  EXPECT_DOUBLE_EQ(i.high, 4.9);
  EXPECT_THROW(stats::bootstrap_slope({1, 1}, {{0}, {1}}), InputError);
}

// One resample by hand: 2 layers × 3 readers; the counts come from the seed.
TEST(BootstrapSlope, ResemblanceReplicatesAreWeightedMeans) {
  const std::vector<double> r2 = {0.1, 0.2, 0.3, 0.05, 0.4, 0.1};  // [layer][reader]
  const std::vector<double> ceiling = {0.5, 0.6, 0.7};
  const auto counts = analysis::bootstrap_counts(3, 4, 11);
  const auto reps = analysis::resemblance_replicates(r2, 2, ceiling, 0, 4, 11);
  ASSERT_EQ(reps.size(), 4u);
  for (size_t b = 0; b < 4; ++b) {
    const auto& c = counts[b];
    const double m0 = (c[0] * 0.1 + c[1] * 0.2 + c[2] * 0.3) / 3;
    const double m1 = (c[0] * 0.05 + c[1] * 0.4 + c[2] * 0.1) / 3;
    const double ceil = (c[0] * 0.5 + c[1] * 0.6 + c[2] * 0.7) / 3;
    EXPECT_NEAR(reps[b].best_mean_r2, std::max(m0, m1), 1e-15);
    EXPECT_NEAR(reps[b].ceiling, ceil, 1e-15);
    EXPECT_NEAR(reps[b].resemblance, std::max(m0, m1) / ceil, 1e-14);
  }
  // A given ceiling stays fixed.
  for (const auto& r : analysis::resemblance_replicates(r2, 2, {}, 0.25, 4, 11))
    EXPECT_EQ(r.ceiling, 0.25);
}

// Synthetic studies with a known slope: reader r's value for model m is
//   y = b · x_m + u_r + e_rm,  u_r ~ N(0, 1) (the reader, shared by the models),
//   e_rm ~ N(0, 0.5²), x = 0, 1, 2, 3, n = 40 readers.
// The slope of the reader means on x estimates b with SD σ_e / sqrt(n · Sxx)
// = 0.5 / sqrt(40 · 5) = 0.03536 (u_r cancels because Σ (x − x̄) = 0). The
// percentile bootstrap estimates the variance (n − 1)/n too small, so its
// nominal coverage here is 2Φ(1.96 · sqrt(39/40)) − 1 = 0.947. Over 400
// studies the binomial SD of the coverage is sqrt(0.95 · 0.05 / 400) = 0.011;
// the test allows 3 of them. The average half-width must be 1.96 · 0.03536 ·
// sqrt(39/40) = 0.0684 within 5% (its sampling error over 400 studies is
// about 1%), which fails for intervals that cover by being too wide. Drawing
// each model's resamples independently instead would not cancel u_r: the
// intervals would be about sqrt(1 + 0.25) / 0.5 = 2.2 times wider.
TEST(BootstrapSlope, CoversTheTrueSlopeAtTheNominalRate) {
  const double b = 0.05, sd_e = 0.5;
  const std::vector<double> x = {0, 1, 2, 3};
  const int n = 40, studies = 400, resamples = 500;
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> unit(0.0, 1.0);
  int covered = 0;
  double half_width = 0, independent_half_width = 0;
  for (int s = 0; s < studies; ++s) {
    std::vector<std::vector<double>> values(x.size(), std::vector<double>(n));  // [model][reader]
    for (int r = 0; r < n; ++r) {
      const double u = unit(rng);
      for (size_t m = 0; m < x.size(); ++m) values[m][r] = b * x[m] + u + sd_e * unit(rng);
    }
    std::vector<std::vector<double>> shared(x.size()), independent(x.size());
    const auto counts = analysis::bootstrap_counts(n, resamples, 1000 + s);
    for (size_t m = 0; m < x.size(); ++m) {
      for (const auto& c : counts) shared[m].push_back(analysis::resampled_mean(values[m], c));
      if (s < 40)
        for (const auto& c : analysis::bootstrap_counts(n, resamples, 7000 + 10 * s + m))
          independent[m].push_back(analysis::resampled_mean(values[m], c));
    }
    const stats::SlopeInterval i = stats::bootstrap_slope(x, shared);
    covered += i.low <= b && b <= i.high;
    half_width += (i.high - i.low) / 2 / studies;
    if (s < 40) {
      const stats::SlopeInterval w = stats::bootstrap_slope(x, independent);
      independent_half_width += (w.high - w.low) / 2 / 40;
    }
  }
  const double rate = static_cast<double>(covered) / studies;
  const double expected_width = 1.96 * sd_e / std::sqrt(n * 5.0) * std::sqrt((n - 1.0) / n);
  std::cout << "slope interval coverage " << rate << " over " << studies
            << " studies; mean half-width " << half_width << " (expected " << expected_width
            << "); independent resamples per model: " << independent_half_width << "\n";
  EXPECT_NEAR(rate, 0.947, 3 * std::sqrt(0.95 * 0.05 / studies));
  EXPECT_NEAR(half_width, expected_width, 0.05 * expected_width);
  EXPECT_GT(independent_half_width, 1.8 * half_width);
}

class ReplicateTables : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("lmgaze_replicates_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string table(const std::string& name, const std::string& model, const std::string& seed,
                    const std::string& readers, const std::vector<double>& values) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path);
    out << "# lmgaze resemblance ...\n"
           "model,group,resample,seed,readers,best_mean_r2,noise_ceiling,resemblance\n";
    for (size_t b = 0; b < values.size(); ++b)
      out << model << ",L1," << b << "," << seed << "," << readers << ",0.1,0.5," << values[b]
          << "\n";
    return path;
  }
  fs::path dir_;
};

TEST_F(ReplicateTables, JoinsModelsThatShareTheirResamples) {
  const auto r = stats::read_replicates(
      {table("a.csv", "a", "7", "ff01", {0.1, 0.2}), table("b.csv", "b", "7", "ff01", {0.3, 0.4})},
      "resemblance");
  EXPECT_EQ(r.resamples, 2);
  EXPECT_EQ(r.seed, "7");
  EXPECT_EQ(r.by_model.at("b"), (std::vector<double>{0.3, 0.4}));
}

TEST_F(ReplicateTables, RefusesOtherResamples) {
  const std::string a = table("a.csv", "a", "7", "ff01", {0.1, 0.2});
  for (const auto& other : {table("seed.csv", "b", "8", "ff01", {0.3, 0.4}),
                            table("readers.csv", "b", "7", "ee02", {0.3, 0.4}),
                            table("count.csv", "b", "7", "ff01", {0.3, 0.4, 0.5})})
    EXPECT_THROW(stats::read_replicates({a, other}, "resemblance"), InputError) << other;
  EXPECT_THROW(stats::read_replicates({a, a}, "resemblance"), InputError);  // model twice
  EXPECT_THROW(stats::read_replicates({a}, "loss"), InputError);            // no such column
}

}  // namespace
