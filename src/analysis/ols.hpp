// Ordinary least squares with intercept, solved from moments (METHODS.md 5, 9).
//
// A regression y = a + X b + e over n points with k regressors needs only
//   xtx  (k+1)×(k+1)  [ n    Σxᵀ ]      (the intercept is column 0)
//                      [ Σx   XᵀX ]
//   xty  (k+1)        [ Σy ; Xᵀy ]
//   yy                 Σy²
// which add up over sentences, so partial moments from many ranks can simply
// be summed before solving.
//
// Solve: the moments are centred (Cxx = XᵀX − n x̄x̄ᵀ, Cxy = Xᵀy − n x̄ȳ,
// SST = Σy² − nȳ²), each regressor is scaled to unit centred norm, and the
// scaled normal matrix is solved with a rank-revealing complete orthogonal
// decomposition (minimum-norm solution). A regressor with (numerically) zero
// variance is dropped (coefficient 0); a direction whose pivot is below
// kRankTolerance of the largest is treated as collinear. Both lower `rank`,
// which is reported, and neither changes the fitted values, hence R².
// SSR = bᵀCxy, SSE = SST − SSR, R² = SSR / SST (in sample).
#pragma once

#include <Eigen/Dense>
#include <limits>
#include <vector>

namespace lmgaze::analysis {

inline constexpr double kRankTolerance = 1e-12;

struct OlsFit {
  double intercept = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd coef;                                  // k slopes (0 for dropped regressors)
  double n = 0;                                          // points
  double sst = 0;                                        // Σ (y − ȳ)²
  double sse = 0;                                        // Σ (y − ŷ)²
  double r2 = std::numeric_limits<double>::quiet_NaN();  // NaN when SST = 0 or n < 1
  int rank = 0;        // numerical rank of the centred design (≤ k)
  int regressors = 0;  // k
  bool rank_deficient() const { return rank < regressors; }
};

// Decomposes the regressor moments once; solve() then fits any target
// against them (many readers share one design).
class OlsSolver {
 public:
  // xtx: (k+1)×(k+1) symmetric, intercept first.
  explicit OlsSolver(const Eigen::Ref<const Eigen::MatrixXd>& xtx);
  // xty: k+1 (intercept first); yy: Σy².
  OlsFit solve(const Eigen::Ref<const Eigen::VectorXd>& xty, double yy) const;
  int rank() const { return rank_; }
  int regressors() const { return static_cast<int>(k_); }

 private:
  Eigen::Index k_ = 0;
  double n_ = 0;
  Eigen::VectorXd mean_x_;          // k
  std::vector<Eigen::Index> keep_;  // regressors with non-zero variance
  Eigen::VectorXd scale_;           // 1 / centred norm of each kept regressor
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod_;
  int rank_ = 0;
};

// One-off fit: OlsSolver(xtx).solve(xty, yy).
OlsFit ols_from_moments(const Eigen::Ref<const Eigen::MatrixXd>& xtx,
                        const Eigen::Ref<const Eigen::VectorXd>& xty, double yy);

// Squared error of a fitted line on other points (a test fold), from those
// points' moments (same layout as above), and their total sum of squares
// about `center` (the training mean of y). Centred about the test points'
// own means first, to keep cancellation small.
struct HeldOut {
  double sse = 0;
  double sst = 0;
  double n = 0;
};
HeldOut score_held_out(const OlsFit& fit, const Eigen::Ref<const Eigen::MatrixXd>& xtx,
                       const Eigen::Ref<const Eigen::VectorXd>& xty, double yy, double center);

}  // namespace lmgaze::analysis
