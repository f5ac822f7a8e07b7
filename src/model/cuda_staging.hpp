// Checkpoint tensors to a GPU through a small ring of pinned host buffers.
//
// For each piece of a tensor (a buffer's worth; a tensor larger than a buffer
// goes in several): wait until the next buffer's previous copy has finished
// (its event), read the piece into it from the file on several threads
// (pread, parallel_chunks.hpp), then queue an asynchronous copy into the
// destination on a side stream and record the buffer's event. The host thus
// reads the next piece while the copies of the previous ones run, and every
// host byte is copied once (page cache -> pinned buffer) before the DMA. The
// current stream waits for a tensor's copies (an event, not the host) before
// anything uses it; a stored dtype other than the run dtype is converted on
// the GPU after the copy.
//
// Built with the c10 device-agnostic API only (c10::Event, c10::Stream,
// c10::impl::VirtualGuardImpl), so it compiles against a CPU-only LibTorch; it
// runs only on a CUDA device. Unmeasured until run on a GPU: bench_load
// --device cuda measures it.
#pragma once

#include <c10/core/Event.h>
#include <c10/core/Stream.h>
#include <torch/types.h>

#include <memory>
#include <vector>

#include "model/safetensors.hpp"

namespace lmgaze {

class CudaStaging {
 public:
  // Allocates the ring (kBuffers pinned buffers of buffer_bytes) for `device`.
  CudaStaging(torch::Device device, int n_threads, size_t buffer_bytes = kBufferBytes);
  // Waits for the copies in flight: the buffers are freed after them.
  ~CudaStaging();
  CudaStaging(const CudaStaging&) = delete;
  CudaStaging& operator=(const CudaStaging&) = delete;

  torch::Device device() const { return requested_; }
  // `view` ([shape] of `stored` in the file) -> [shape] of `dtype` on the device,
  // ready for any work queued afterwards on the device's current stream.
  torch::Tensor load(const TensorView& view, torch::Dtype stored, torch::Dtype dtype);

  // 4 x 64 MiB: a 7B layer's largest tensor (45 MB in bf16) fits one buffer,
  // and while one is read three copies can be in flight.
  static constexpr int kBuffers = 4;
  static constexpr size_t kBufferBytes = size_t(64) << 20;

 private:
  struct Buffer {
    torch::Tensor host;                        // [kBufferBytes] uint8, pinned
    c10::Event copied{c10::DeviceType::CUDA};  // recorded after its last copy
  };

  torch::Device requested_;  // as asked for (the index may be unset)
  torch::Device device_;     // with its index
  int n_threads_;
  size_t buffer_bytes_;
  c10::Stream side_;  // the copies' stream
  std::vector<std::unique_ptr<Buffer>> ring_;
  size_t next_ = 0;
};

}  // namespace lmgaze
