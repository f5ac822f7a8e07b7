// [XᵀX  XᵀY] for tall, thin X and Y: the cross-products of moments.hpp
// (regressors and targets over the word pairs of a corpus), which are most of
// the arithmetic of the resemblance analyses.
//
// Computed by the system's BLAS (OpenBLAS: dsyrk for XᵀX, dgemm for XᵀY),
// which picks the widest vector instructions of the processor it runs on, so
// the build stays portable. All in double; the round-off differs from a
// sequential sum only in the last bits (blocked, lane-wise partial sums).
#pragma once

#include <Eigen/Core>
#include <memory>

namespace lmgaze::analysis {

// out (p × (p + t)) = [XᵀX  XᵀY] for X (rows × p) and Y (rows × t), any outer
// strides. XᵀX is computed once per symmetric pair and mirrored, so it is
// exactly symmetric.
//
// Analyses run one MPI rank per core, so the product runs on one BLAS thread
// (OpenBLAS would otherwise start one per core in every rank): it sets the
// process's BLAS thread count to 1. The extraction sets its own count each
// time it starts (extract/extractor.cpp, use_threads).
void cross_products(const Eigen::Ref<const Eigen::MatrixXd>& X,
                    const Eigen::Ref<const Eigen::MatrixXd>& Y, Eigen::Ref<Eigen::MatrixXd> out);

// A rows × cols matrix whose columns all start on a 64-byte boundary
// (leading dimension rounded up to 8 doubles): vector loads then never
// straddle two cache lines, which with an odd number of rows nearly all of
// them would. Its storage is not initialized, and on Linux it asks for
// transparent huge pages: megabytes of fresh memory then cost a few page
// faults instead of one per 4 KiB.
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
