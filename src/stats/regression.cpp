#include "stats/regression.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"
#include "stats/ttest.hpp"

namespace lmgaze::stats {

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size())
    throw InputError("line fit: " + std::to_string(x.size()) + " x values but " +
                     std::to_string(y.size()) + " y values");
  const size_t n = x.size();
  if (n < 3)
    throw InputError("line fit needs at least 3 points (df = n - 2), got " + std::to_string(n));
  const double nd = static_cast<double>(n);
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= nd;
  my /= nd;
  double sxx = 0, syy = 0, sxy = 0;  // centred sums of squares and products
  for (size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  // Constant in the sense of R's t.test: spread at the level of rounding error.
  const double tiny = 10 * std::numeric_limits<double>::epsilon();
  if (std::sqrt(sxx / nd) <= tiny * std::fabs(mx) || sxx == 0)
    throw InputError("line fit: all " + std::to_string(n) + " x values are equal");
  if (std::sqrt(syy / nd) <= tiny * std::fabs(my) || syy == 0)
    throw InputError("line fit: all " + std::to_string(n) + " y values are equal, r is undefined");
  LineFit f;
  f.n = static_cast<long>(n);
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.r = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
  f.r_squared = f.r * f.r;
  f.df = nd - 2;
  double sse = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = y[i] - f.intercept - f.slope * x[i];
    sse += e * e;
  }
  const double s2 = sse / f.df;  // residual variance
  f.slope_se = std::sqrt(s2 / sxx);
  f.intercept_se = std::sqrt(s2 * (1 / nd + mx * mx / sxx));
  const double one_minus = 1 - f.r_squared;
  f.t = one_minus > 0 ? f.r * std::sqrt(f.df / one_minus)
                      : std::copysign(std::numeric_limits<double>::infinity(), f.r);
  f.p = two_sided_p(f.t, f.df);
  return f;
}

}  // namespace lmgaze::stats
