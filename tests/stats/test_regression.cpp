// The least-squares line against R's `cars` data (Ezekiel 1930: speed in mph,
// stopping distance in ft, 50 cars). R 4.x, summary(lm(dist ~ speed, cars)):
//   (Intercept) -17.5791  se 6.7584
//   speed         3.9324  se 0.4155  t 9.464  Pr(>|t|) 1.49e-12
//   Multiple R-squared: 0.6511, 48 df;  cor(cars$speed, cars$dist) = 0.8068949
// Tolerances are half a unit in the last digit R prints.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"
#include "stats/regression.hpp"

namespace lmgaze::stats {
namespace {

const std::vector<double> kSpeed = {4,  4,  7,  7,  8,  9,  10, 10, 10, 11, 11, 12, 12,
                                    12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15,
                                    16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20,
                                    20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25};
const std::vector<double> kDist = {2,  10, 4,  22, 16, 10, 18, 26, 34, 17,  28, 14, 20,
                                   24, 28, 26, 34, 34, 46, 26, 36, 60, 80,  20, 26, 54,
                                   32, 40, 32, 40, 50, 42, 56, 76, 84, 36,  46, 68, 32,
                                   48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85};

TEST(FitLine, CarsMatchesR) {
  ASSERT_EQ(kSpeed.size(), 50u);
  ASSERT_EQ(kDist.size(), 50u);
  const LineFit f = fit_line(kSpeed, kDist);
  EXPECT_EQ(f.n, 50);
  EXPECT_NEAR(f.slope, 3.9324, 5e-5);
  EXPECT_NEAR(f.intercept, -17.5791, 5e-5);
  EXPECT_NEAR(f.slope_se, 0.4155, 5e-5);
  EXPECT_NEAR(f.intercept_se, 6.7584, 5e-5);
  EXPECT_NEAR(f.r, 0.8068949, 5e-8);
  EXPECT_NEAR(f.r_squared, 0.6511, 5e-5);
  EXPECT_NEAR(f.t, 9.464, 5e-4);
  EXPECT_DOUBLE_EQ(f.df, 48);
  EXPECT_NEAR(f.p, 1.49e-12, 5e-15);
  // The t of r equals slope / se(slope).
  EXPECT_NEAR(f.t, f.slope / f.slope_se, 1e-9);
}

TEST(FitLine, NegativeSlopeAndSmallCase) {
  // x = 1,2,3, y = 3,1,2: slope -1/2, intercept 3, r = -1/2, t = -0.5 sqrt(1/0.75).
  const LineFit f = fit_line({1, 2, 3}, {3, 1, 2});
  EXPECT_NEAR(f.slope, -0.5, 1e-14);
  EXPECT_NEAR(f.intercept, 3, 1e-14);
  EXPECT_NEAR(f.r, -0.5, 1e-14);
  EXPECT_NEAR(f.t, -0.5 * std::sqrt(1 / 0.75), 1e-14);
  // df = 1: the t distribution is Cauchy, p = 1 - 2 atan(|t|) / pi.
  EXPECT_NEAR(f.p, 1 - 2 * std::atan(std::fabs(f.t)) / std::acos(-1.0), 1e-12);
}

TEST(FitLine, PerfectLine) {
  const LineFit f = fit_line({1, 2, 3, 4}, {3, 5, 7, 9});
  EXPECT_NEAR(f.slope, 2, 1e-14);
  EXPECT_NEAR(f.intercept, 1, 1e-14);
  EXPECT_NEAR(f.r, 1, 1e-14);
  EXPECT_GT(f.t, 1e6);
  EXPECT_LT(f.p, 1e-10);
}

TEST(FitLine, UndefinedCasesThrow) {
  EXPECT_THROW(fit_line({1, 2}, {3, 4}), InputError);              // df = 0
  EXPECT_THROW(fit_line({2, 2, 2}, {1, 2, 3}), InputError);        // constant x
  EXPECT_THROW(fit_line({1, 2, 3}, {0.7, 0.7, 0.7}), InputError);  // constant y: r undefined
  EXPECT_THROW(fit_line({1, 2, 3}, {1, 2}), InputError);
}

}  // namespace
}  // namespace lmgaze::stats
