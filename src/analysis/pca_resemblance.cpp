#include "analysis/pca_resemblance.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <optional>

#include "analysis/moments.hpp"
#include "analysis/noise_ceiling.hpp"
#include "analysis/ols.hpp"
#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {

Eigen::MatrixXd leading_components(const Eigen::Ref<const Eigen::MatrixXd>& xtx, int k) {
  const Eigen::Index h = xtx.rows() - 1;
  const double n = xtx(0, 0);
  const Eigen::VectorXd sum = xtx.block(1, 0, h, 1);
  // Covariance (times n) of the heads over the rows: XᵀX − n x̄ x̄ᵀ.
  const Eigen::MatrixXd cov = xtx.block(1, 1, h, h) - sum * sum.transpose() / n;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);  // ascending eigenvalues
  return eig.eigenvectors().rightCols(k).rowwise().reverse();
}

PcaResemblanceResult run_pca_resemblance(const PcaResemblanceOptions& options, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  PcaResemblanceResult result;
  const AttentionReader model(options.model_path);
  const HumanStore store(options.human_path);
  model.sentences().require_same(store.sentences(), model.path(), store.path());
  result.n_layers = model.n_layers();
  result.n_heads = model.n_heads();
  const SentenceTable& sent = model.sentences();
  const int K = options.folds, k = options.components, H = result.n_heads;
  if (K < 2 || K > static_cast<int>(sent.size()))
    throw InputError("--pca-k needs --cv K with 2 <= K <= the number of sentences (" +
                     std::to_string(sent.size()) + ")");
  if (k < 1 || k > H)
    throw InputError(model.path(), "--pca-k " + std::to_string(k) + ": the model has " +
                                       std::to_string(H) + " heads per layer (1 <= k <= heads)");
  result.readers = select_readers(store, options.group, options.view, options.exclude);
  const int n_readers = static_cast<int>(result.readers.subjects.size());
  if (n_readers < 2)
    throw InputError(store.path(), "group " + options.group +
                                       ": the fixed-capacity resemblance needs at least 2 "
                                       "readers (its ceiling leaves one out)");

  const mpi::Range mine = my_sentences(sent, comm);
  const std::vector<double> values = read_readers(store, result.readers, mine.begin, mine.end);
  std::vector<uint8_t> missing(static_cast<size_t>(n_readers) * sent.size(), 0);
  Eigen::MatrixXd y;
  load_targets(values, sent, mine.begin, mine.end, n_readers, y, missing);
  mpi::allreduce_max(missing, comm);
  require_reader_data(missing, sent, result.readers, store.path());

  const MomentPlan plan(sent, mine.begin, mine.end, K, n_readers, missing);
  Moments moments(H, plan);
  const Eigen::Index pairs = plan.local_pairs();
  Eigen::MatrixXd x(pairs, H + 1);
  x.col(0).setOnes();
  const auto p = static_cast<size_t>(H + 1);
  std::vector<double> design(static_cast<size_t>(K) * p * p);  // [fold] XᵀX over all rows
  std::vector<Moments::FoldScore> scores;                      // [layer][fold][reader]
  if (rank == 0) result.layer_mean_r2_cv.assign(static_cast<size_t>(result.n_layers), NAN);
  for (int l = 0; l < result.n_layers; ++l) {
    const std::vector<float> att =
        mine.empty() ? std::vector<float>() : model.read_layer(l, mine.begin, mine.end);
    check_attention(att, sent, mine.begin, mine.end, l, model.path());
    x.rightCols(H) = Eigen::Map<const Eigen::MatrixXf>(att.data(), pairs, H).cast<double>();
    moments.clear();
    moments.accumulate(plan, x, y);
    std::fill(design.begin(), design.end(), 0.0);
    for (size_t s = mine.begin; s < mine.end; ++s) {
      const Eigen::Index first = sent.pair_offset[s] - sent.pair_offset[mine.begin];
      const Eigen::Index count = sent.pair_offset[s + 1] - sent.pair_offset[s];
      Eigen::Map<Eigen::MatrixXd> d(design.data() + (s % static_cast<size_t>(K)) * p * p, H + 1,
                                    H + 1);
      d.noalias() += x.middleRows(first, count).transpose() * x.middleRows(first, count);
    }
    mpi::reduce_sum(moments.data(), comm);
    mpi::reduce_sum(design, comm);
    if (rank != 0) continue;

    Eigen::MatrixXd sse_sst = Eigen::MatrixXd::Zero(n_readers, 2);  // layer fixed in every fold
    for (int f = 0; f < K; ++f) {
      Eigen::MatrixXd train_design = Eigen::MatrixXd::Zero(H + 1, H + 1);
      for (int g = 0; g < K; ++g)
        if (g != f)
          train_design +=
              Eigen::Map<const Eigen::MatrixXd>(design.data() + g * p * p, H + 1, H + 1);
      // Scores = heads × V_k; the intercept passes through unchanged.
      Eigen::MatrixXd to_scores = Eigen::MatrixXd::Zero(H + 1, k + 1);
      to_scores(0, 0) = 1;
      to_scores.block(1, 1, H, k) = leading_components(train_design, k);
      // One design per missing-data pattern (readers who lack the same
      // sentences share it): its training and held-out moments in score space,
      // decomposed once; the readers then differ only in Xᵀy and Σy².
      std::vector<std::optional<OlsSolver>> solvers;  // empty: no training or held-out rows
      std::vector<Eigen::MatrixXd> test_scores;
      std::vector<uint8_t> usable;
      for (int pat = 0; pat < plan.n_patterns(); ++pat) {
        Eigen::MatrixXd xtx = Eigen::MatrixXd::Zero(H + 1, H + 1);
        for (int g = 0; g < K; ++g)
          if (g != f) xtx += moments.xtx(g, pat);
        test_scores.push_back(to_scores.transpose() * moments.xtx(f, pat) * to_scores);
        usable.push_back(xtx(0, 0) > 0 && test_scores.back()(0, 0) > 0);
        solvers.emplace_back();
        if (usable.back()) solvers.back().emplace(to_scores.transpose() * xtx * to_scores);
      }
      for (int r = 0; r < n_readers; ++r) {
        const int pat = plan.pattern_of_target()[static_cast<size_t>(r)];
        Moments::FoldScore score;
        if (usable[static_cast<size_t>(pat)]) {
          Eigen::VectorXd xty = Eigen::VectorXd::Zero(H + 1);
          double yy = 0;
          for (int g = 0; g < K; ++g)
            if (g != f) {
              xty += moments.xty(g).col(r);
              yy += moments.yy(g)(r);
            }
          const OlsFit fit =
              solvers[static_cast<size_t>(pat)]->solve(to_scores.transpose() * xty, yy);
          const HeldOut held = score_held_out(fit, test_scores[static_cast<size_t>(pat)],
                                              to_scores.transpose() * moments.xty(f).col(r),
                                              moments.yy(f)(r), xty(0) / fit.n);
          score = {fit.r2, held.sse, held.sst};
        }
        sse_sst(r, 0) += score.sse;
        sse_sst(r, 1) += score.sst;
        scores.push_back(score);
      }
    }
    std::vector<double> fixed;
    for (int r = 0; r < n_readers; ++r)
      fixed.push_back(sse_sst(r, 1) > 0 ? 1 - sse_sst(r, 0) / sse_sst(r, 1) : NAN);
    result.layer_mean_r2_cv[static_cast<size_t>(l)] = mean_sem(fixed).mean;
  }
  if (rank == 0) result.choice = choose_layers_in_folds(scores, result.n_layers, K, n_readers);

  NoiseCeilingOptions nc;
  nc.group = options.group;
  nc.view = options.view;
  nc.exclude = options.exclude;
  nc.cv_folds = K;
  const NoiseCeilingResult ceiling = run_noise_ceiling(store, nc, comm);
  result.cv_ceiling = ceiling.cv_ceiling.mean;
  result.resemblance = result.choice.mean_r2_cv.mean / result.cv_ceiling;
  return result;
}

void write_pca_resemblance(const PcaResemblanceResult& result, const PcaResemblanceOptions& options,
                           const std::string& label, const std::string& out_dir,
                           const std::string& command_line, std::ostream& log) {
  const std::string k = Table::integer(options.components);
  Table layers({"model", "group", "k", "layer", "mean_r2_cv"});
  Table folds({"model", "group", "k", "fold", "selected_layer"});
  Table summary(
      {"model", "group", "k", "folds", "mean_r2_cv", "cv_noise_ceiling", "pca_cv_resemblance"});
  for (Table* t : {&layers, &folds, &summary}) {
    t->comment(command_line);
    t->comment("fixed-capacity variant, not the paper's resemblance: OLS on the first " + k +
               " principal components of the layer's heads, components from the training "
               "sentences of each fold (sentence s in fold s mod " +
               std::to_string(options.folds) + "), cross-validated R²");
  }
  for (int l = 0; l < result.n_layers; ++l)
    layers.add({label, options.group, k, Table::integer(l),
                Table::num(result.layer_mean_r2_cv[static_cast<size_t>(l)])});
  for (size_t f = 0; f < result.choice.layer_of_fold.size(); ++f)
    folds.add(
        {label, options.group, k, Table::integer(static_cast<long long>(f)),
         result.choice.layer_of_fold[f] < 0 ? "" : Table::integer(result.choice.layer_of_fold[f])});
  summary.add({label, options.group, k, Table::integer(options.folds),
               Table::num(result.choice.mean_r2_cv.mean), Table::num(result.cv_ceiling),
               Table::num(result.resemblance)});
  layers.write(out_dir + "/resemblance_pca.csv");
  folds.write(out_dir + "/resemblance_pca_folds.csv");
  summary.write(out_dir + "/resemblance_pca_summary.csv");
  const auto precision = log.precision();
  log.precision(4);
  log << "fixed capacity (first " << k << " principal components of each layer's heads, "
      << options.folds << " folds, layer chosen inside each fold): mean R²_cv "
      << result.choice.mean_r2_cv.mean << ", cv noise ceiling " << result.cv_ceiling
      << ", resemblance " << result.resemblance << "\n";
  log.precision(precision);
}

}  // namespace lmgaze::analysis
