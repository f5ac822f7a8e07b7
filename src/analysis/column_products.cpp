#include "analysis/column_products.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace lmgaze::analysis {

namespace {

using Index = Eigen::Index;
using Columns = const double* const*;

// GCC vector types: one source, compiled to the registers of each target.
typedef double Lanes2 __attribute__((vector_size(16)));
typedef double Lanes4 __attribute__((vector_size(32)));
typedef double Lanes8 __attribute__((vector_size(64)));

// c(u, v) += Σ_{r in [r0, r0 + count)} a[u][r] · b[v][r] for an MI × NJ tile,
// its MI · NJ lane-wise sums held in registers. Always inlined, so each
// target's copy is compiled for that target's registers.
template <class V, int MI, int NJ>
__attribute__((always_inline)) inline void tile(Columns a, Columns b, Index r0, Index count,
                                                double* c, Index ldc) {
  constexpr int kLanes = sizeof(V) / sizeof(double);
  V sum[MI][NJ] = {};
  const Index vectorized = count / kLanes * kLanes;
  for (Index r = r0; r < r0 + vectorized; r += kLanes) {
    V x[MI];
    for (int u = 0; u < MI; ++u) std::memcpy(&x[u], a[u] + r, sizeof(V));  // unaligned loads
    for (int v = 0; v < NJ; ++v) {
      V y;
      std::memcpy(&y, b[v] + r, sizeof(V));
      for (int u = 0; u < MI; ++u) sum[u][v] += x[u] * y;
    }
  }
  for (int u = 0; u < MI; ++u)
    for (int v = 0; v < NJ; ++v) {
      double s = 0;
      for (int w = 0; w < kLanes; ++w) s += sum[u][v][w];
      for (Index r = r0 + vectorized; r < r0 + count; ++r) s += a[u][r] * b[v][r];
      c[v * ldc + u] += s;
    }
}

// Blocks of kBlockRows rows keep one tile row of A in the first-level cache
// while it meets every column of B; tiles wholly below the diagonal of the
// symmetric block are skipped (mirrored by the caller).
template <class V, int MI, int NJ, Index kBlockRows>
__attribute__((always_inline)) inline void product(Columns a, int m, Columns b, int n, Index rows,
                                                   int symmetric_cols, double* c, Index ldc) {
  for (Index r0 = 0; r0 < rows; r0 += kBlockRows) {
    const Index count = std::min(kBlockRows, rows - r0);
    for (int i = 0; i < m; i += MI) {
      const int mi = std::min(MI, m - i);
      for (int j = 0; j < n; j += NJ) {
        const int nj = std::min(NJ, n - j);
        if (j + nj <= i && j + nj <= symmetric_cols) continue;
        double* cij = c + j * ldc + i;
        if (mi == MI && nj == NJ) {
          tile<V, MI, NJ>(a + i, b + j, r0, count, cij, ldc);
          continue;
        }
        for (int u = 0; u < mi; ++u)  // edge of the matrix: one entry at a time
          for (int v = 0; v < nj; ++v)
            tile<V, 1, 1>(a + i + u, b + j + v, r0, count, cij + v * ldc + u, ldc);
      }
    }
  }
}

// Tile shapes: the most lane-wise sums that fit the registers with room for
// the loads (32 registers with AVX-512, 16 with AVX2 and SSE2).
#if defined(__x86_64__)
__attribute__((target("avx512f,avx512vl,avx2,fma"))) void product_avx512(
    Columns a, int m, Columns b, int n, Index rows, int symmetric_cols, double* c, Index ldc) {
  product<Lanes8, 4, 4, 512>(a, m, b, n, rows, symmetric_cols, c, ldc);
}

__attribute__((target("avx2,fma"))) void product_avx2(Columns a, int m, Columns b, int n,
                                                      Index rows, int symmetric_cols, double* c,
                                                      Index ldc) {
  product<Lanes4, 2, 4, 1024>(a, m, b, n, rows, symmetric_cols, c, ldc);
}
#endif

void product_baseline(Columns a, int m, Columns b, int n, Index rows, int symmetric_cols, double* c,
                      Index ldc) {
  product<Lanes2, 3, 3, 512>(a, m, b, n, rows, symmetric_cols, c, ldc);
}

using Product = void (*)(Columns, int, Columns, int, Index, int, double*, Index);

struct Kernel {
  const char* name;
  Product run;
};

// The kernels this processor runs, widest first.
const std::vector<Kernel>& supported_kernels() {
  static const std::vector<Kernel> supported = [] {
    std::vector<Kernel> k;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
      k.push_back({"avx512", product_avx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      k.push_back({"avx2", product_avx2});
#endif
    k.push_back({"baseline", product_baseline});
    return k;
  }();
  return supported;
}

void run(Product product, const std::vector<const double*>& a, const std::vector<const double*>& b,
         Index rows, bool symmetric, double* c, Index ldc) {
  const int m = static_cast<int>(a.size()), n = static_cast<int>(b.size());
  for (int j = 0; j < n; ++j) std::fill_n(c + j * ldc, m, 0.0);
  const int symmetric_cols = symmetric ? std::min(m, n) : 0;
  product(a.data(), m, b.data(), n, rows, symmetric_cols, c, ldc);
  for (int j = 0; j < symmetric_cols; ++j)
    for (int i = j + 1; i < m; ++i) c[j * ldc + i] = c[i * ldc + j];
}

}  // namespace

void column_products(const std::vector<const double*>& a, const std::vector<const double*>& b,
                     Index rows, bool symmetric, double* c, Index ldc) {
  run(supported_kernels().front().run, a, b, rows, symmetric, c, ldc);
}

void column_products(const std::vector<const double*>& a, const std::vector<const double*>& b,
                     Index rows, bool symmetric, double* c, Index ldc, const std::string& kernel) {
  for (const Kernel& k : supported_kernels())
    if (kernel == k.name) return run(k.run, a, b, rows, symmetric, c, ldc);
  throw std::invalid_argument("column_products: no kernel '" + kernel + "' on this processor");
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

std::vector<std::string> column_products_kernels() {
  std::vector<std::string> names;
  for (const Kernel& k : supported_kernels()) names.emplace_back(k.name);
  return names;
}

}  // namespace lmgaze::analysis
