#include "analysis/split_half.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "common/error.hpp"
#include "common/seeded_draws.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {

std::vector<std::vector<uint8_t>> split_halves(int n_readers, int splits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  // A uniform draw from [0, bound) without modulo bias: std::uniform_int_distribution
  // is implementation-defined, so the same seed could split differently elsewhere.
  auto below = [&rng](uint64_t bound) {
    const uint64_t limit =
        std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
    uint64_t x;
    do x = rng();
    while (x >= limit);
    return x % bound;
  };
  const auto n = static_cast<size_t>(n_readers);
  std::vector<std::vector<uint8_t>> halves;
  std::vector<size_t> order(n);
  for (int b = 0; b < splits; ++b) {
    std::iota(order.begin(), order.end(), size_t{0});
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[draw_below(rng, i)]);
    std::vector<uint8_t> half(n, 1);
    for (size_t i = 0; i < n / 2; ++i) half[order[i]] = 0;
    halves.push_back(half);
  }
  return halves;
}

void accumulate_split_half(const std::vector<double>& values, int n_readers,
                           const SentenceTable& sentences, size_t s_begin, size_t s_end,
                           const std::vector<std::vector<uint8_t>>& halves,
                           std::vector<double>& moments) {
  const int64_t p0 = sentences.pair_offset[s_begin];
  const auto pairs = static_cast<size_t>(sentences.pair_offset[s_end] - p0);
  const auto n = static_cast<size_t>(n_readers);
  std::vector<uint8_t> has(n);
  for (size_t s = s_begin; s < s_end; ++s) {
    const auto a = static_cast<size_t>(sentences.pair_offset[s] - p0);
    const auto e = static_cast<size_t>(sentences.pair_offset[s + 1] - p0);
    readers_with_data(values, n, pairs, a, e, has);
    for (size_t b = 0; b < halves.size(); ++b) {
      const std::vector<uint8_t>& half = halves[b];
      double count[2] = {0, 0};
      for (size_t r = 0; r < n; ++r)
        if (has[r]) count[half[r]] += 1;
      if (count[0] == 0 || count[1] == 0) continue;  // a half without data here
      double* m = moments.data() + b * kSplitMoments;
      for (size_t i = a; i < e; ++i) {
        double sum[2] = {0, 0};
        for (size_t r = 0; r < n; ++r)
          if (has[r]) sum[half[r]] += values[r * pairs + i];
        const double x = sum[0] / count[0], y = sum[1] / count[1];
        m[0] += 1;
        m[1] += x;
        m[2] += y;
        m[3] += x * x;
        m[4] += y * y;
        m[5] += x * y;
      }
    }
  }
}

double pearson_from_sums(const double* m) {
  const double n = m[0];
  if (!(n > 1)) return std::numeric_limits<double>::quiet_NaN();
  const double sxx = m[3] - m[1] * m[1] / n, syy = m[4] - m[2] * m[2] / n,
               sxy = m[5] - m[1] * m[2] / n;
  if (!(sxx > 0) || !(syy > 0)) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

double spearman_brown(double r) { return 2 * r / (1 + r); }

SplitHalfResult run_split_half(const HumanStore& store, const SplitHalfOptions& options,
                               MPI_Comm comm) {
  SplitHalfResult result;
  result.readers = select_readers(store, options.group, options.view, options.exclude);
  const int n = static_cast<int>(result.readers.subjects.size());
  if (n < 2)
    throw InputError(store.path(), "the split-half ceiling needs at least 2 readers; group " +
                                       options.group + " has " + std::to_string(n));
  if (options.splits < 1) throw InputError("--split-half must be at least 1");
  const SentenceTable& sent = store.sentences();
  const mpi::Range mine = my_sentences(sent, comm);
  const std::vector<double> values = read_readers(store, result.readers, mine.begin, mine.end);
  const auto halves = split_halves(n, options.splits, options.seed);
  std::vector<double> moments(static_cast<size_t>(options.splits) * kSplitMoments, 0.0);
  accumulate_split_half(values, n, sent, mine.begin, mine.end, halves, moments);
  mpi::reduce_sum(moments, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return result;
  double sum_r = 0, sum_rel = 0;
  for (int b = 0; b < options.splits; ++b) {
    const double r = pearson_from_sums(moments.data() + static_cast<size_t>(b) * kSplitMoments);
    if (std::isnan(r))
      throw InputError(store.path(), "split " + std::to_string(b) + " of group " + options.group +
                                         ": a half-mean has no variance, no split-half ceiling");
    result.r_half.push_back(r);
    result.reliability.push_back(spearman_brown(r));
    sum_r += r;
    sum_rel += result.reliability.back();
  }
  const double B = options.splits;
  result.r_half_mean = sum_r / B;
  result.reliability_mean = sum_rel / B;
  double ss = 0;
  for (double v : result.reliability)
    ss += (v - result.reliability_mean) * (v - result.reliability_mean);
  result.reliability_sd = options.splits > 1 ? std::sqrt(ss / (B - 1)) : 0.0;
  return result;
}

}  // namespace lmgaze::analysis
