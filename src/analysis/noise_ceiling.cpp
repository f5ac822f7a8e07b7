#include "analysis/noise_ceiling.hpp"

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {

void accumulate_noise_ceiling(const std::vector<double>& values, int n_readers,
                              const SentenceTable& sentences, size_t s_begin, size_t s_end,
                              bool leave_one_out, std::vector<double>& moments, int n_folds) {
  const int64_t p0 = sentences.pair_offset[s_begin];
  const auto pairs = static_cast<size_t>(sentences.pair_offset[s_end] - p0);
  const auto n = static_cast<size_t>(n_readers);
  std::vector<uint8_t> has(n);
  for (size_t s = s_begin; s < s_end; ++s) {
    const auto a = static_cast<size_t>(sentences.pair_offset[s] - p0);
    const auto e = static_cast<size_t>(sentences.pair_offset[s + 1] - p0);
    const int present = readers_with_data(values, n, pairs, a, e, has);
    double* fold = moments.data() + (s % static_cast<size_t>(n_folds)) * n * kCeilingMoments;
    for (size_t i = a; i < e; ++i) {
      double sum = 0;
      for (size_t r = 0; r < n; ++r)
        if (has[r]) sum += values[r * pairs + i];
      for (size_t r = 0; r < n; ++r) {
        if (!has[r]) continue;
        const double y = values[r * pairs + i];
        double x;
        if (leave_one_out) {
          if (present < 2) continue;
          x = (sum - y) / (present - 1);
        } else {
          x = sum / present;
        }
        double* m = fold + r * kCeilingMoments;
        m[0] += 1;
        m[1] += x;
        m[2] += x;
        m[3] += x * x;
        m[4] += y;
        m[5] += x * y;
        m[6] += y * y;
      }
    }
  }
}

std::vector<OlsFit> noise_ceiling_fits(const std::vector<double>& moments, int n_readers) {
  std::vector<OlsFit> fits;
  for (int r = 0; r < n_readers; ++r) {
    const double* m = moments.data() + static_cast<size_t>(r) * kCeilingMoments;
    const Eigen::Map<const Eigen::MatrixXd> xtx(m, 2, 2);
    const Eigen::Map<const Eigen::VectorXd> xty(m + 4, 2);
    fits.push_back(ols_from_moments(xtx, xty, m[6]));
  }
  return fits;
}

std::vector<double> noise_ceiling_r2_cv(const std::vector<double>& moments, int n_readers,
                                        int n_folds) {
  const auto n = static_cast<size_t>(n_readers);
  std::vector<double> r2;
  for (size_t r = 0; r < n; ++r) {
    double sse = 0, sst = 0;
    for (int test = 0; test < n_folds; ++test) {
      Eigen::Matrix2d xtx = Eigen::Matrix2d::Zero();
      Eigen::Vector2d xty = Eigen::Vector2d::Zero();
      double yy = 0;
      for (int f = 0; f < n_folds; ++f) {
        if (f == test) continue;
        const double* m = moments.data() + (static_cast<size_t>(f) * n + r) * kCeilingMoments;
        xtx += Eigen::Map<const Eigen::Matrix2d>(m);
        xty += Eigen::Map<const Eigen::Vector2d>(m + 4);
        yy += m[6];
      }
      const double* held = moments.data() + (static_cast<size_t>(test) * n + r) * kCeilingMoments;
      if (!(held[0] > 0) || !(xtx(0, 0) > 0)) continue;  // no held-out or training points
      const OlsFit train = ols_from_moments(xtx, xty, yy);
      const HeldOut h =
          score_held_out(train, Eigen::Map<const Eigen::Matrix2d>(held),
                         Eigen::Map<const Eigen::Vector2d>(held + 4), held[6], xty(0) / xtx(0, 0));
      sse += h.sse;
      sst += h.sst;
    }
    r2.push_back(sst > 0 ? 1.0 - sse / sst : std::numeric_limits<double>::quiet_NaN());
  }
  return r2;
}

NoiseCeilingResult run_noise_ceiling(const HumanStore& store, const NoiseCeilingOptions& options,
                                     MPI_Comm comm, const std::vector<double>* given_values) {
  NoiseCeilingResult result;
  result.readers = select_readers(store, options.group, options.view, options.exclude);
  const int n = static_cast<int>(result.readers.subjects.size());
  if (n < 2)
    throw InputError(store.path(),
                     "the noise ceiling needs at least 2 readers; group " + options.group +
                         " has " + std::to_string(n) +
                         (result.readers.excluded.empty() ? "" : " after exclusions"));
  const SentenceTable& sent = store.sentences();
  const mpi::Range mine = my_sentences(sent, comm);
  std::vector<double> read_here;
  if (!given_values) read_here = read_readers(store, result.readers, mine.begin, mine.end);
  const std::vector<double>& values = given_values ? *given_values : read_here;

  // Missing (reader, sentence) cells, gathered on every rank.
  std::vector<uint8_t> missing(static_cast<size_t>(n) * sent.size(), 0);
  const auto pairs = static_cast<size_t>(sent.pair_offset[mine.end] - sent.pair_offset[mine.begin]);
  for (size_t r = 0; r < static_cast<size_t>(n); ++r)
    for (size_t s = mine.begin; s < mine.end; ++s)
      for (int64_t i = sent.pair_offset[s]; i < sent.pair_offset[s + 1]; ++i)
        if (std::isnan(values[r * pairs + static_cast<size_t>(i - sent.pair_offset[mine.begin])]))
          missing[r * sent.size() + s] = 1;
  mpi::allreduce_max(missing, comm);
  require_reader_data(missing, sent, result.readers, store.path());
  require_reader_variance(values, missing, sent, mine.begin, mine.end, result.readers, store.path(),
                          comm);
  result.missing = summarize_missing(missing, sent, static_cast<size_t>(n));

  std::vector<double> moments(static_cast<size_t>(n) * kCeilingMoments, 0.0);
  accumulate_noise_ceiling(values, n, sent, mine.begin, mine.end, options.leave_one_out, moments);
  mpi::reduce_sum(moments, comm);
  const int folds = options.cv_folds;
  std::vector<double> fold_moments;
  if (folds >= 2) {
    fold_moments.assign(static_cast<size_t>(folds) * static_cast<size_t>(n) * kCeilingMoments, 0.0);
    accumulate_noise_ceiling(values, n, sent, mine.begin, mine.end, /*leave_one_out=*/true,
                             fold_moments, folds);
    mpi::reduce_sum(fold_moments, comm);
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return result;
  for (const OlsFit& fit : noise_ceiling_fits(moments, n)) result.r2.push_back(fit.r2);
  result.ceiling = mean_sem(result.r2);
  if (folds >= 2) {
    result.r2_cv = noise_ceiling_r2_cv(fold_moments, n, folds);
    result.cv_ceiling = mean_sem(result.r2_cv);
  }
  return result;
}

}  // namespace lmgaze::analysis
