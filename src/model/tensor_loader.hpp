// From a checkpoint tensor's stored bytes to a tensor of the run dtype on the
// run device, with one copy of each byte on the host.
//
// CPU: the bytes are read with pread() straight into the destination tensor
// when the stored dtype is the run dtype; otherwise a chunk at a time into a
// small per-thread staging buffer and converted from there into the destination
// in one pass (torch's copy_, the conversion .to() does). Big tensors are read
// in chunks from several threads at once, so that several reads are in flight.
// CUDA: cuda_staging.hpp (pinned staging buffers, asynchronous copies).
//
// What this is not: it does not find tensors or check their shapes (weights.hpp
// does), and it keeps nothing of a tensor once it is returned.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "model/safetensors.hpp"

namespace lmgaze {

class CudaStaging;

class TensorLoader {
 public:
  // n_threads: reading threads per tensor; 0 picks default_read_threads().
  explicit TensorLoader(int n_threads = 0);
  ~TensorLoader();
  TensorLoader(const TensorLoader&) = delete;
  TensorLoader& operator=(const TensorLoader&) = delete;

  // The tensor `view` describes, as a contiguous tensor of `dtype` on `device`,
  // its values converted as torch converts (exact when widening). Throws
  // InputError naming the file when the stored dtype is not F32, F16 or BF16.
  torch::Tensor load(const TensorView& view, torch::Dtype dtype, torch::Device device);

  // Stored bytes of every tensor loaded so far.
  int64_t bytes_read() const { return bytes_read_; }
  int n_threads() const { return n_threads_; }

 private:
  torch::Tensor load_on_host(const TensorView& view, torch::Dtype stored, torch::Dtype dtype);

  int n_threads_;
  int64_t bytes_read_ = 0;
  std::vector<std::vector<unsigned char>> staging_;  // per worker: stored bytes to convert
  std::unique_ptr<CudaStaging> cuda_;                // made on the first CUDA load
};

}  // namespace lmgaze
