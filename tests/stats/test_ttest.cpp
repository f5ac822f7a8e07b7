// t-tests against published values.
//
// Student's sleep data (Cushny & Peebles 1905, R's `sleep`): extra hours of
// sleep of 10 patients under drug 1 (group 1) and drug 2 (group 2). R 4.x:
//   t.test(extra ~ group, data = sleep, paired = TRUE)
//     t = -4.0621, df = 9, p-value = 0.002833, mean difference -1.58
//   t.test(extra ~ group, data = sleep)                      (Welch)
//     t = -1.8608, df = 17.776, p-value = 0.07939
//   t.test(extra ~ group, data = sleep, var.equal = TRUE)    (Student)
//     t = -1.8608, df = 18, p-value = 0.07919
// R reports group 1 - group 2; lmgaze reports b - a, so with a = group 1 and
// b = group 2 the signs flip. Tolerances are half a unit in the last digit R prints.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"
#include "stats/ttest.hpp"

namespace lmgaze::stats {
namespace {

const std::vector<double> kGroup1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kGroup2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(PairedTTest, SleepDataMatchesR) {
  const PairedTTest r = paired_t_test(kGroup1, kGroup2);
  EXPECT_EQ(r.n, 10);
  EXPECT_NEAR(r.t, 4.0621, 5e-5);
  EXPECT_DOUBLE_EQ(r.df, 9);
  EXPECT_NEAR(r.p, 0.002833, 5e-7);
  EXPECT_NEAR(r.mean_diff, 1.58, 1e-12);
  EXPECT_NEAR(r.mean_a, 0.75, 1e-12);
  EXPECT_NEAR(r.mean_b, 2.33, 1e-12);
  // Swapping a and b flips the sign only.
  const PairedTTest s = paired_t_test(kGroup2, kGroup1);
  EXPECT_NEAR(s.t, -r.t, 1e-12);
  EXPECT_NEAR(s.p, r.p, 1e-15);
}

TEST(TwoSampleTTest, SleepDataWelchMatchesR) {
  const TwoSampleTTest r = two_sample_t_test(kGroup1, kGroup2, Variance::welch);
  EXPECT_EQ(r.n_a, 10);
  EXPECT_EQ(r.n_b, 10);
  EXPECT_NEAR(r.t, 1.8608, 5e-5);
  EXPECT_NEAR(r.df, 17.776, 5e-4);
  EXPECT_NEAR(r.p, 0.07939, 5e-6);
  EXPECT_NEAR(r.mean_diff, 1.58, 1e-12);
}

TEST(TwoSampleTTest, SleepDataStudentMatchesR) {
  const TwoSampleTTest r = two_sample_t_test(kGroup1, kGroup2, Variance::pooled);
  EXPECT_NEAR(r.t, 1.8608, 5e-5);
  EXPECT_DOUBLE_EQ(r.df, 18);
  EXPECT_NEAR(r.p, 0.07919, 5e-6);
}

// Unequal sizes and variances, where Student and Welch differ; values worked
// out by hand in the comments (independent of the code's formulas' layout).
TEST(TwoSampleTTest, UnequalSizesByHand) {
  // a = {1,2,3}: mean 2, var 1.  b = {2,4,6,8,10}: mean 6, var 10.
  const std::vector<double> a = {1, 2, 3}, b = {2, 4, 6, 8, 10};
  const TwoSampleTTest w = two_sample_t_test(a, b, Variance::welch);
  // se^2 = 1/3 + 10/5 = 7/3; df = (7/3)^2 / ((1/3)^2/2 + 2^2/4) = (49/9) / (1/18 + 1) = 98/19.
  EXPECT_NEAR(w.t, 4 / std::sqrt(7.0 / 3), 1e-12);
  EXPECT_NEAR(w.df, 98.0 / 19, 1e-12);
  const TwoSampleTTest s = two_sample_t_test(a, b, Variance::pooled);
  // pooled = (2*1 + 4*10)/6 = 7; se^2 = 7 (1/3 + 1/5) = 56/15.
  EXPECT_NEAR(s.t, 4 / std::sqrt(56.0 / 15), 1e-12);
  EXPECT_DOUBLE_EQ(s.df, 6);
}

TEST(TwoSidedP, KnownQuantiles) {
  // t_{0.975, 10} = 2.228139 (tables); the normal limit 1.959964 at large df.
  EXPECT_NEAR(two_sided_p(2.228139, 10), 0.05, 1e-6);
  EXPECT_NEAR(two_sided_p(-1.959964, 1e9), 0.05, 1e-6);
  EXPECT_DOUBLE_EQ(two_sided_p(0, 5), 1.0);
  EXPECT_EQ(two_sided_p(INFINITY, 5), 0.0);
}

TEST(PairedTTest, UndefinedCasesThrow) {
  EXPECT_THROW(paired_t_test({1}, {2}), InputError);
  EXPECT_THROW(paired_t_test({}, {}), InputError);
  EXPECT_THROW(paired_t_test({1, 2, 3}, {1.5, 2.5, 3.5}), InputError);  // constant differences
  EXPECT_THROW(paired_t_test({1, 2}, {1, 2}), InputError);              // all zero
  EXPECT_THROW(paired_t_test({1, 2}, {1, 2, 3}), InputError);
  try {
    paired_t_test({0.1, 0.2, 0.3}, {0.1, 0.2, 0.3});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("all equal"), std::string::npos) << e.what();
  }
}

TEST(TwoSampleTTest, UndefinedCasesThrow) {
  EXPECT_THROW(two_sample_t_test({1}, {1, 2}, Variance::welch), InputError);
  EXPECT_THROW(two_sample_t_test({1, 2}, {3}, Variance::pooled), InputError);
  EXPECT_THROW(two_sample_t_test({1, 1}, {2, 2, 2}, Variance::welch), InputError);
  EXPECT_THROW(two_sample_t_test({1, 1}, {2, 2, 2}, Variance::pooled), InputError);
}

}  // namespace
}  // namespace lmgaze::stats
