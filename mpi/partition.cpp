#include "mpi/partition.hpp"

#include <algorithm>
#include <stdexcept>

namespace lmgaze::mpi {

Range balanced_range(size_t n, int parts, int index) {
  if (parts < 1 || index < 0 || index >= parts) throw std::invalid_argument("balanced_range");
  const size_t p = static_cast<size_t>(parts), i = static_cast<size_t>(index);
  const size_t base = n / p, extra = n % p;
  Range r;
  r.begin = i * base + std::min(i, extra);
  r.end = r.begin + base + (i < extra ? 1 : 0);
  return r;
}

Range weighted_range(const std::vector<int64_t>& offsets, int parts, int index) {
  if (parts < 1 || index < 0 || index >= parts || offsets.empty())
    throw std::invalid_argument("weighted_range");
  const size_t n = offsets.size() - 1;
  const int64_t total = offsets.back();
  if (total <= 0) return balanced_range(n, parts, index);
  // First item whose start offset is at or beyond the k-th cut, k = 0..parts.
  auto cut = [&](int k) -> size_t {
    if (k == 0) return 0;
    if (k == parts) return n;
    // ceil(k * total / parts) in integers (no overflow for any realistic corpus).
    const int64_t target = (static_cast<int64_t>(k) * total + parts - 1) / parts;
    auto it = std::lower_bound(offsets.begin(), offsets.end() - 1, target);
    return static_cast<size_t>(it - offsets.begin());
  };
  return Range{cut(index), cut(index + 1)};
}

}  // namespace lmgaze::mpi
