#include "analysis/received_attention.hpp"

#include "common/tril.hpp"

namespace lmgaze::analysis {

void received_attention(const float* tril, int n, double* out) {
  for (int j = 0; j < n; ++j) out[j] = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) out[j] += static_cast<double>(tril[tril_index(i, j)]);
  for (int j = 0; j < n; ++j) out[j] /= static_cast<double>(n - j);
}

}  // namespace lmgaze::analysis
