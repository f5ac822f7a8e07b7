#include "model/tensor_loader.hpp"

#include "common/error.hpp"
#include "model/cuda_staging.hpp"
#include "model/host_memory.hpp"
#include "model/parallel_chunks.hpp"

namespace lmgaze {
namespace {

// Conversions go a chunk of elements at a time through a staging buffer of
// at most this many stored bytes per thread.
constexpr size_t kConvertChunkBytes = size_t(4) << 20;

torch::Dtype stored_dtype(const TensorView& view) {
  if (view.dtype == "F32") return torch::kFloat32;
  if (view.dtype == "F16") return torch::kFloat16;
  if (view.dtype == "BF16") return torch::kBFloat16;
  throw InputError(view.file, "tensor '" + view.name + "' has dtype " + view.dtype +
                                  "; lmgaze reads F32, F16 and BF16");
}

}  // namespace

TensorLoader::TensorLoader(int n_threads)
    : n_threads_(n_threads > 0 ? n_threads : default_read_threads()), staging_(n_threads_) {}

TensorLoader::~TensorLoader() = default;

torch::Tensor TensorLoader::load(const TensorView& view, torch::Dtype dtype, torch::Device device) {
  const torch::Dtype stored = stored_dtype(view);
  prefetch_tensor_bytes(view);
  torch::Tensor t;
  if (device.is_cuda()) {
    if (!cuda_ || cuda_->device() != device)
      cuda_ = std::make_unique<CudaStaging>(device, n_threads_);
    t = cuda_->load(view, stored, dtype);
  } else {
    t = load_on_host(view, stored, dtype);
    if (!device.is_cpu()) t = t.to(device);
  }
  bytes_read_ += static_cast<int64_t>(view.nbytes);
  return t;
}

torch::Tensor TensorLoader::load_on_host(const TensorView& view, torch::Dtype stored,
                                         torch::Dtype dtype) {
  // A fresh buffer of the tensor's own: pread() has no alignment to respect, and
  // torch's kernels get the alignment they want, whatever the file's header length.
  torch::Tensor out = empty_host_tensor(view.shape, dtype);
  auto* out_bytes = static_cast<unsigned char*>(out.data_ptr());
  if (stored == dtype) {
    for_each_chunk(view.nbytes, kReadChunkBytes, n_threads_, [&](size_t begin, size_t end, int) {
      read_tensor_bytes(view, begin, end - begin, out_bytes + begin);
    });
    return out;
  }
  // Stored bytes of one chunk into the worker's staging buffer, then converted
  // into their place in `out`: [n] stored -> [n] dtype.
  const size_t in_size = torch::elementSize(stored), out_size = torch::elementSize(dtype);
  const size_t numel = view.nbytes / in_size;
  const size_t chunk = kConvertChunkBytes / in_size;
  for_each_chunk(numel, chunk, n_threads_, [&](size_t begin, size_t end, int worker) {
    std::vector<unsigned char>& staging = staging_[worker];
    const size_t n = end - begin;
    if (staging.size() < n * in_size) staging.resize(chunk * in_size);
    read_tensor_bytes(view, begin * in_size, n * in_size, staging.data());
    torch::NoGradGuard no_grad;
    torch::Tensor from = torch::from_blob(staging.data(), {int64_t(n)}, torch::dtype(stored));
    torch::Tensor to =
        torch::from_blob(out_bytes + begin * out_size, {int64_t(n)}, torch::dtype(dtype));
    to.copy_(from);
  });
  return out;
}

}  // namespace lmgaze
