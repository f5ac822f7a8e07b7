// Moments of many regressions that share one design, summed over sentences.
//
// Problem: targets t = 0..T-1 (readers, or heads), each regressed with
// intercept on the same k regressors (heads of one layer, or the trivial
// patterns). Rows are the word pairs of the corpus (packed tril, corpus
// order). A target may have no data for a whole sentence (a reader who did
// not read it: NaN in the human store); that target's pairs of that sentence
// are then left out of its regression.
//
// Missing data and XᵀX. Xᵀy for all targets is one matrix product XᵀY with
// the missing entries of Y set to 0. XᵀX, however, depends on which sentences
// a target has. Targets are grouped by their missing-sentence pattern (the
// set of sentences they lack); one XᵀX is accumulated per pattern, adding a
// block of sentences only to the patterns that include it. Without missing
// data there is one pattern. Each XᵀX is a plain sum of per-block products,
// never a difference, so no precision is lost to cancellation.
//
// Folds (cross-validation): sentence s belongs to fold s mod K. Moments are
// kept per fold; the full-data moments are the sum over folds and the
// training moments of fold f the sum over the other folds.
//
// The moments of one rank live in one flat double array, so the ranks'
// partial moments are combined by a single element-wise MPI sum.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <limits>
#include <vector>

#include "analysis/ols.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze::analysis {

// Which rows of one rank's sentences feed which moment cells.
class MomentPlan {
 public:
  // sentences: the whole table; this rank holds [s_begin, s_end).
  // missing: [n_targets][n_sentences] row-major over ALL sentences (1 = the
  // target has no data there); empty means nothing is missing. Every rank
  // must pass the same `missing` (it decides the patterns).
  MomentPlan(const SentenceTable& sentences, size_t s_begin, size_t s_end, int n_folds,
             int n_targets, const std::vector<uint8_t>& missing);

  struct Block {
    int fold = 0;
    std::vector<int> patterns;          // patterns that include these rows
    std::vector<Eigen::Index> rows;     // local pair rows (0 = first pair of s_begin)
    Eigen::Index first = 0, count = 0;  // when the rows are one contiguous run
    bool contiguous = false;
  };

  int n_folds() const { return n_folds_; }
  int n_targets() const { return n_targets_; }
  int n_patterns() const { return static_cast<int>(pattern_members_.size()); }
  const std::vector<int>& pattern_of_target() const { return pattern_of_target_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  Eigen::Index local_pairs() const { return local_pairs_; }

 private:
  int n_folds_ = 1;
  int n_targets_ = 0;
  Eigen::Index local_pairs_ = 0;
  std::vector<int> pattern_of_target_;                 // [T]
  std::vector<std::vector<uint8_t>> pattern_members_;  // [P][S] 1 = pattern lacks sentence
  std::vector<Block> blocks_;
};

// The flat moment array of one problem: layout, per fold f,
//   xtx[f][pattern]  p×p column-major (p = k + 1, intercept first)
//   xty[f]           p×T column-major (column t: Σy_t, Xᵀy_t)
//   yy[f]            T               (Σy_t²)
class Moments {
 public:
  Moments(int n_regressors, const MomentPlan& plan);

  int p() const { return p_; }
  int n_targets() const { return n_targets_; }
  int n_folds() const { return n_folds_; }
  std::vector<double>& data() { return data_; }
  const std::vector<double>& data() const { return data_; }
  void clear() { std::fill(data_.begin(), data_.end(), 0.0); }

  Eigen::Map<Eigen::MatrixXd> xtx(int fold, int pattern);
  Eigen::Map<Eigen::MatrixXd> xty(int fold);
  Eigen::Map<Eigen::VectorXd> yy(int fold);
  Eigen::Map<const Eigen::MatrixXd> xtx(int fold, int pattern) const;
  Eigen::Map<const Eigen::MatrixXd> xty(int fold) const;
  Eigen::Map<const Eigen::VectorXd> yy(int fold) const;

  // Adds one rank's rows. X: local_pairs × p with column 0 all ones;
  // Y: local_pairs × T with every missing (target, sentence) entry set to 0.
  void accumulate(const MomentPlan& plan, const Eigen::Ref<const Eigen::MatrixXd>& X,
                  const Eigen::Ref<const Eigen::MatrixXd>& Y);

  // In-sample fit of every target over all folds; the design is decomposed
  // once per missing-data pattern.
  std::vector<OlsFit> fit_all() const;
  // In-sample R² of every target on each regressor alone, with intercept
  // (per-head resemblance): [regressor][target], all folds. Simple
  // regression: R² = Sxy² / (Sxx Syy) from the centred sums. A regressor
  // without variance (Sxx ≤ kRankTolerance · Σx²) gives 0, as a dropped
  // column does in fit_all; a target without variance gives NaN.
  std::vector<double> single_regressor_r2() const;
  // Cross-validated R² of every target (n_folds ≥ 2): for each fold f, fit on
  // the other folds and predict fold f;
  //   R²_cv = 1 − Σ_f SSE_f / Σ_f Σ_{i∈f} (y_i − ȳ_train(f))²
  // i.e. the out-of-sample error relative to predicting each fold by its
  // training mean. Folds where the target has no points, or no training
  // points, are skipped; NaN when the denominator is zero.
  std::vector<double> r2_cv_all() const;

  // What r2_cv_all sums, per fold and target ([fold][target], fold-major):
  // the in-sample R² on the training folds (the other folds), and the
  // held-out SSE and SST of fold f (SST about the training mean). A skipped
  // fold has train_r2 NaN and sse = sst = 0.
  struct FoldScore {
    double train_r2 = std::numeric_limits<double>::quiet_NaN();
    double sse = 0;
    double sst = 0;
  };
  std::vector<FoldScore> fold_scores() const;

 private:
  size_t xtx_offset(int fold, int pattern) const;
  size_t xty_offset(int fold) const;
  size_t yy_offset(int fold) const;

  int p_ = 0, n_targets_ = 0, n_folds_ = 1, n_patterns_ = 1;
  std::vector<int> pattern_of_target_;
  std::vector<double> data_;
};

// Reads a [T][pairs] row-major block of target values for sentences
// [s_begin, s_end) into `y` (pairs × T, column t = target t) with NaN
// replaced by 0, and marks in `missing` ([T][n_sentences], all sentences)
// each (target, sentence) with any NaN: the whole sentence is then left out
// for that target and its other values are zeroed too.
void load_targets(const std::vector<double>& values_tp, const SentenceTable& sentences,
                  size_t s_begin, size_t s_end, int n_targets, Eigen::MatrixXd& y,
                  std::vector<uint8_t>& missing);
// The same into a matrix already pairs × T (e.g. AlignedColumns).
void load_targets(const std::vector<double>& values_tp, const SentenceTable& sentences,
                  size_t s_begin, size_t s_end, int n_targets, Eigen::Ref<Eigen::MatrixXd> y,
                  std::vector<uint8_t>& missing);

}  // namespace lmgaze::analysis
