// C = Aᵀ B for tall, thin A and B whose columns are long contiguous runs of
// doubles: the cross-products of moments.hpp (regressors and targets over the
// word pairs of a corpus), which are most of the arithmetic of the
// resemblance analyses.
//
// Why not Eigen's product: the library is compiled for baseline x86-64 so it
// runs on any x86-64 processor, and there Eigen's product uses SSE2 only. This
// one product is compiled three times (AVX-512, AVX2 with FMA, baseline) and
// the widest the processor supports is chosen once, when first called (on
// processors other than x86-64 there is the baseline only). All
// sums are in double; each entry is a sum of lane-wise partial sums over
// blocks of rows, so its round-off differs from a sequential sum (and between
// instruction sets) only in the last bits.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

namespace lmgaze::analysis {

// c (a.size() × b.size(), column-major, leading dimension ldc) is set to
// c(i, j) = Σ_{r < rows} a[i][r] · b[j][r]. With `symmetric`, b[i] == a[i]
// for every i < a.size(), and that symmetric block is computed once and
// mirrored.
void column_products(const std::vector<const double*>& a, const std::vector<const double*>& b,
                     Eigen::Index rows, bool symmetric, double* c, Eigen::Index ldc);

// The same with one kernel by name ("avx512", "avx2" or "baseline"), so that
// tests reach every kernel the processor runs; std::invalid_argument for one
// it does not.
void column_products(const std::vector<const double*>& a, const std::vector<const double*>& b,
                     Eigen::Index rows, bool symmetric, double* c, Eigen::Index ldc,
                     const std::string& kernel);

// The kernels this processor runs, widest (the one chosen) first.
std::vector<std::string> column_products_kernels();

// A rows × cols matrix for column_products whose columns all start on a
// 64-byte boundary (leading dimension rounded up to 8 doubles): vector loads
// then never straddle two cache lines, which with an odd number of rows
// nearly all of them would. Its storage is not initialized, and on Linux it
// asks for transparent huge pages: megabytes of fresh memory then cost a few
// page faults instead of one per 4 KiB.
class AlignedColumns {
 public:
  using View = Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
  AlignedColumns(Eigen::Index rows, Eigen::Index cols);
  AlignedColumns(const AlignedColumns&) = delete;  // the view points into the storage
  AlignedColumns& operator=(const AlignedColumns&) = delete;
  View matrix() { return {storage_.get(), rows_, cols_, Eigen::OuterStride<>(stride_)}; }

 private:
  static constexpr Eigen::Index kAlignDoubles = 8;  // 64 bytes
  struct Free {
    void operator()(double* p) const;
  };
  Eigen::Index rows_, cols_, stride_;
  std::unique_ptr<double, Free> storage_;
};

}  // namespace lmgaze::analysis
