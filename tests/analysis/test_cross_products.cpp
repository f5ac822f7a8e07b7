// cross_products ([XᵀX XᵀY] through BLAS) against a plain loop in long
// double. Integer-valued columns make every sum exact in any order, so
// blocking, edges, strides and the mirrored symmetric block must match
// exactly; real-valued columns are checked within the rounding bound of a sum
// of `rows` terms.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/cross_products.hpp"

namespace lmgaze::analysis {
namespace {

using Index = Eigen::Index;
using Strided = Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;

// A rows × cols matrix inside storage with leading dimension rows + pad: the
// columns are not contiguous with each other, as in AlignedColumns.
struct Padded {
  Eigen::VectorXd storage;
  Strided view;
  Padded(Index rows, Index cols, Index pad, bool integers, unsigned seed)
      : storage((rows + pad) * cols), view(nullptr, 0, 0, Eigen::OuterStride<>(1)) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> small(-3, 3);
    std::uniform_real_distribution<double> real(-1.0, 1.0);
    for (Index i = 0; i < storage.size(); ++i) storage(i) = integers ? small(rng) : real(rng);
    new (&view) Strided(storage.data(), rows, cols, Eigen::OuterStride<>(rows + pad));
  }
};

void check(Index rows, Index p, Index t, bool integers) {
  const Padded x(rows, p, 3, integers, 7), y(rows, t, 5, integers, 11);
  Eigen::MatrixXd got = Eigen::MatrixXd::Constant(p + 2, p + t, std::nan(""));
  cross_products(x.view, y.view, got.topRows(p));  // out with its own stride (p + 2)
  const double unit = std::ldexp(1.0, -53);
  for (Index i = 0; i < p; ++i)
    for (Index j = 0; j < p + t; ++j) {
      long double exact = 0, magnitude = 0;
      for (Index r = 0; r < rows; ++r) {
        const long double term =
            static_cast<long double>(x.view(r, i)) * (j < p ? x.view(r, j) : y.view(r, j - p));
        exact += term;
        magnitude += std::fabs(term);
      }
      const double bound = integers ? 0.0 : 1.01 * static_cast<double>(rows) * unit * magnitude;
      ASSERT_NEAR(got(i, j), static_cast<double>(exact), bound)
          << "rows=" << rows << " p=" << p << " t=" << t << " (" << i << ", " << j << ")";
    }
  for (Index j = 0; j < p + t; ++j) {  // the rows below `out` are not written
    EXPECT_TRUE(std::isnan(got(p, j)));
    EXPECT_TRUE(std::isnan(got(p + 1, j)));
  }
}

TEST(CrossProducts, IntegerColumnsAreExact) {
  for (const Index rows : {1, 3, 9, 517, 2061})
    for (const auto& [p, t] : {std::pair<Index, Index>{1, 1}, {5, 0}, {7, 6}, {13, 11}})
      check(rows, p, t, /*integers=*/true);
}

TEST(CrossProducts, TheResemblanceShapeIsExact) {
  check(8093, 65, 56, /*integers=*/true);  // 64 heads and the intercept; 56 readers
}

TEST(CrossProducts, RealColumnsWithinTheRoundingBound) {
  check(3001, 9, 7, /*integers=*/false);
  check(1000, 6, 5, /*integers=*/false);
}

TEST(CrossProducts, XtXIsExactlySymmetric) {
  const Padded x(777, 11, 1, /*integers=*/false, 3), y(777, 2, 0, false, 4);
  Eigen::MatrixXd got(11, 13);
  cross_products(x.view, y.view, got);
  EXPECT_EQ(got.leftCols(11), got.leftCols(11).transpose());
}

TEST(CrossProducts, NoRowsGiveZeros) {
  const Eigen::MatrixXd x(0, 4), y(0, 3);
  Eigen::MatrixXd got = Eigen::MatrixXd::Constant(4, 7, 5.0);
  cross_products(x, y, got);
  EXPECT_EQ(got, Eigen::MatrixXd::Zero(4, 7));
}

TEST(CrossProducts, AlignedColumnsStartOn64Bytes) {
  AlignedColumns c(1001, 5);
  auto m = c.matrix();
  for (Index j = 0; j < 5; ++j)
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m.col(j).data()) % 64, 0u) << j;
}

}  // namespace
}  // namespace lmgaze::analysis
