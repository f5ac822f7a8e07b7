#include "analysis/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

std::vector<ResemblanceReplicate> resemblance_replicates(const std::vector<double>& r2,
                                                         int n_layers,
                                                         const std::vector<double>& ceiling_r2,
                                                         double fixed_ceiling, int resamples,
                                                         uint64_t seed) {
  const size_t L = static_cast<size_t>(n_layers);
  const size_t n = L ? r2.size() / L : 0;
  std::vector<ResemblanceReplicate> out;
  for (const std::vector<int>& counts : bootstrap_counts(static_cast<int>(n), resamples, seed)) {
    ResemblanceReplicate rep;
    rep.best_mean_r2 = std::numeric_limits<double>::quiet_NaN();
    for (size_t l = 0; l < L; ++l) {
      const std::vector<double> layer(r2.begin() + static_cast<long>(l * n),
                                      r2.begin() + static_cast<long>((l + 1) * n));
      const double m = resampled_mean(layer, counts);
      rep.layer_mean_r2.push_back(m);
      if (!std::isnan(m) && !(m <= rep.best_mean_r2)) rep.best_mean_r2 = m;
    }
    rep.ceiling = ceiling_r2.empty() ? fixed_ceiling : resampled_mean(ceiling_r2, counts);
    rep.resemblance = rep.best_mean_r2 / rep.ceiling;
    out.push_back(rep);
  }
  return out;
}

std::string readers_fingerprint(const std::vector<std::string>& subjects) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (const std::string& s : subjects)
    for (const char c : s + "\n") {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace lmgaze::analysis
