#include "model/host_memory.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace lmgaze {
namespace {

constexpr size_t kHugePage = size_t(2) << 20;
// Below this a tensor's last, partly used huge page would waste too large a share.
constexpr size_t kHugeTensor = size_t(16) << 20;

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

}  // namespace

torch::Tensor empty_host_tensor(const std::vector<int64_t>& shape, torch::Dtype dtype) {
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  const size_t nbytes = static_cast<size_t>(numel) * torch::elementSize(dtype);
  if (nbytes < kHugeTensor) return torch::empty(shape, torch::dtype(dtype));

  // One extra huge page so that the buffer can start on a 2 MiB boundary.
  const size_t length = round_up(nbytes, kHugePage) + kHugePage;
  void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(base);
  void* aligned = reinterpret_cast<void*>(round_up(start, kHugePage));
  // Advice only: where THP is off the call fails or is ignored, and the mapping
  // is an ordinary one.
  ::madvise(aligned, round_up(nbytes, kHugePage), MADV_HUGEPAGE);
  return torch::from_blob(
      aligned, shape, [base, length](void*) { ::munmap(base, length); }, torch::dtype(dtype));
}

}  // namespace lmgaze
