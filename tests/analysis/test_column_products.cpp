// column_products (C = AᵀB over long columns) with every kernel this
// processor runs, against a plain loop. Integer-valued columns make every sum
// exact in any order, so tiling, edges, blocks of rows and the mirrored
// symmetric block must match exactly; real-valued columns are checked within
// the rounding bound of a sum of `rows` terms.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "analysis/column_products.hpp"

namespace lmgaze::analysis {
namespace {

struct Columns {
  std::vector<double> storage;
  std::vector<const double*> a, b;
};

// m columns of A; B = A's columns then n_extra more (symmetric), or n_extra
// columns of its own. Each column starts one double past the previous one's
// end, so most columns are not aligned to a vector.
Columns make_columns(int m, int n_extra, bool symmetric, Eigen::Index rows, bool integers) {
  const int total = m + n_extra;
  Columns c;
  c.storage.resize(static_cast<size_t>(total) * static_cast<size_t>(rows + 1));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(-3, 3);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  for (double& v : c.storage) v = integers ? small(rng) : real(rng);
  for (int j = 0; j < total; ++j) {
    const double* column = c.storage.data() + static_cast<size_t>(j) * (rows + 1) + 1;
    if (j < m) c.a.push_back(column);
    if (j >= m || symmetric) c.b.push_back(column);
  }
  return c;
}

// c(i, j) by a plain loop in long double, and Σ|terms| for the bound.
void reference(const Columns& c, Eigen::Index rows, Eigen::MatrixXd& exact,
               Eigen::MatrixXd& magnitude) {
  const auto m = static_cast<Eigen::Index>(c.a.size()), n = static_cast<Eigen::Index>(c.b.size());
  exact.resize(m, n);
  magnitude.resize(m, n);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      long double s = 0, t = 0;
      for (Eigen::Index r = 0; r < rows; ++r) {
        s += static_cast<long double>(c.a[i][r]) * c.b[j][r];
        t += std::fabs(c.a[i][r] * c.b[j][r]);
      }
      exact(i, j) = static_cast<double>(s);
      magnitude(i, j) = static_cast<double>(t);
    }
}

void check(int m, int n_extra, bool symmetric, Eigen::Index rows, bool integers) {
  const Columns c = make_columns(m, n_extra, symmetric, rows, integers);
  Eigen::MatrixXd exact, magnitude;
  reference(c, rows, exact, magnitude);
  const double unit = std::ldexp(1.0, -53);
  for (const std::string& kernel : column_products_kernels()) {
    Eigen::MatrixXd got =
        Eigen::MatrixXd::Constant(exact.rows() + 2, exact.cols(), std::nan(""));  // ldc > m
    column_products(c.a, c.b, rows, symmetric, got.data(), got.rows(), kernel);
    for (Eigen::Index i = 0; i < exact.rows(); ++i)
      for (Eigen::Index j = 0; j < exact.cols(); ++j) {
        const double bound = integers ? 0.0 : 1.01 * rows * unit * magnitude(i, j);
        ASSERT_NEAR(got(i, j), exact(i, j), bound)
            << kernel << " m=" << m << " n=" << exact.cols() << " rows=" << rows << " (" << i
            << ", " << j << ")";
      }
  }
}

TEST(ColumnProducts, BaselineIsAlwaysAvailable) {
  const auto kernels = column_products_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.back(), "baseline");
}

TEST(ColumnProducts, IntegerColumnsAreExactWithEveryKernel) {
  // Shapes that leave edges for every tile size (2, 3, 4 rows; 3, 4 columns),
  // row counts below one vector, inside one block and across several blocks.
  for (const Eigen::Index rows : {1, 3, 9, 517, 2061})
    for (const auto& [m, extra] : {std::pair{1, 1}, {5, 0}, {7, 6}, {13, 11}}) {
      check(m, extra, /*symmetric=*/true, rows, /*integers=*/true);
      check(m, extra + 2, /*symmetric=*/false, rows, /*integers=*/true);
    }
}

TEST(ColumnProducts, TheResemblanceShapeIsExact) {
  // 64 heads and the intercept against themselves and 56 readers.
  check(65, 56, /*symmetric=*/true, 8093, /*integers=*/true);
}

TEST(ColumnProducts, RealColumnsWithinTheRoundingBound) {
  check(9, 7, /*symmetric=*/true, 3001, /*integers=*/false);
  check(6, 5, /*symmetric=*/false, 1000, /*integers=*/false);
}

}  // namespace
}  // namespace lmgaze::analysis
