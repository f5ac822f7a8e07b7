#include "analysis/cross_products.hpp"

#include <cblas.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>

namespace lmgaze::analysis {

using Index = Eigen::Index;

void cross_products(const Eigen::Ref<const Eigen::MatrixXd>& X,
                    const Eigen::Ref<const Eigen::MatrixXd>& Y, Eigen::Ref<Eigen::MatrixXd> out) {
  const Index rows = X.rows(), p = X.cols(), t = Y.cols();
  if (Y.rows() != rows || out.rows() != p || out.cols() != p + t)
    throw std::logic_error("cross_products: shapes disagree");
  if (rows == 0 || p == 0) {  // BLAS refuses a leading dimension of 0
    out.setZero();
    return;
  }
  openblas_set_num_threads(1);
  const auto n = [](Index v) { return static_cast<blasint>(v); };
  // Lower triangle of XᵀX [p, p], then mirrored.
  cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, n(p), n(rows), 1.0, X.data(),
              n(X.outerStride()), 0.0, out.data(), n(out.outerStride()));
  auto xtx = out.leftCols(p);
  xtx.triangularView<Eigen::StrictlyUpper>() = xtx.transpose();
  // XᵀY [p, t] beside it.
  if (t > 0)
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n(p), n(t), n(rows), 1.0, X.data(),
                n(X.outerStride()), Y.data(), n(Y.outerStride()), 0.0,
                out.data() + p * out.outerStride(), n(out.outerStride()));
}

AlignedColumns::AlignedColumns(Index rows, Index cols)
    : rows_(rows),
      cols_(cols),
      stride_((rows + kAlignDoubles - 1) / kAlignDoubles * kAlignDoubles) {
  // Huge-page alignment (2 MiB) lets the kernel back the buffer with huge
  // pages; the size is rounded up to it, as aligned_alloc requires.
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t bytes = static_cast<size_t>(std::max<Index>(stride_ * cols, 1)) * sizeof(double);
  const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  auto* p = static_cast<double*>(std::aligned_alloc(kHugePage, rounded));
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without it, ordinary pages
#endif
  storage_.reset(p);
}

void AlignedColumns::Free::operator()(double* p) const { std::free(p); }

}  // namespace lmgaze::analysis
