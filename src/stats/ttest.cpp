#include "stats/ttest.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"

namespace lmgaze::stats {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Sample variance (divisor n − 1), two passes.
double variance(const std::vector<double>& v, double m) {
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

}  // namespace

double two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0.0;
  boost::math::students_t_distribution<double> dist(df);
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(t))));
}

PairedTTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw InputError("paired t-test: " + std::to_string(a.size()) + " values in a but " +
                     std::to_string(b.size()) + " in b");
  const size_t n = a.size();
  if (n < 2) throw InputError("paired t-test needs at least 2 pairs, got " + std::to_string(n));
  std::vector<double> d(n);
  for (size_t i = 0; i < n; ++i) d[i] = b[i] - a[i];
  PairedTTest r;
  r.n = static_cast<long>(n);
  r.mean_a = mean(a);
  r.mean_b = mean(b);
  r.mean_diff = mean(d);
  r.sd_diff = std::sqrt(variance(d, r.mean_diff));
  r.se = r.sd_diff / std::sqrt(static_cast<double>(n));
  // R's rule for "data are essentially constant": the t statistic would only
  // measure rounding error.
  if (r.se <= 10 * kEps * std::fabs(r.mean_diff) || r.se == 0)
    throw InputError("paired t-test: the " + std::to_string(n) +
                     " differences b - a are all equal, t is undefined");
  r.t = r.mean_diff / r.se;
  r.df = static_cast<double>(n - 1);
  r.p = two_sided_p(r.t, r.df);
  return r;
}

TwoSampleTTest two_sample_t_test(const std::vector<double>& a, const std::vector<double>& b,
                                 Variance variance_kind) {
  const char* name = variance_kind == Variance::pooled ? "Student t-test" : "Welch t-test";
  if (a.size() < 2 || b.size() < 2)
    throw InputError(std::string(name) + " needs at least 2 values in each sample, got " +
                     std::to_string(a.size()) + " in a and " + std::to_string(b.size()) + " in b");
  TwoSampleTTest r;
  r.variance = variance_kind;
  r.n_a = static_cast<long>(a.size());
  r.n_b = static_cast<long>(b.size());
  const double na = static_cast<double>(r.n_a), nb = static_cast<double>(r.n_b);
  r.mean_a = mean(a);
  r.mean_b = mean(b);
  const double va = variance(a, r.mean_a), vb = variance(b, r.mean_b);
  r.sd_a = std::sqrt(va);
  r.sd_b = std::sqrt(vb);
  r.mean_diff = r.mean_b - r.mean_a;
  if (variance_kind == Variance::pooled) {
    r.df = na + nb - 2;
    const double pooled = ((na - 1) * va + (nb - 1) * vb) / r.df;
    r.se = std::sqrt(pooled * (1 / na + 1 / nb));
  } else {
    const double ea = va / na, eb = vb / nb;  // squared standard errors of the two means
    r.se = std::sqrt(ea + eb);
    r.df = (ea + eb) * (ea + eb) / (ea * ea / (na - 1) + eb * eb / (nb - 1));
  }
  if (r.se <= 10 * kEps * std::max(std::fabs(r.mean_a), std::fabs(r.mean_b)) || r.se == 0)
    throw InputError(std::string(name) + ": both samples are constant, t is undefined");
  r.t = r.mean_diff / r.se;
  r.p = two_sided_p(r.t, r.df);
  return r;
}

}  // namespace lmgaze::stats
