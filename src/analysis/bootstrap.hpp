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
#include <vector>

namespace lmgaze::analysis {

// [resample][reader] how often each reader is drawn (each row sums to n).
std::vector<std::vector<int>> bootstrap_counts(int n_readers, int resamples, uint64_t seed);

// The q-quantile (0 ≤ q ≤ 1) of the defined values, interpolated linearly;
// NaN when none is defined.
double percentile(std::vector<double> values, double q);

struct Interval {
  double low = 0, high = 0;  // 95% percentile interval
};
Interval percentile_interval(const std::vector<double>& resampled);

// Weighted mean of the defined values, weights = draw counts; NaN when no
// drawn value is defined.
double resampled_mean(const std::vector<double>& values, const std::vector<int>& counts);

}  // namespace lmgaze::analysis
