// Percentiles of resampled values, as numpy computes them by default (linear
// interpolation between order statistics): the one definition behind every
// bootstrap interval lmgaze writes (analysis/bootstrap.hpp, stats/bootstrap_slope.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace lmgaze {

// The q-quantile (0 ≤ q ≤ 1) of the defined values; NaN when none is defined.
inline double percentile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace lmgaze
