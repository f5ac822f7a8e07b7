// The permutation test against exhaustive enumeration: for small groups every
// relabelling can be listed, which gives the exact permutation p-value
// #{|Δ*| ≥ |Δ|} / C(n_a + n_b, n_a); the Monte Carlo estimate must fall within
// its binomial spread of that.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "stats/permutation.hpp"

namespace lmgaze::stats {
namespace {

// Exact two-sided p by listing every subset of size |a| of the pooled values.
double exact_p(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  const size_t n = pooled.size(), k = a.size();
  double total = 0;
  for (double v : pooled) total += v;
  auto diff = [&](double sum_a) { return (total - sum_a) / double(n - k) - sum_a / double(k); };
  double sum_a = 0;
  for (double v : a) sum_a += v;
  const double observed = std::fabs(diff(sum_a));
  long hits = 0, all = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (static_cast<size_t>(__builtin_popcount(mask)) != k) continue;
    double s = 0;
    for (size_t i = 0; i < n; ++i)
      if (mask & (1u << i)) s += pooled[i];
    ++all;
    hits += std::fabs(diff(s)) >= observed - 1e-12;
  }
  return double(hits) / double(all);
}

TEST(Permutation, AgreesWithExhaustiveEnumeration) {
  // Student's sleep data (R: extra ~ group), 5 + 6 of them: 462 relabellings.
  const std::vector<double> a = {0.7, -1.6, -0.2, -1.2, -0.1};
  const std::vector<double> b = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4};
  const double exact = exact_p(a, b);
  const long n = 40000;
  const PermutationTest t = permutation_test(a, b, n, 7);
  EXPECT_EQ(t.n_a, 5);
  EXPECT_EQ(t.n_b, 6);
  EXPECT_DOUBLE_EQ(t.mean_diff,
                   (1.9 + 0.8 + 1.1 + 0.1 - 0.1 + 4.4) / 6 - (0.7 - 1.6 - 0.2 - 1.2 - 0.1) / 5);
  // Binomial SD of the estimate: sqrt(p (1 − p) / n) ≈ 0.0013 near p = 0.07;
  // four of them.
  const double sd = std::sqrt(exact * (1 - exact) / n);
  EXPECT_NEAR(t.p, exact, 4 * sd + 1.0 / n) << "exact " << exact;
  EXPECT_GT(exact, 0.01);
  EXPECT_LT(exact, 0.2);
}

TEST(Permutation, SeparatedGroupsAndIdenticalGroups) {
  // Completely separated groups of 4: only the observed split and its mirror
  // reach |Δ|, 2 of C(8, 4) = 70.
  const std::vector<double> lo = {1, 2, 3, 4}, hi = {11, 12, 13, 14};
  EXPECT_NEAR(exact_p(lo, hi), 2.0 / 70.0, 1e-15);
  const PermutationTest t = permutation_test(lo, hi, 20000, 3);
  EXPECT_NEAR(t.p, 2.0 / 70.0, 4 * std::sqrt((2.0 / 70) * (68.0 / 70) / 20000) + 1e-4);
  // No difference at all: every relabelling reaches it, p = 1.
  const PermutationTest same = permutation_test({2, 2, 2}, {2, 2}, 500, 1);
  EXPECT_DOUBLE_EQ(same.p, 1.0);
  // The seed decides; p is never 0.
  EXPECT_EQ(permutation_test(lo, hi, 999, 5).p, permutation_test(lo, hi, 999, 5).p);
  EXPECT_GT(permutation_test({0, 0, 0, 0, 0, 0}, {9, 9, 9, 9, 9, 9}, 10, 1).p, 0.0);
  EXPECT_THROW(permutation_test({}, {1}, 10, 1), InputError);
  EXPECT_THROW(permutation_test({1}, {1}, 0, 1), InputError);
}

}  // namespace
}  // namespace lmgaze::stats
