#include "analysis/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/seeded_draws.hpp"

namespace lmgaze::analysis {

std::vector<std::vector<int>> bootstrap_counts(int n_readers, int resamples, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto n = static_cast<uint64_t>(n_readers);
  std::vector<std::vector<int>> counts;
  for (int b = 0; b < resamples; ++b) {
    std::vector<int> c(static_cast<size_t>(n_readers), 0);
    for (uint64_t i = 0; i < n; ++i) ++c[draw_below(rng, n)];
    counts.push_back(std::move(c));
  }
  return counts;
}

double percentile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Interval percentile_interval(const std::vector<double>& resampled) {
  return {percentile(resampled, 0.025), percentile(resampled, 0.975)};
}

double resampled_mean(const std::vector<double>& values, const std::vector<int>& counts) {
  double sum = 0, n = 0;
  for (size_t r = 0; r < values.size(); ++r)
    if (counts[r] > 0 && !std::isnan(values[r])) {
      sum += counts[r] * values[r];
      n += counts[r];
    }
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace lmgaze::analysis
