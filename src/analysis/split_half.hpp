// Split-half noise ceiling (METHODS.md section 10), Brain-Score's way.
//
// The readers of a group are split at random into two halves (the first
// n/2 of a seeded shuffle, rounded down, and the rest); each half's mean of
// a word pair averages the half's readers with data for that sentence. The
// Pearson r of the two half-means over all word pairs where both halves have
// data is corrected to the whole group with Spearman–Brown,
//   r_full = 2r / (1 + r),
// an estimate of the reliability of the group mean. Repeated for `splits`
// seeded splits; mean and sample SD over splits are reported.
//
// Distribution: ranks split the sentences; every rank draws the same splits
// from the seed; the six sums of each split's correlation (n, Σa, Σb, Σa²,
// Σb², Σab) are reduced to rank 0.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/inputs.hpp"
#include "human/human_store.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze::analysis {

// The halves of `splits` seeded random splits of n readers: [split][reader],
// 0 for the first half (n/2 readers), 1 for the second. Fisher–Yates over
// common/seeded_draws.hpp, so a seed gives the same splits on every platform and rank.
std::vector<std::vector<uint8_t>> split_halves(int n_readers, int splits, uint64_t seed);

inline constexpr int kSplitMoments = 6;  // n, Σa, Σb, Σa², Σb², Σab

// Adds sentences [s_begin, s_end) to `moments` ([splits][6]).
// values: [n_readers][pairs of those sentences] row-major, NaN = missing.
void accumulate_split_half(const std::vector<double>& values, int n_readers,
                           const SentenceTable& sentences, size_t s_begin, size_t s_end,
                           const std::vector<std::vector<uint8_t>>& halves,
                           std::vector<double>& moments);

// Pearson r from one split's six sums; NaN when either half has no variance.
double pearson_from_sums(const double* m);
// Spearman–Brown: reliability of a test twice as long, 2r / (1 + r).
double spearman_brown(double r);

struct SplitHalfOptions {
  std::string group;
  std::string view = "count";
  std::vector<std::string> exclude;
  int splits = 100;
  uint64_t seed = 1;
};

struct SplitHalfResult {  // complete on rank 0
  ReaderSelection readers;
  std::vector<double> r_half;       // [splits] Pearson r of the half-means
  std::vector<double> reliability;  // [splits] Spearman–Brown corrected
  double r_half_mean = 0;
  double reliability_mean = 0;
  double reliability_sd = 0;  // sample SD over splits (n − 1)
};

// Needs at least 2 readers and splits >= 1 (InputError otherwise).
SplitHalfResult run_split_half(const HumanStore& store, const SplitHalfOptions& options,
                               MPI_Comm comm);

}  // namespace lmgaze::analysis
