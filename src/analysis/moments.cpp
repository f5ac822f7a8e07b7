#include "analysis/moments.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "analysis/cross_products.hpp"

namespace lmgaze::analysis {

MomentPlan::MomentPlan(const SentenceTable& sentences, size_t s_begin, size_t s_end, int n_folds,
                       int n_targets, const std::vector<uint8_t>& missing)
    : n_folds_(n_folds), n_targets_(n_targets) {
  const size_t n_sent = sentences.size();
  // Patterns: distinct missing rows, numbered in order of first appearance.
  pattern_of_target_.assign(static_cast<size_t>(n_targets), 0);
  if (missing.empty()) {
    pattern_members_.assign(1, std::vector<uint8_t>(n_sent, 0));
  } else {
    std::map<std::vector<uint8_t>, int> index;
    for (int t = 0; t < n_targets; ++t) {
      std::vector<uint8_t> row(missing.begin() + static_cast<long>(t * n_sent),
                               missing.begin() + static_cast<long>((t + 1) * n_sent));
      auto [it, added] = index.emplace(row, static_cast<int>(pattern_members_.size()));
      if (added) pattern_members_.push_back(std::move(row));
      pattern_of_target_[static_cast<size_t>(t)] = it->second;
    }
    if (pattern_members_.empty()) pattern_members_.assign(1, std::vector<uint8_t>(n_sent, 0));
  }

  // Blocks: local sentences grouped by (fold, patterns that include them).
  const int64_t p0 = sentences.pair_offset[s_begin];
  local_pairs_ = static_cast<Eigen::Index>(sentences.pair_offset[s_end] - p0);
  std::map<std::pair<int, std::vector<int>>, size_t> block_of;
  for (size_t s = s_begin; s < s_end; ++s) {
    std::pair<int, std::vector<int>> key;
    key.first = static_cast<int>(s % static_cast<size_t>(n_folds));
    for (size_t p = 0; p < pattern_members_.size(); ++p)
      if (!pattern_members_[p][s]) key.second.push_back(static_cast<int>(p));
    if (key.second.empty()) continue;  // nobody has data here
    auto [it, added] = block_of.emplace(key, blocks_.size());
    if (added) {
      Block b;
      b.fold = key.first;
      b.patterns = key.second;
      blocks_.push_back(std::move(b));
    }
    Block& b = blocks_[it->second];
    for (int64_t r = sentences.pair_offset[s]; r < sentences.pair_offset[s + 1]; ++r)
      b.rows.push_back(static_cast<Eigen::Index>(r - p0));
  }
  for (Block& b : blocks_) {
    b.first = b.rows.front();
    b.count = static_cast<Eigen::Index>(b.rows.size());
    b.contiguous = b.rows.back() - b.rows.front() + 1 == b.count;
  }
}

Moments::Moments(int n_regressors, const MomentPlan& plan)
    : p_(n_regressors + 1),
      n_targets_(plan.n_targets()),
      n_folds_(plan.n_folds()),
      n_patterns_(plan.n_patterns()),
      pattern_of_target_(plan.pattern_of_target()) {
  const size_t per_fold = static_cast<size_t>(n_patterns_ * p_ * p_ + p_ * n_targets_ + n_targets_);
  data_.assign(per_fold * static_cast<size_t>(n_folds_), 0.0);
}

size_t Moments::xtx_offset(int fold, int pattern) const {
  const size_t per_fold = static_cast<size_t>(n_patterns_ * p_ * p_ + p_ * n_targets_ + n_targets_);
  return per_fold * static_cast<size_t>(fold) + static_cast<size_t>(pattern * p_ * p_);
}
size_t Moments::xty_offset(int fold) const { return xtx_offset(fold, n_patterns_); }
size_t Moments::yy_offset(int fold) const {
  return xty_offset(fold) + static_cast<size_t>(p_ * n_targets_);
}

Eigen::Map<Eigen::MatrixXd> Moments::xtx(int fold, int pattern) {
  return {data_.data() + xtx_offset(fold, pattern), p_, p_};
}
Eigen::Map<Eigen::MatrixXd> Moments::xty(int fold) {
  return {data_.data() + xty_offset(fold), p_, n_targets_};
}
Eigen::Map<Eigen::VectorXd> Moments::yy(int fold) {
  return {data_.data() + yy_offset(fold), n_targets_};
}
Eigen::Map<const Eigen::MatrixXd> Moments::xtx(int fold, int pattern) const {
  return {data_.data() + xtx_offset(fold, pattern), p_, p_};
}
Eigen::Map<const Eigen::MatrixXd> Moments::xty(int fold) const {
  return {data_.data() + xty_offset(fold), p_, n_targets_};
}
Eigen::Map<const Eigen::VectorXd> Moments::yy(int fold) const {
  return {data_.data() + yy_offset(fold), n_targets_};
}

void Moments::accumulate(const MomentPlan& plan, const Eigen::Ref<const Eigen::MatrixXd>& X,
                         const Eigen::Ref<const Eigen::MatrixXd>& Y) {
  // Per block one product Xᵀ [X Y] (cross_products.hpp): XᵀX, then XᵀY.
  Eigen::MatrixXd cross(p_, p_ + n_targets_), x_rows, y_rows;
  for (const auto& b : plan.blocks()) {
    auto add = [&](const auto& xs, const auto& ys) {
      cross_products(xs, ys, cross);
      for (int pattern : b.patterns) xtx(b.fold, pattern) += cross.leftCols(p_);
      xty(b.fold) += cross.rightCols(n_targets_);
      yy(b.fold) += ys.colwise().squaredNorm().transpose();
    };
    if (b.contiguous) {
      add(X.middleRows(b.first, b.count), Y.middleRows(b.first, b.count));
    } else {
      x_rows = X(b.rows, Eigen::all);
      y_rows = Y(b.rows, Eigen::all);
      add(x_rows, y_rows);
    }
  }
}

std::vector<OlsFit> Moments::fit_all() const {
  std::vector<OlsFit> fits(static_cast<size_t>(n_targets_));
  for (int pattern = 0; pattern < n_patterns_; ++pattern) {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(p_, p_);
    for (int f = 0; f < n_folds_; ++f) a += xtx(f, pattern);
    const OlsSolver solver(a);
    for (int t = 0; t < n_targets_; ++t) {
      if (pattern_of_target_[static_cast<size_t>(t)] != pattern) continue;
      Eigen::VectorXd b = Eigen::VectorXd::Zero(p_);
      double c = 0;
      for (int f = 0; f < n_folds_; ++f) {
        b += xty(f).col(t);
        c += yy(f)(t);
      }
      fits[static_cast<size_t>(t)] = solver.solve(b, c);
    }
  }
  return fits;
}

std::vector<double> Moments::single_regressor_r2() const {
  const int k = p_ - 1;
  std::vector<double> r2(static_cast<size_t>(k) * static_cast<size_t>(n_targets_));
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(p_, n_targets_);
  Eigen::VectorXd c = Eigen::VectorXd::Zero(n_targets_);
  for (int f = 0; f < n_folds_; ++f) {
    b += xty(f);
    c += yy(f);
  }
  for (int pattern = 0; pattern < n_patterns_; ++pattern) {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(p_, p_);
    for (int f = 0; f < n_folds_; ++f) a += xtx(f, pattern);
    const double n = a(0, 0);
    for (int t = 0; t < n_targets_; ++t) {
      if (pattern_of_target_[static_cast<size_t>(t)] != pattern) continue;
      const double syy = c(t) - b(0, t) * b(0, t) / n;
      for (int j = 1; j <= k; ++j) {
        const double sxx = a(j, j) - a(0, j) * a(0, j) / n;
        const double sxy = b(j, t) - a(0, j) * b(0, t) / n;
        double value = std::numeric_limits<double>::quiet_NaN();
        if (n > 0 && syy > 0)
          value = sxx > kRankTolerance * a(j, j) ? sxy * sxy / (sxx * syy) : 0.0;
        r2[static_cast<size_t>(j - 1) * static_cast<size_t>(n_targets_) + t] = value;
      }
    }
  }
  return r2;
}

std::vector<Moments::FoldScore> Moments::fold_scores() const {
  std::vector<FoldScore> scores(static_cast<size_t>(n_folds_) * static_cast<size_t>(n_targets_));
  for (int pattern = 0; pattern < n_patterns_; ++pattern) {
    for (int test = 0; test < n_folds_; ++test) {
      if (!(xtx(test, pattern)(0, 0) > 0)) continue;
      Eigen::MatrixXd a = Eigen::MatrixXd::Zero(p_, p_);
      for (int f = 0; f < n_folds_; ++f)
        if (f != test) a += xtx(f, pattern);
      if (!(a(0, 0) > 0)) continue;  // nothing to train on
      const OlsSolver solver(a);
      for (int t = 0; t < n_targets_; ++t) {
        if (pattern_of_target_[static_cast<size_t>(t)] != pattern) continue;
        Eigen::VectorXd b = Eigen::VectorXd::Zero(p_);
        double c = 0;
        for (int f = 0; f < n_folds_; ++f) {
          if (f == test) continue;
          b += xty(f).col(t);
          c += yy(f)(t);
        }
        const OlsFit train = solver.solve(b, c);
        const HeldOut held = score_held_out(train, xtx(test, pattern), xty(test).col(t),
                                            yy(test)(t), b(0) / a(0, 0));
        FoldScore& score = scores[static_cast<size_t>(test) * static_cast<size_t>(n_targets_) + t];
        score.train_r2 = train.r2;
        score.sse = held.sse;
        score.sst = held.sst;
      }
    }
  }
  return scores;
}

std::vector<double> Moments::r2_cv_all() const {
  std::vector<double> sse(static_cast<size_t>(n_targets_), 0.0);
  std::vector<double> sst(static_cast<size_t>(n_targets_), 0.0);
  const std::vector<FoldScore> scores = fold_scores();
  for (size_t i = 0; i < scores.size(); ++i) {
    sse[i % sse.size()] += scores[i].sse;
    sst[i % sst.size()] += scores[i].sst;
  }
  std::vector<double> r2(static_cast<size_t>(n_targets_));
  for (size_t t = 0; t < r2.size(); ++t)
    r2[t] = sst[t] > 0 ? 1.0 - sse[t] / sst[t] : std::numeric_limits<double>::quiet_NaN();
  return r2;
}

void load_targets(const std::vector<double>& values_tp, const SentenceTable& sentences,
                  size_t s_begin, size_t s_end, int n_targets, Eigen::MatrixXd& y,
                  std::vector<uint8_t>& missing) {
  y.resize(sentences.pair_offset[s_end] - sentences.pair_offset[s_begin], n_targets);
  load_targets(values_tp, sentences, s_begin, s_end, n_targets, Eigen::Ref<Eigen::MatrixXd>(y),
               missing);
}

void load_targets(const std::vector<double>& values_tp, const SentenceTable& sentences,
                  size_t s_begin, size_t s_end, int n_targets, Eigen::Ref<Eigen::MatrixXd> y,
                  std::vector<uint8_t>& missing) {
  const size_t n_sent = sentences.size();
  const int64_t p0 = sentences.pair_offset[s_begin];
  const auto pairs = static_cast<Eigen::Index>(sentences.pair_offset[s_end] - p0);
  if (y.rows() != pairs || y.cols() != n_targets)
    throw std::logic_error("load_targets: the matrix is not pairs x targets");
  for (int t = 0; t < n_targets; ++t) {
    const double* row = values_tp.data() + static_cast<size_t>(t) * static_cast<size_t>(pairs);
    for (size_t s = s_begin; s < s_end; ++s) {
      const int64_t a = sentences.pair_offset[s] - p0, e = sentences.pair_offset[s + 1] - p0;
      bool gap = false;
      for (int64_t r = a; r < e; ++r) gap = gap || std::isnan(row[r]);
      if (gap) missing[static_cast<size_t>(t) * n_sent + s] = 1;
      for (int64_t r = a; r < e; ++r) y(r, t) = gap ? 0.0 : row[r];
    }
  }
}

}  // namespace lmgaze::analysis
