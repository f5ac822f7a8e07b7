#include "stats/permutation.hpp"

#include <cmath>
#include <random>

#include "common/error.hpp"
#include "common/seeded_draws.hpp"

namespace lmgaze::stats {

PermutationTest permutation_test(const std::vector<double>& a, const std::vector<double>& b,
                                 long permutations, uint64_t seed) {
  if (a.empty() || b.empty()) throw InputError("permutation test: a sample is empty");
  if (permutations < 1) throw InputError("permutation test: need at least 1 permutation");
  PermutationTest r;
  r.n_a = static_cast<long>(a.size());
  r.n_b = static_cast<long>(b.size());
  r.permutations = permutations;
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  double total = 0;
  for (double v : pooled) total += v;
  double sum_a = 0;
  for (double v : a) sum_a += v;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  auto difference = [&](double group_a_sum) {
    return (total - group_a_sum) / nb - group_a_sum / na;
  };
  r.mean_diff = difference(sum_a);
  const double observed = std::fabs(r.mean_diff);
  const double slack = 1e-12 * std::max(observed, 1e-300);
  std::mt19937_64 rng(seed);
  const size_t n = pooled.size();
  for (long k = 0; k < permutations; ++k) {
    // A partial Fisher–Yates draws the n_a values of group a.
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t j = i + draw_below(rng, n - i);
      std::swap(pooled[i], pooled[j]);
      s += pooled[i];
    }
    if (std::fabs(difference(s)) >= observed - slack) ++r.at_least_as_extreme;
  }
  r.p = (1.0 + static_cast<double>(r.at_least_as_extreme)) /
        (1.0 + static_cast<double>(permutations));
  return r;
}

}  // namespace lmgaze::stats
