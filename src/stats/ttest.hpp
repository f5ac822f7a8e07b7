// Student t-tests for METHODS.md section 8.
//
// Direction convention, everywhere in lmgaze stats: differences are b − a, so
// a positive t means b is higher than a. (R's t.test(x = a, y = b) reports
// a − b: the same |t| and p with the opposite sign.) p-values are two-sided,
// from Boost.Math's Student t distribution.
//
// A test that is undefined (too few values, or values that are all equal so
// the standard error is zero) throws InputError saying which; callers add the
// file or layer it concerns.
#pragma once

#include <vector>

namespace lmgaze::stats {

// Two-sided p-value of a t statistic with df degrees of freedom (df may be
// fractional, as Welch's is). p = 0 for an infinite t.
double two_sided_p(double t, double df);

// Paired (related) t-test on (a[i], b[i]): a one-sample t-test of d = b − a.
struct PairedTTest {
  long n = 0;  // pairs
  double mean_a = 0, mean_b = 0;
  double mean_diff = 0;  // mean of d = b − a
  double sd_diff = 0;    // sample standard deviation of d (divisor n − 1)
  double se = 0;         // sd_diff / sqrt(n)
  double t = 0;          // mean_diff / se
  double df = 0;         // n − 1
  double p = 0;          // two-sided
};
// a and b have one entry per pair (same length, no NaN: callers drop missing pairs).
PairedTTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

// Independent two-sample t-test of mean(b) − mean(a).
enum class Variance {
  pooled,  // Student: one pooled variance, df = n_a + n_b − 2
  welch,   // Welch: separate variances, Welch–Satterthwaite df
};
struct TwoSampleTTest {
  Variance variance = Variance::welch;
  long n_a = 0, n_b = 0;
  double mean_a = 0, mean_b = 0;
  double sd_a = 0, sd_b = 0;  // sample standard deviations (divisor n − 1)
  double mean_diff = 0;       // mean_b − mean_a
  double se = 0;              // standard error of mean_diff
  double t = 0, df = 0, p = 0;
};
// Each sample needs at least 2 values.
TwoSampleTTest two_sample_t_test(const std::vector<double>& a, const std::vector<double>& b,
                                 Variance variance);

}  // namespace lmgaze::stats
