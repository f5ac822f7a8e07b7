// How work is split over ranks.
//
// Every split is into contiguous, ordered ranges, one per rank, decided from
// sizes alone, so every rank computes the same layout without talking to the
// others. Ranges may be empty (more ranks than items).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lmgaze::mpi {

struct Range {
  size_t begin = 0;
  size_t end = 0;  // one past the last item
  size_t size() const { return end - begin; }
  bool empty() const { return end == begin; }
};

// n items into `parts` ranges whose sizes differ by at most one; the first
// n % parts ranges get the extra item (numpy.array_split's rule).
Range balanced_range(size_t n, int parts, int index);

// Items with weights given as a prefix sum (offsets.size() = n + 1, offsets[0]
// = 0, non-decreasing, e.g. SentenceTable::pair_offset): range `index` holds
// the items whose start offset lies in [index, index + 1) * total / parts.
// Balances the total weight, keeps order, and is deterministic.
Range weighted_range(const std::vector<int64_t>& offsets, int parts, int index);

}  // namespace lmgaze::mpi
