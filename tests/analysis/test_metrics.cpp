// The metrics of src/analysis against values worked out independently:
// JS against closed forms, the trivial patterns by hand, OLS from moments
// against a direct Householder QR of the explicit design (tolerance 1e-9
// relative), rank-deficient designs, the CV definition and the noise ceiling
// by hand, and the rank layout helpers of mpi/.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/divergence.hpp"
#include "analysis/js.hpp"
#include "analysis/moments.hpp"
#include "analysis/noise_ceiling.hpp"
#include "analysis/ols.hpp"
#include "analysis/trivial_patterns.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"
#include "mpi/partition.hpp"

namespace lmgaze::analysis {
namespace {

constexpr double kRel = 1e-9;

void expect_rel(double expected, double actual, double rel = kRel) {
  EXPECT_NEAR(actual, expected, rel * std::max(1.0, std::fabs(expected))) << expected;
}

// ---- Jensen–Shannon ----------------------------------------------------

TEST(Js, DisjointIsLn2) {
  const double p[] = {1, 0}, q[] = {0, 1};
  expect_rel(std::log(2.0), js_divergence(p, q, 2), 1e-15);
}

TEST(Js, HalfHalfAgainstPoint) {
  // m = (3/4, 1/4): KL(p||m) = ½ ln(2/3) + ½ ln 2 = ½ ln(4/3); KL(q||m) = ln(4/3).
  const double p[] = {0.5, 0.5}, q[] = {1, 0};
  expect_rel(0.75 * std::log(4.0 / 3.0), js_divergence(p, q, 2), 1e-15);
}

TEST(Js, RowsAreNormalisedBySum) {
  const double p[] = {2, 2}, q[] = {3, 0};
  expect_rel(0.75 * std::log(4.0 / 3.0), js_divergence(p, q, 2), 1e-15);
  const double a[] = {0.1, 0.3, 0.2}, b[] = {0.2, 0.6, 0.4};
  EXPECT_EQ(js_divergence(a, b, 3), 0.0);
}

TEST(Js, ZeroRowHasNoValue) {
  const double p[] = {0, 0}, q[] = {1, 0};
  EXPECT_TRUE(std::isnan(js_divergence(p, q, 2)));
}

TEST(Js, SentenceMeanOverRowsSkipsZeroRows) {
  // Two words, tril (0,0), (1,0), (1,1): row 0 identical (JS 0), row 1 disjoint (ln 2).
  const double x[] = {0.7, 1, 0}, y[] = {0.2, 0, 1};
  SentenceJs v = js_divergence_rows(x, y, 2);
  expect_rel(std::log(2.0) / 2, v.mean, 1e-15);
  EXPECT_EQ(v.rows_used, 2);
  const double xz[] = {0, 1, 0};
  v = js_divergence_rows(xz, y, 2);
  expect_rel(std::log(2.0), v.mean, 1e-15);
  EXPECT_EQ(v.rows_skipped, 1);
}

TEST(Js, LayerPartsFollowArraySplit) {
  using P = std::pair<int, int>;
  EXPECT_EQ(layer_parts(32, 4), (std::vector<P>{{0, 8}, {8, 16}, {16, 24}, {24, 32}}));
  EXPECT_EQ(layer_parts(7, 4), (std::vector<P>{{0, 2}, {2, 4}, {4, 6}, {6, 7}}));
  EXPECT_EQ(layer_parts(10, 4), (std::vector<P>{{0, 3}, {3, 6}, {6, 8}, {8, 10}}));
}

// ---- Trivial patterns --------------------------------------------------

TEST(TrivialPatterns, ByHand) {
  // Sentence of 1 word: (0,0). Sentence of 3 words: (0,0) (1,0) (1,1) (2,0) (2,1) (2,2).
  const std::vector<double> p = trivial_patterns({1, 3});
  const std::vector<double> first = {1, 1, 1, 0, 1, 0, 0};
  const std::vector<double> self = {1, 1, 0, 1, 0, 0, 1};
  const std::vector<double> prev = {0, 0, 1, 0, 0, 1, 0};
  ASSERT_EQ(p.size(), 21u);
  EXPECT_EQ(std::vector<double>(p.begin(), p.begin() + 7), first);
  EXPECT_EQ(std::vector<double>(p.begin() + 7, p.begin() + 14), self);
  EXPECT_EQ(std::vector<double>(p.begin() + 14, p.end()), prev);
}

// ---- OLS from moments --------------------------------------------------

struct Direct {
  Eigen::VectorXd beta;  // intercept first
  double r2;
};

// Householder QR of the explicit design [1 X].
Direct direct_ols(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  Eigen::MatrixXd d(x.rows(), x.cols() + 1);
  d.col(0).setOnes();
  d.rightCols(x.cols()) = x;
  Direct out;
  out.beta = d.householderQr().solve(y);
  const double sse = (y - d * out.beta).squaredNorm();
  const double sst = (y.array() - y.mean()).matrix().squaredNorm();
  out.r2 = 1 - sse / sst;
  return out;
}

// Moments of [1 X], y, added in chunks as ranks would.
void moments_of(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Eigen::MatrixXd& xtx,
                Eigen::VectorXd& xty, double& yy) {
  const Eigen::Index k = x.cols();
  xtx = Eigen::MatrixXd::Zero(k + 1, k + 1);
  xty = Eigen::VectorXd::Zero(k + 1);
  yy = 0;
  for (Eigen::Index at = 0; at < x.rows(); at += 37) {
    const Eigen::Index n = std::min<Eigen::Index>(37, x.rows() - at);
    Eigen::MatrixXd d(n, k + 1);
    d.col(0).setOnes();
    d.rightCols(k) = x.middleRows(at, n);
    xtx += d.transpose() * d;
    xty += d.transpose() * y.segment(at, n);
    yy += y.segment(at, n).squaredNorm();
  }
}

TEST(Ols, MomentsMatchDirectQr) {
  std::mt19937 rng(7);
  std::normal_distribution<double> z;
  for (int k : {1, 3, 12}) {
    const int n = 500;
    Eigen::MatrixXd x(n, k);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < k; ++j) x(i, j) = 0.3 + 0.1 * z(rng) + (j == 1 ? 0.05 * x(i, 0) : 0);
      y(i) = 2.0 + 0.7 * x(i, 0) + z(rng);
    }
    Eigen::MatrixXd xtx;
    Eigen::VectorXd xty;
    double yy;
    moments_of(x, y, xtx, xty, yy);
    const OlsFit fit = ols_from_moments(xtx, xty, yy);
    const Direct d = direct_ols(x, y);
    expect_rel(d.r2, fit.r2);
    expect_rel(d.beta(0), fit.intercept);
    for (int j = 0; j < k; ++j) expect_rel(d.beta(j + 1), fit.coef(j));
    EXPECT_EQ(fit.rank, k);
    EXPECT_FALSE(fit.rank_deficient());
    EXPECT_EQ(fit.n, n);
  }
}

TEST(Ols, RankDeficientDesignIsReportedAndKeepsR2) {
  std::mt19937 rng(11);
  std::normal_distribution<double> z;
  const int n = 300;
  Eigen::MatrixXd x(n, 4), x_ok(n, 2);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    x_ok(i, 0) = z(rng);
    x_ok(i, 1) = z(rng);
    x.row(i) << x_ok(i, 0), x_ok(i, 1), x_ok(i, 0), 5.0;  // duplicate head, constant head
    y(i) = 1 + x_ok(i, 0) - 0.5 * x_ok(i, 1) + z(rng);
  }
  Eigen::MatrixXd xtx;
  Eigen::VectorXd xty;
  double yy;
  moments_of(x, y, xtx, xty, yy);
  const OlsFit fit = ols_from_moments(xtx, xty, yy);
  EXPECT_EQ(fit.rank, 2);
  EXPECT_TRUE(fit.rank_deficient());
  EXPECT_EQ(fit.coef(3), 0.0);  // the constant column
  const Direct d = direct_ols(x_ok, y);
  expect_rel(d.r2, fit.r2);
  expect_rel(d.beta(0), fit.intercept);
  // The duplicated column's weight is shared (minimum norm), the sum is the weight.
  expect_rel(d.beta(1), fit.coef(0) + fit.coef(2));
  expect_rel(fit.coef(0), fit.coef(2));
  for (int j = 0; j < 4; ++j) EXPECT_TRUE(std::isfinite(fit.coef(j)));
}

TEST(Ols, ConstantTargetHasNoR2) {
  Eigen::MatrixXd x(5, 1);
  x << 1, 2, 3, 4, 5;
  Eigen::VectorXd y = Eigen::VectorXd::Constant(5, 2.0);
  Eigen::MatrixXd xtx;
  Eigen::VectorXd xty;
  double yy;
  moments_of(x, y, xtx, xty, yy);
  EXPECT_TRUE(std::isnan(ols_from_moments(xtx, xty, yy).r2));
}

// ---- Moments with missing sentences and folds --------------------------

// Sums two "ranks" (sentence ranges) of moments, as MPI_Reduce does.
Moments two_rank_moments(const SentenceTable& t, int folds, int n_targets, int k,
                         const std::vector<uint8_t>& missing, const Eigen::MatrixXd& x_all,
                         const Eigen::MatrixXd& y_all, size_t split) {
  std::vector<double> total;
  std::unique_ptr<Moments> first;
  for (auto [b, e] : {std::pair<size_t, size_t>{0, split}, {split, t.size()}}) {
    MomentPlan plan(t, b, e, folds, n_targets, missing);
    Moments m(k, plan);
    const auto p0 = static_cast<Eigen::Index>(t.pair_offset[b]);
    const auto np = static_cast<Eigen::Index>(t.pair_offset[e] - t.pair_offset[b]);
    Eigen::MatrixXd x(np, k + 1);
    x.col(0).setOnes();
    x.rightCols(k) = x_all.middleRows(p0, np);
    Eigen::MatrixXd y = y_all.middleRows(p0, np);
    for (int tg = 0; tg < n_targets; ++tg)
      for (size_t s = b; s < e; ++s)
        if (missing[static_cast<size_t>(tg) * t.size() + s])
          for (int64_t r = t.pair_offset[s]; r < t.pair_offset[s + 1]; ++r) y(r - p0, tg) = 0;
    m.accumulate(plan, x, y);
    if (total.empty()) total.assign(m.data().size(), 0.0);
    for (size_t i = 0; i < total.size(); ++i) total[i] += m.data()[i];
    if (!first) first = std::make_unique<Moments>(m);
  }
  first->data() = total;
  return *first;
}

TEST(Moments, MissingPatternsMatchPerTargetQr) {
  const SentenceTable t = testing::make_table({3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5});
  const int k = 3, n_targets = 5;
  const auto pairs = static_cast<Eigen::Index>(t.n_pairs());
  std::mt19937 rng(3);
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(pairs, k), y(pairs, n_targets);
  for (Eigen::Index i = 0; i < pairs; ++i) {
    for (int j = 0; j < k; ++j) x(i, j) = z(rng);
    for (int tg = 0; tg < n_targets; ++tg) y(i, tg) = 0.5 * x(i, tg % k) + z(rng);
  }
  std::vector<uint8_t> missing(n_targets * t.size(), 0);
  missing[1 * t.size() + 2] = missing[1 * t.size() + 7] = 1;  // target 1 lacks 2, 7
  missing[3 * t.size() + 2] = missing[3 * t.size() + 7] = 1;  // target 3: same pattern
  missing[4 * t.size() + 0] = 1;                              // target 4 lacks 0
  const Moments m = two_rank_moments(t, 1, n_targets, k, missing, x, y, 5);
  const std::vector<OlsFit> fits = m.fit_all();
  for (int tg = 0; tg < n_targets; ++tg) {
    std::vector<Eigen::Index> rows;
    for (size_t s = 0; s < t.size(); ++s)
      if (!missing[static_cast<size_t>(tg) * t.size() + s])
        for (int64_t r = t.pair_offset[s]; r < t.pair_offset[s + 1]; ++r) rows.push_back(r);
    const Direct d = direct_ols(x(rows, Eigen::all), y(rows, tg));
    expect_rel(d.r2, fits[tg].r2);
    expect_rel(d.beta(0), fits[tg].intercept);
    for (int j = 0; j < k; ++j) expect_rel(d.beta(j + 1), fits[tg].coef(j));
    EXPECT_EQ(fits[tg].n, static_cast<double>(rows.size()));
  }
}

// R²_cv computed the slow way: refit on explicit training rows for each fold.
double direct_cv(const SentenceTable& t, int folds, const Eigen::MatrixXd& x,
                 const Eigen::VectorXd& y) {
  double sse = 0, sst = 0;
  for (int f = 0; f < folds; ++f) {
    std::vector<Eigen::Index> train, test;
    for (size_t s = 0; s < t.size(); ++s)
      for (int64_t r = t.pair_offset[s]; r < t.pair_offset[s + 1]; ++r)
        (static_cast<int>(s) % folds == f ? test : train).push_back(r);
    const Direct d = direct_ols(x(train, Eigen::all), y(train));
    const double mean_train = y(train).mean();
    for (Eigen::Index r : test) {
      const double pred = d.beta(0) + x.row(r).dot(d.beta.tail(x.cols()));
      sse += (y(r) - pred) * (y(r) - pred);
      sst += (y(r) - mean_train) * (y(r) - mean_train);
    }
  }
  return 1 - sse / sst;
}

TEST(Moments, CrossValidationByHand) {
  // Three one-word sentences, one point each, folds s mod 3: points (x, y) =
  // (0,0), (1,1), (2,3). Fold 0: line through (1,1),(2,3) predicts -1 (SSE 1),
  // training mean 2 (SST 4); fold 1: line y = 1.5x predicts 1.5 (0.25), mean 1.5
  // (0.25); fold 2: line y = x predicts 2 (1), mean 0.5 (6.25).
  // R²_cv = 1 - 2.25 / 10.5 = 11/14.
  const SentenceTable t = testing::make_table({1, 1, 1});
  Eigen::MatrixXd x(3, 1), y(3, 1);
  x << 0, 1, 2;
  y << 0, 1, 3;
  const Moments m = two_rank_moments(t, 3, 1, 1, std::vector<uint8_t>(3, 0), x, y, 1);
  expect_rel(11.0 / 14.0, m.r2_cv_all()[0], 1e-12);
  expect_rel(direct_cv(t, 3, x, y.col(0)), 11.0 / 14.0, 1e-12);
}

TEST(Moments, CrossValidationMatchesRefitting) {
  const SentenceTable t = testing::make_table({3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5, 4, 8});
  const int k = 4;
  const auto pairs = static_cast<Eigen::Index>(t.n_pairs());
  std::mt19937 rng(5);
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(pairs, k), y(pairs, 2);
  for (Eigen::Index i = 0; i < pairs; ++i) {
    for (int j = 0; j < k; ++j) x(i, j) = z(rng);
    y(i, 0) = x(i, 0) - x(i, 2) + 2 * z(rng);
    y(i, 1) = z(rng);
  }
  for (int folds : {2, 4, 13}) {
    const Moments m =
        two_rank_moments(t, folds, 2, k, std::vector<uint8_t>(2 * t.size(), 0), x, y, 6);
    const std::vector<double> cv = m.r2_cv_all();
    for (int tg = 0; tg < 2; ++tg) expect_rel(direct_cv(t, folds, x, y.col(tg)), cv[tg]);
    EXPECT_LT(cv[1], m.fit_all()[1].r2);  // noise: out-of-sample below in-sample
  }
}

// ---- Noise ceiling -----------------------------------------------------

double pearson_r2(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab * sab / (saa * sbb);
}

TEST(NoiseCeiling, ThreeReadersByHand) {
  // Sentence 0 (2 words: pairs (0,0) (1,0) (1,1)), sentence 1 (1 word).
  // Reader 3 has no data for sentence 1.
  const SentenceTable t = testing::make_table({2, 1});
  const double nan = std::nan("");
  // Readers' values, [reader][pair], split by sentence as two ranks would read them.
  const std::vector<double> v = {1, 0, 2,  //
                                 0, 1, 1,  //
                                 2, 0, 0};
  // Group means: sentence 0 (1, 1/3, 1); sentence 1 over readers 1, 2: 2.
  const std::vector<double> mean = {1, 1.0 / 3, 1, 2};
  std::vector<double> m(3 * kCeilingMoments, 0.0);
  accumulate_noise_ceiling(v, 3, t, 0, 1, false, m);  // two "ranks"
  accumulate_noise_ceiling(std::vector<double>{1, 3, nan}, 3, t, 1, 2, false, m);
  std::vector<OlsFit> fits = noise_ceiling_fits(m, 3);
  expect_rel(pearson_r2({1, 0, 2, 1}, mean), fits[0].r2, 1e-12);
  expect_rel(pearson_r2({0, 1, 1, 3}, mean), fits[1].r2, 1e-12);
  expect_rel(pearson_r2({2, 0, 0}, {1, 1.0 / 3, 1}), fits[2].r2, 1e-12);
  EXPECT_EQ(fits[2].n, 3);
  // Leave-one-out: reader 1 against the mean of readers 2 and 3, etc.; in
  // sentence 1 reader 1's mean is reader 2 alone.
  std::fill(m.begin(), m.end(), 0.0);
  accumulate_noise_ceiling(v, 3, t, 0, 1, true, m);
  accumulate_noise_ceiling(std::vector<double>{1, 3, nan}, 3, t, 1, 2, true, m);
  fits = noise_ceiling_fits(m, 3);
  expect_rel(pearson_r2({1, 0, 2, 1}, {1, 0.5, 0.5, 3}), fits[0].r2, 1e-12);
  expect_rel(pearson_r2({0, 1, 1, 3}, {1.5, 0, 1, 1}), fits[1].r2, 1e-12);
  expect_rel(pearson_r2({2, 0, 0}, {0.5, 0.5, 1.5}), fits[2].r2, 1e-12);
}

// ---- Rank layout -------------------------------------------------------

TEST(Partition, BalancedRangesTileInOrder) {
  for (size_t n : {0, 1, 5, 13, 148})
    for (int parts : {1, 2, 3, 4, 7}) {
      size_t at = 0;
      for (int i = 0; i < parts; ++i) {
        const mpi::Range r = mpi::balanced_range(n, parts, i);
        EXPECT_EQ(r.begin, at);
        EXPECT_LE(r.size(), n / parts + 1);
        EXPECT_GE(r.size(), n / parts);
        at = r.end;
      }
      EXPECT_EQ(at, n);
    }
}

TEST(Partition, WeightedRangesTileAndBalancePairs) {
  const SentenceTable t = testing::make_table({3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5, 16, 2});
  for (int parts : {1, 2, 3, 4, 20}) {
    size_t at = 0;
    for (int i = 0; i < parts; ++i) {
      const mpi::Range r = mpi::weighted_range(t.pair_offset, parts, i);
      EXPECT_EQ(r.begin, at);
      at = r.end;
    }
    EXPECT_EQ(at, t.size());
  }
  // Two parts of 13 sentences: the cut is at the first sentence starting at or
  // beyond half of the pairs.
  const mpi::Range first = mpi::weighted_range(t.pair_offset, 2, 0);
  EXPECT_GE(t.pair_offset[first.end], t.n_pairs() / 2);
  EXPECT_LT(t.pair_offset[first.end - 1], t.n_pairs() / 2);
}

}  // namespace
}  // namespace lmgaze::analysis
