// Bootstrap interval of a slope across models (METHODS.md 10): the scaling
// slope (resemblance on log10 parameters) and the loss–resemblance slope.
//
// The models were scored by the same readers, so a resample of readers gives
// every model's value at once: `lmgaze resemblance --bootstrap B --seed S`
// writes one row per resample (resemblance_bootstrap_replicates.csv), and the
// tables of different models share the resamples when their seed and reader
// fingerprint agree. For each resample the least-squares slope of the
// models' resampled values on their (fixed) x is computed; the 95% interval
// is the 2.5th and 97.5th percentile of those slopes (common/percentile.hpp).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace lmgaze::stats {

// The replicate tables of several models, checked to share their resamples.
struct Replicates {
  std::string seed, readers;  // as recorded (equal in every table)
  long resamples = 0;
  std::map<std::string, std::vector<double>> by_model;  // model -> [resample] value
};

// Reads resemblance_bootstrap_replicates.csv tables, the values of `column`
// (resemblance or best_mean_r2). InputError naming the file when a table
// lacks a column, has gaps in its resample numbers, names a model twice, or
// differs from the first table in seed, reader fingerprint or resample count.
Replicates read_replicates(const std::vector<std::string>& files, const std::string& column);

struct SlopeInterval {
  double low = 0, high = 0;    // 95% percentile interval
  std::vector<double> slopes;  // [resample]; NaN where a model's value is undefined
};

// x: one value per model; y: [model][resample], all of equal length.
// Needs at least 2 models with distinct x (InputError otherwise).
SlopeInterval bootstrap_slope(const std::vector<double>& x,
                              const std::vector<std::vector<double>>& y);

}  // namespace lmgaze::stats
