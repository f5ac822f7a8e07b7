// Percentile bootstrap over readers (METHODS.md section 10).
//
// A resample draws n readers with replacement (common/seeded_draws.hpp, so a seed
// gives the same resamples everywhere). Statistics are recomputed from each
// reader's own numbers (R² per layer, ceiling R²), never by refitting: a
// reader's R² does not depend on which other readers were drawn. The one
// approximation: the paper's ceiling regresses each reader on the group mean,
// which a resample would change; the resampled ceiling is the weighted mean
// of the readers' ceiling R² against the full group's mean.
//
// The interval is the 2.5th and 97.5th percentile of the resampled values,
// linear interpolation between order statistics (numpy's default).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/percentile.hpp"

namespace lmgaze::analysis {

// [resample][reader] how often each reader is drawn (each row sums to n).
std::vector<std::vector<int>> bootstrap_counts(int n_readers, int resamples, uint64_t seed);

// The q-quantile of the defined values (common/percentile.hpp).
using lmgaze::percentile;

struct Interval {
  double low = 0, high = 0;  // 95% percentile interval
};
Interval percentile_interval(const std::vector<double>& resampled);

// Weighted mean of the defined values, weights = draw counts; NaN when no
// drawn value is defined.
double resampled_mean(const std::vector<double>& values, const std::vector<int>& counts);

// One resample of the resemblance: each layer's resampled mean R², the best
// of them (max over layers), the ceiling (resampled with the same readers
// when computed, else the given value) and their ratio.
struct ResemblanceReplicate {
  std::vector<double> layer_mean_r2;  // [layer]
  double best_mean_r2 = 0, ceiling = 0, resemblance = 0;
};
// r2: [layer][reader]; ceiling_r2: each reader's ceiling R² (empty: the
// ceiling `fixed_ceiling` stays fixed). The resamples are bootstrap_counts(n,
// resamples, seed): for a given seed and reader list they are the same for
// every model, which is what lets slopes across models be bootstrapped.
std::vector<ResemblanceReplicate> resemblance_replicates(const std::vector<double>& r2,
                                                         int n_layers,
                                                         const std::vector<double>& ceiling_r2,
                                                         double fixed_ceiling, int resamples,
                                                         uint64_t seed);

// A short fingerprint of an ordered reader list (FNV-1a 64 of the names, one
// per line, in hex): replicate tables with equal fingerprints and seeds were
// drawn from the same resamples of the same people.
std::string readers_fingerprint(const std::vector<std::string>& subjects);

}  // namespace lmgaze::analysis
