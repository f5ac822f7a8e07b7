// Host tensors for loaded weights, in memory the kernel may back with huge pages.
//
// A load writes every weight byte into memory the process has just allocated,
// so the first touch of each page (a page fault, the kernel zeroing it) is part
// of the load's cost; with 4 KiB pages it can cost more than the copy itself
// (bench/bench_load.cpp measures both). A big tensor's buffer is therefore mapped
// 2 MiB-aligned and advised MADV_HUGEPAGE: where transparent huge pages are
// enabled ("always" or "madvise"), one fault maps 2 MiB. Elsewhere it is an
// ordinary mapping.
#pragma once

#include <torch/types.h>

#include <vector>

namespace lmgaze {

// An uninitialised contiguous CPU tensor of `shape` and `dtype`; tensors of
// 16 MiB and more get a huge-page-advised mapping of their own, smaller ones
// come from torch's allocator.
torch::Tensor empty_host_tensor(const std::vector<int64_t>& shape, torch::Dtype dtype);

}  // namespace lmgaze
