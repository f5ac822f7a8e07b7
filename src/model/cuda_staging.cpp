#include "model/cuda_staging.hpp"

#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <thread>

#include "model/parallel_chunks.hpp"

namespace lmgaze {
namespace {

c10::impl::VirtualGuardImpl cuda() { return c10::impl::VirtualGuardImpl(c10::DeviceType::CUDA); }

torch::Device with_index(torch::Device d) {
  return d.has_index() ? d : torch::Device(d.type(), cuda().getDevice().index());
}

}  // namespace

CudaStaging::CudaStaging(torch::Device device, int n_threads, size_t buffer_bytes)
    : requested_(device),
      device_(with_index(device)),
      n_threads_(n_threads),
      buffer_bytes_(buffer_bytes),
      side_(cuda().getStreamFromGlobalPool(device_)) {
  for (int i = 0; i < kBuffers; ++i) {
    auto b = std::make_unique<Buffer>();
    b->host =
        torch::empty({int64_t(buffer_bytes_)}, torch::dtype(torch::kUInt8).pinned_memory(true));
    ring_.push_back(std::move(b));
  }
}

CudaStaging::~CudaStaging() {
  try {
    cuda().synchronizeStream(side_);
  } catch (...) {  // a destructor does not throw; a failed device fails the next call anyway
  }
}

torch::Tensor CudaStaging::load(const TensorView& view, torch::Dtype stored, torch::Dtype dtype) {
  const c10::Stream current = cuda().getStream(device_);
  torch::Tensor raw = torch::empty(view.shape, torch::dtype(stored).device(device_));
  // [nbytes] uint8 over the same memory: pieces are byte ranges.
  torch::Tensor raw_bytes = raw.view({-1}).view(torch::kUInt8);
  // `raw` may reuse memory freed from work still queued on the current stream:
  // the side stream starts its copies after that work.
  c10::Event allocated(c10::DeviceType::CUDA);
  allocated.record(current);
  allocated.block(side_);

  try {
    for (size_t offset = 0; offset < view.nbytes; offset += buffer_bytes_) {
      const size_t n = std::min(buffer_bytes_, view.nbytes - offset);
      Buffer& b = *ring_[next_];
      next_ = (next_ + 1) % ring_.size();
      while (!b.copied.query()) std::this_thread::yield();  // its previous copy is done
      auto* host = static_cast<unsigned char*>(b.host.data_ptr());
      for_each_chunk(n, kReadChunkBytes, n_threads_, [&](size_t begin, size_t end, int) {
        read_tensor_bytes(view, offset + begin, end - begin, host + begin);
      });
      {
        c10::StreamGuard on_side(side_);
        raw_bytes.narrow(0, int64_t(offset), int64_t(n))
            .copy_(b.host.narrow(0, 0, int64_t(n)), /*non_blocking=*/true);
      }
      b.copied.record(side_);
    }
  } catch (...) {
    // A failed read (a truncated file): `raw` is freed on the way out, so the
    // copies already queued into it must finish first.
    cuda().synchronizeStream(side_);
    throw;
  }
  c10::Event copied(c10::DeviceType::CUDA);
  copied.record(side_);
  copied.block(current);                         // the device waits, not the host
  return stored == dtype ? raw : raw.to(dtype);  // on the current stream, after the copies
}

}  // namespace lmgaze
