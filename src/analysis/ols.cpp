#include "analysis/ols.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lmgaze::analysis {
namespace {

// Relative size below which a centred sum of squares counts as zero: the
// rounding left over from Σx² − n x̄² in double precision.
constexpr double kZeroVariance = 1e-13;

}  // namespace

OlsSolver::OlsSolver(const Eigen::Ref<const Eigen::MatrixXd>& xtx) : k_(xtx.rows() - 1) {
  n_ = xtx(0, 0);
  mean_x_ = Eigen::VectorXd::Zero(k_);
  if (!(n_ > 0)) return;
  mean_x_ = xtx.col(0).tail(k_) / n_;
  const Eigen::MatrixXd cxx = xtx.bottomRightCorner(k_, k_) - n_ * mean_x_ * mean_x_.transpose();
  // Keep the regressors that vary; scale them to unit centred norm.
  for (Eigen::Index j = 0; j < k_; ++j)
    if (cxx(j, j) > 0 && cxx(j, j) > kZeroVariance * xtx(j + 1, j + 1)) keep_.push_back(j);
  const auto m = static_cast<Eigen::Index>(keep_.size());
  if (m == 0) return;
  scale_.resize(m);
  for (Eigen::Index u = 0; u < m; ++u) scale_(u) = 1.0 / std::sqrt(cxx(keep_[u], keep_[u]));
  Eigen::MatrixXd a(m, m);
  for (Eigen::Index v = 0; v < m; ++v)
    for (Eigen::Index u = 0; u < m; ++u) a(u, v) = cxx(keep_[u], keep_[v]) * scale_(u) * scale_(v);
  cod_.setThreshold(kRankTolerance);
  cod_.compute(a);
  rank_ = static_cast<int>(cod_.rank());
}

OlsFit OlsSolver::solve(const Eigen::Ref<const Eigen::VectorXd>& xty, double yy) const {
  OlsFit fit;
  fit.regressors = static_cast<int>(k_);
  fit.rank = rank_;
  fit.coef = Eigen::VectorXd::Zero(k_);
  fit.n = n_;
  if (!(n_ > 0)) return fit;
  const double mean_y = xty(0) / n_;
  fit.sst = std::max(0.0, yy - n_ * mean_y * mean_y);
  if (fit.sst <= kZeroVariance * yy) fit.sst = 0;
  double ssr = 0;
  const auto m = static_cast<Eigen::Index>(keep_.size());
  if (m > 0) {
    Eigen::VectorXd rhs(m);  // scaled centred Xᵀy
    for (Eigen::Index u = 0; u < m; ++u)
      rhs(u) = (xty(keep_[u] + 1) - n_ * mean_x_(keep_[u]) * mean_y) * scale_(u);
    const Eigen::VectorXd beta = cod_.solve(rhs);
    ssr = beta.dot(rhs);
    for (Eigen::Index u = 0; u < m; ++u) fit.coef(keep_[u]) = beta(u) * scale_(u);
  }
  fit.intercept = mean_y - mean_x_.dot(fit.coef);
  ssr = std::min(std::max(ssr, 0.0), fit.sst);
  fit.sse = fit.sst - ssr;
  if (fit.sst > 0) fit.r2 = ssr / fit.sst;
  return fit;
}

OlsFit ols_from_moments(const Eigen::Ref<const Eigen::MatrixXd>& xtx,
                        const Eigen::Ref<const Eigen::VectorXd>& xty, double yy) {
  return OlsSolver(xtx).solve(xty, yy);
}

HeldOut score_held_out(const OlsFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& xtx,
                       const Eigen::Ref<const Eigen::VectorXd>& xty, double yy, double center) {
  HeldOut out;
  out.n = xtx(0, 0);
  if (!(out.n > 0)) return out;
  const Eigen::Index k = xtx.rows() - 1;
  const double n = out.n;
  const Eigen::VectorXd mean_x = xtx.col(0).tail(k) / n;
  const double mean_y = xty(0) / n;
  const Eigen::MatrixXd cxx = xtx.bottomRightCorner(k, k) - n * mean_x * mean_x.transpose();
  const Eigen::VectorXd cxy = xty.tail(k) - n * mean_x * mean_y;
  const double cyy = std::max(0.0, yy - n * mean_y * mean_y);
  const Eigen::VectorXd& b = fit.coef;
  // Residual e = (y − ȳ) − (x − x̄)ᵀb + d with d = ȳ − a − x̄ᵀb (the fold's mean offset).
  const double d = mean_y - fit.intercept - mean_x.dot(b);
  out.sse = std::max(0.0, cyy - 2 * b.dot(cxy) + b.dot(cxx * b)) + n * d * d;
  out.sst = cyy + n * (mean_y - center) * (mean_y - center);
  return out;
}

}  // namespace lmgaze::analysis
