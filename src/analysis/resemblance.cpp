#include "analysis/resemblance.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/cross_products.hpp"
#include "analysis/moments.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {

namespace {

// Percentile intervals from resamples of readers (bootstrap.hpp): each layer's
// mean R², and the resemblance max_l mean R² / ceiling, where a computed
// ceiling is resampled with the same readers and a given one stays fixed. The
// resamples are kept: their table lets slopes across models be bootstrapped.
void bootstrap_resemblance(const ResemblanceOptions& options, ResemblanceResult& result) {
  result.replicates = resemblance_replicates(
      result.r2, result.n_layers,
      result.ceiling_source == "computed" ? result.ceiling_detail.r2 : std::vector<double>(),
      result.ceiling, options.bootstrap, options.seed);
  std::vector<double> resemblance;
  for (const ResemblanceReplicate& rep : result.replicates) resemblance.push_back(rep.resemblance);
  for (int l = 0; l < result.n_layers; ++l) {
    std::vector<double> means;
    for (const ResemblanceReplicate& rep : result.replicates)
      means.push_back(rep.layer_mean_r2[static_cast<size_t>(l)]);
    result.layer_r2_interval.push_back(percentile_interval(means));
  }
  result.resemblance_interval = percentile_interval(resemblance);
}

}  // namespace

std::vector<OptionProblem> validate(const ResemblanceOptions& options,
                                    const ResemblanceFacts& facts) {
  std::vector<OptionProblem> problems;
  const int k = options.cv_folds;
  if (k == 1 || k < 0)
    problems.push_back(
        {"cv", "cross-validation needs at least 2 folds, not " + std::to_string(k) + " (0: none)"});
  else if (facts.n_sentences >= 0 && k > facts.n_sentences)
    problems.push_back({"cv", std::to_string(k) +
                                  " folds need at least as many sentences; the text has " +
                                  std::to_string(facts.n_sentences)});
  if (!std::isnan(options.ceiling) && !(options.ceiling > 0 && options.ceiling <= 1))
    problems.push_back(
        {"ceiling", "a noise ceiling is in (0, 1], not " + std::to_string(options.ceiling)});
  if (options.bootstrap < 0)
    problems.push_back({"bootstrap", "the number of resamples is at least 1 (0: none)"});
  return problems;
}

ResemblanceResult run_resemblance(const ResemblanceOptions& options, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  ResemblanceResult result;
  double t0 = MPI_Wtime();
  const AttentionReader model(options.model_path);
  const HumanStore store(options.human_path);
  model.sentences().require_same(store.sentences(), model.path(), store.path());
  result.model_name = model.meta().model_name;
  result.n_layers = model.n_layers();
  result.n_heads = model.n_heads();
  result.readers = select_readers(store, options.group, options.view, options.exclude);
  const int n_readers = static_cast<int>(result.readers.subjects.size());
  if (n_readers < 1)
    throw InputError(store.path(), "group " + options.group + " has no readers left to fit");
  const SentenceTable& sent = model.sentences();
  refuse_first(validate(options, {static_cast<long>(sent.size())}));
  const int folds = std::max(1, options.cv_folds);

  // This rank's reader values: Y (pairs × readers) and the missing mask.
  const mpi::Range mine = my_sentences(sent, comm);
  const std::vector<double> values = read_readers(store, result.readers, mine.begin, mine.end);
  result.time.io += MPI_Wtime() - t0;
  std::vector<uint8_t> missing(static_cast<size_t>(n_readers) * sent.size(), 0);
  const auto pairs =
      static_cast<Eigen::Index>(sent.pair_offset[mine.end] - sent.pair_offset[mine.begin]);
  // Regressors and targets in aligned columns (cross_products.hpp).
  AlignedColumns x_columns(pairs, result.n_heads + 1), y_columns(pairs, n_readers);
  load_targets(values, sent, mine.begin, mine.end, n_readers, y_columns.matrix(), missing);
  double t1 = MPI_Wtime();
  mpi::allreduce_max(missing, comm);
  result.time.reduce += MPI_Wtime() - t1;
  require_reader_data(missing, sent, result.readers, store.path());
  require_reader_variance(values, missing, sent, mine.begin, mine.end, result.readers, store.path(),
                          comm);
  result.missing = summarize_missing(missing, sent, static_cast<size_t>(n_readers));

  const MomentPlan plan(sent, mine.begin, mine.end, folds, n_readers, missing);
  Moments moments(result.n_heads, plan);
  AlignedColumns::View x = x_columns.matrix();
  x.col(0).setOnes();
  const auto n_cells = static_cast<size_t>(result.n_layers) * static_cast<size_t>(n_readers);
  std::vector<Moments::FoldScore> fold_scores;  // [layer][fold][reader], rank 0, with CV
  if (rank == 0) {
    result.r2.assign(n_cells, std::nan(""));
    if (folds > 1) result.r2_cv.assign(n_cells, std::nan(""));
    result.min_rank.assign(static_cast<size_t>(result.n_layers), result.n_heads);
    result.head_r2.reserve(n_cells * static_cast<size_t>(result.n_heads));
  }
  std::vector<float> att;  // [heads][pairs], one buffer for every layer
  for (int l = 0; l < result.n_layers; ++l) {
    t0 = MPI_Wtime();
    if (!mine.empty()) model.read_layer(l, mine.begin, mine.end, att);
    check_attention(att, sent, mine.begin, mine.end, l, model.path());
    t1 = MPI_Wtime();
    result.time.io += t1 - t0;
    x.rightCols(result.n_heads) =
        Eigen::Map<const Eigen::MatrixXf>(att.data(), pairs, result.n_heads).cast<double>();
    moments.clear();
    moments.accumulate(plan, x, y_columns.matrix());
    const double t2 = MPI_Wtime();
    result.time.math += t2 - t1;
    mpi::reduce_sum(moments.data(), comm);
    const double t3 = MPI_Wtime();
    result.time.reduce += t3 - t2;
    if (rank != 0) continue;
    const std::vector<OlsFit> fits = moments.fit_all();
    for (int r = 0; r < n_readers; ++r) {
      const size_t at = static_cast<size_t>(l) * static_cast<size_t>(n_readers) + r;
      result.r2[at] = fits[static_cast<size_t>(r)].r2;
      result.min_rank[static_cast<size_t>(l)] =
          std::min(result.min_rank[static_cast<size_t>(l)], fits[static_cast<size_t>(r)].rank);
    }
    const std::vector<double> single = moments.single_regressor_r2();  // [head][reader]
    result.head_r2.insert(result.head_r2.end(), single.begin(), single.end());
    if (folds > 1) {
      const std::vector<double> cv = moments.r2_cv_all();
      std::copy(cv.begin(), cv.end(),
                result.r2_cv.begin() + static_cast<long>(l) * static_cast<long>(n_readers));
      const std::vector<Moments::FoldScore> scores = moments.fold_scores();
      fold_scores.insert(fold_scores.end(), scores.begin(), scores.end());
    }
    result.time.solve += MPI_Wtime() - t3;
  }

  if (rank == 0 && folds > 1)
    result.cv_choice = choose_layers_in_folds(fold_scores, result.n_layers, folds, n_readers);

  // The noise ceiling: given, computed, or (fewer than 2 readers) none. The
  // cross-validated ceiling is always computed (it cannot be given).
  const bool compute_ceiling = std::isnan(options.ceiling);
  if (n_readers >= 2 && (compute_ceiling || folds > 1)) {
    NoiseCeilingOptions nc;
    nc.group = options.group;
    nc.view = options.view;
    nc.exclude = options.exclude;
    nc.leave_one_out = options.ceiling_leave_one_out;
    nc.cv_folds = folds > 1 ? folds : 0;
    result.ceiling_detail = run_noise_ceiling(store, nc, comm, &values);  // the same readers
    if (folds > 1) {
      result.cv_ceiling = result.ceiling_detail.cv_ceiling.mean;
      result.cv_resemblance = result.cv_choice.mean_r2_cv.mean / result.cv_ceiling;
    }
  }
  if (!compute_ceiling) {
    result.ceiling = options.ceiling;
    result.ceiling_source = "given";
  } else if (n_readers >= 2) {
    result.ceiling = result.ceiling_detail.ceiling.mean;
    result.ceiling_source = "computed";
    // R² is in [0, 1] for every reader, so only degenerate data get here; a
    // resemblance divided by it would be inf or NaN.
    if (rank == 0 && !(result.ceiling > 0 && result.ceiling <= 1))
      throw InputError(store.path(), "noise ceiling of group " + options.group + " is " +
                                         std::to_string(result.ceiling) +
                                         ": the readers do not agree with their group mean at "
                                         "all, so a resemblance cannot be divided by it");
  } else {
    result.ceiling_source = "none (fewer than 2 readers; give one with --ceiling)";
  }
  if (rank == 0 && options.bootstrap > 0) bootstrap_resemblance(options, result);
  return result;
}

}  // namespace lmgaze::analysis
