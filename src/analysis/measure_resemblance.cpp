#include "analysis/measure_resemblance.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "analysis/inputs.hpp"
#include "analysis/ols.hpp"
#include "analysis/received_attention.hpp"
#include "analysis/table.hpp"
#include "common/error.hpp"
#include "human/human_store.hpp"
#include "human/reading_measures.hpp"
#include "io/attention_file.hpp"

namespace lmgaze::analysis {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Offsets of one (fold, reader) cell in the flat moment array.
struct Layout {
  int p = 0, readers = 0, folds = 1;
  size_t cell() const { return static_cast<size_t>(p * p + p + 1); }
  size_t size() const { return cell() * static_cast<size_t>(readers * folds); }
  size_t at(int fold, int reader) const {
    return cell() * static_cast<size_t>(fold * readers + reader);
  }
};

struct CellMoments {
  Eigen::MatrixXd xtx;
  Eigen::VectorXd xty;
  double yy = 0;
};

CellMoments cell_sum(const std::vector<double>& m, const Layout& l, int reader,
                     const std::vector<int>& folds) {
  CellMoments c{Eigen::MatrixXd::Zero(l.p, l.p), Eigen::VectorXd::Zero(l.p), 0};
  for (int f : folds) {
    const double* d = m.data() + l.at(f, reader);
    c.xtx += Eigen::Map<const Eigen::MatrixXd>(d, l.p, l.p);
    c.xty += Eigen::Map<const Eigen::VectorXd>(d + l.p * l.p, l.p);
    c.yy += d[l.p * l.p + l.p];
  }
  return c;
}

}  // namespace

MeasureResemblanceResult run_measure_resemblance(const MeasureResemblanceOptions& o,
                                                 MPI_Comm comm) {
  const auto& names = human::kMeasureNames;
  if (std::find(names.begin(), names.end(), o.measure) == names.end()) {
    std::string known;
    for (const char* m : names) known += (known.empty() ? "" : ", ") + std::string(m);
    throw InputError("--target '" + o.measure + "': expected saccades or a reading measure (" +
                     known + ")");
  }
  if (o.cv_folds == 1 || o.cv_folds < 0)
    throw InputError("--cv " + std::to_string(o.cv_folds) + ": 0 (none) or K >= 2 folds");
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const AttentionReader attention(o.model_path);
  const HumanStore store(o.human_path);
  const SentenceTable& sentences = attention.sentences();
  sentences.require_same(store.sentences(), o.model_path, o.human_path);
  const ReaderSelection sel = select_readers(store, o.group, "count", o.exclude);
  // [n_subjects, n_words] of the whole store; the kept readers' rows below.
  const std::vector<double> all = store.read_measure(o.group, o.measure);
  const std::vector<int64_t> word_at = human::word_offsets(sentences);
  const auto n_words = static_cast<size_t>(word_at.back());

  MeasureResemblanceResult res;
  res.model_name = attention.meta().model_name;
  res.subjects = sel.subjects;
  res.excluded = sel.excluded;
  res.simulated = sel.simulated;
  res.n_layers = attention.n_layers();
  res.n_heads = attention.n_heads();
  const int readers = static_cast<int>(sel.subjects.size());
  if (readers == 0) throw InputError(o.human_path, "no reader left in group " + o.group);
  Layout layout{res.n_heads + 1, readers, std::max(1, o.cv_folds)};

  const mpi::Range mine = my_sentences(sentences, comm);
  const auto local_words = static_cast<Eigen::Index>(word_at[mine.end] - word_at[mine.begin]);
  // y: local words × readers (NaN kept: the mask says which words count).
  Eigen::MatrixXd y(local_words, readers);
  for (int r = 0; r < readers; ++r)
    for (Eigen::Index w = 0; w < local_words; ++w)
      y(w, r) = all[sel.rows[r] * n_words + static_cast<size_t>(word_at[mine.begin] + w)];
  // Sentence s is in fold s mod K; its words are rows of that fold.
  std::vector<std::vector<Eigen::Index>> rows_of_fold(static_cast<size_t>(layout.folds));
  for (size_t s = mine.begin; s < mine.end; ++s)
    for (int64_t w = word_at[s]; w < word_at[s + 1]; ++w)
      rows_of_fold[s % static_cast<size_t>(layout.folds)].push_back(w - word_at[mine.begin]);

  const size_t L = static_cast<size_t>(res.n_layers);
  res.r2.assign(L * readers, kNaN);
  if (o.cv_folds >= 2) res.r2_cv.assign(L * readers, kNaN);
  res.n_words.assign(readers, 0);
  std::vector<double> moments(layout.size());
  for (int layer = 0; layer < res.n_layers; ++layer) {
    // X: local words × (1 + heads), the attention each word receives.
    Eigen::MatrixXd x = Eigen::MatrixXd::Ones(local_words, layout.p);
    if (!mine.empty()) {
      const std::vector<float> w = attention.read_layer(layer, mine.begin, mine.end);
      const int64_t pairs = sentences.pair_offset[mine.end] - sentences.pair_offset[mine.begin];
      std::vector<double> received;
      for (int h = 0; h < res.n_heads; ++h)
        for (size_t s = mine.begin; s < mine.end; ++s) {
          const int n = sentences.n_words[s];
          received.assign(static_cast<size_t>(n), 0);
          received_attention(
              w.data() + h * pairs + (sentences.pair_offset[s] - sentences.pair_offset[mine.begin]),
              n, received.data());
          for (int k = 0; k < n; ++k)
            x(word_at[s] - word_at[mine.begin] + k, h + 1) = received[static_cast<size_t>(k)];
        }
    }
    std::fill(moments.begin(), moments.end(), 0.0);
    for (int f = 0; f < layout.folds; ++f) {
      // The fold's rows; XᵀX of all of them serves every reader with a value
      // on each (most readers, for trt, nfix, skip, reg_in, reg_out).
      const std::vector<Eigen::Index>& rows = rows_of_fold[static_cast<size_t>(f)];
      const auto n_rows = static_cast<Eigen::Index>(rows.size());
      Eigen::MatrixXd xf(n_rows, layout.p), yf(n_rows, readers);
      for (Eigen::Index k = 0; k < n_rows; ++k) {
        xf.row(k) = x.row(rows[static_cast<size_t>(k)]);
        yf.row(k) = y.row(rows[static_cast<size_t>(k)]);
      }
      const Eigen::MatrixXd xtx_all = xf.transpose() * xf;
      for (int r = 0; r < readers; ++r) {
        Eigen::VectorXd keep = Eigen::VectorXd::Ones(n_rows), yr = yf.col(r);
        for (Eigen::Index k = 0; k < n_rows; ++k)
          if (std::isnan(yr(k))) keep(k) = yr(k) = 0;
        double* d = moments.data() + layout.at(f, r);
        Eigen::Map<Eigen::MatrixXd> xtx(d, layout.p, layout.p);
        if (keep.sum() == static_cast<double>(n_rows))
          xtx = xtx_all;
        else
          xtx = (xf.array().colwise() * keep.array()).matrix().transpose() * xf;
        Eigen::Map<Eigen::VectorXd>(d + layout.p * layout.p, layout.p) = xf.transpose() * yr;
        d[layout.p * layout.p + layout.p] = yr.squaredNorm();
      }
    }
    MPI_Allreduce(MPI_IN_PLACE, moments.data(), static_cast<int>(moments.size()), MPI_DOUBLE,
                  MPI_SUM, comm);
    if (rank != 0) continue;
    std::vector<int> every(static_cast<size_t>(layout.folds));
    for (int f = 0; f < layout.folds; ++f) every[static_cast<size_t>(f)] = f;
    for (int r = 0; r < readers; ++r) {
      const CellMoments full = cell_sum(moments, layout, r, every);
      res.n_words[r] = full.xtx(0, 0);
      res.r2[layer * readers + r] = ols_from_moments(full.xtx, full.xty, full.yy).r2;
      if (o.cv_folds < 2) continue;
      double sse = 0, sst = 0;
      for (int f = 0; f < layout.folds; ++f) {
        std::vector<int> others;
        for (int g = 0; g < layout.folds; ++g)
          if (g != f) others.push_back(g);
        const CellMoments train = cell_sum(moments, layout, r, others);
        const CellMoments test = cell_sum(moments, layout, r, {f});
        if (train.xtx(0, 0) < 1 || test.xtx(0, 0) < 1) continue;  // no points to fit or score
        const OlsFit fit = ols_from_moments(train.xtx, train.xty, train.yy);
        const HeldOut held =
            score_held_out(fit, test.xtx, test.xty, test.yy, train.xty(0) / train.xtx(0, 0));
        sse += held.sse;
        sst += held.sst;
      }
      res.r2_cv[layer * readers + r] = sst > 0 ? 1.0 - sse / sst : kNaN;
    }
  }
  return res;
}

void measure_resemblance_analysis(const MeasureResemblanceOptions& o, const std::string& label,
                                  const std::string& out_dir, const std::string& command_line,
                                  MPI_Comm comm, std::ostream& log) {
  const MeasureResemblanceResult res = run_measure_resemblance(o, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return;
  std::filesystem::create_directories(out_dir);
  const bool cv = !res.r2_cv.empty();
  const int readers = static_cast<int>(res.subjects.size());
  Table rows({"model", "group", "measure", "layer", "subject", "n_words", "r2", "r2_cv"});
  Table summary({"model", "group", "measure", "layer", "readers", "mean_r2", "mean_r2_cv"});
  for (Table* t : {&rows, &summary}) {
    t->comment(command_line);
    t->comment("target=" + o.measure +
               " (METHODS.md 11: the reader's per-word measure on the "
               "attention each word receives from each head, OLS with intercept)");
    t->comment(cv ? "cv=" + std::to_string(o.cv_folds) + " folds, sentence s in fold s mod K"
                  : "cv=none");
    std::string excluded;
    for (const auto& x : res.excluded) excluded += (excluded.empty() ? "" : ",") + x;
    t->comment("exclude=" + (excluded.empty() ? std::string("none") : excluded));
    if (res.simulated) t->comment("readers=SIMULATED (not eye-tracking data)");
  }
  int best = -1;
  double best_mean = -std::numeric_limits<double>::infinity();
  for (int l = 0; l < res.n_layers; ++l) {
    double sum = 0, sum_cv = 0;
    int n = 0, n_cv = 0;
    for (int r = 0; r < readers; ++r) {
      const double v = res.r2[l * readers + r], c = cv ? res.r2_cv[l * readers + r] : kNaN;
      rows.add({label, o.group, o.measure, Table::integer(l), res.subjects[r],
                Table::integer(static_cast<long long>(res.n_words[r])), Table::num(v),
                Table::num(c)});
      if (!std::isnan(v)) sum += v, ++n;
      if (!std::isnan(c)) sum_cv += c, ++n_cv;
    }
    const double mean = n ? sum / n : kNaN;
    summary.add({label, o.group, o.measure, Table::integer(l), Table::integer(n), Table::num(mean),
                 Table::num(n_cv ? sum_cv / n_cv : kNaN)});
    if (!std::isnan(mean) && mean > best_mean) best_mean = mean, best = l;
  }
  OutputSet set;
  rows.write(out_dir + "/resemblance_" + o.measure + ".csv");
  summary.write(out_dir + "/resemblance_" + o.measure + "_summary.csv");
  set.commit();
  log << label << " vs " << o.group << " " << o.measure << ": " << readers << " readers, "
      << res.n_layers << " layers x " << res.n_heads << " heads; best layer " << best << " mean R² "
      << (best >= 0 ? Table::num(best_mean) : std::string("undefined")) << "\n";
  if (res.simulated) log << "note: the human data are SIMULATED\n";
}

}  // namespace lmgaze::analysis
