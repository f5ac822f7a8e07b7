// Permutation test of a difference in means between two independent groups
// (METHODS.md section 10: beside the L1 vs L2 t-test).
//
// The statistic is mean(b) − mean(a). Each permutation reassigns the pooled
// values to groups of the original sizes (a seeded shuffle,
// common/seeded_draws.hpp); the two-sided p-value counts permutations whose
// |difference| reaches the observed one, the observed labelling included:
//   p = (1 + #{|Δ*| ≥ |Δ|}) / (1 + permutations),
// so p is never 0 and is a valid p-value for any number of permutations.
// "Reaches" allows a relative slack of 1e-12 so that a relabelling with the
// same difference in exact arithmetic is not lost to rounding.
#pragma once

#include <cstdint>
#include <vector>

namespace lmgaze::stats {

struct PermutationTest {
  long n_a = 0, n_b = 0;
  double mean_diff = 0;  // mean(b) − mean(a)
  long permutations = 0;
  long at_least_as_extreme = 0;  // excluding the observed labelling
  double p = 0;
};

// Each sample needs at least 1 value; permutations ≥ 1.
PermutationTest permutation_test(const std::vector<double>& a, const std::vector<double>& b,
                                 long permutations, uint64_t seed);

}  // namespace lmgaze::stats
