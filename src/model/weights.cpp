#include "model/weights.hpp"

#include <cstring>

#include "common/error.hpp"

namespace lmgaze {

torch::Tensor to_tensor(const TensorView& view, const torch::TensorOptions& options) {
  torch::Dtype stored = torch::kFloat32;
  if (view.dtype == "F16")
    stored = torch::kFloat16;
  else if (view.dtype == "BF16")
    stored = torch::kBFloat16;
  else if (view.dtype != "F32")
    throw InputError(view.file, "tensor '" + view.name + "' has dtype " + view.dtype +
                                    "; lmgaze reads F32, F16 and BF16");
  // memcpy into an owned CPU tensor: the mapping carries no alignment promise
  // (the JSON header has any length), and the tensor must outlive the mapping.
  torch::Tensor raw = torch::empty(view.shape, torch::TensorOptions().dtype(stored));
  std::memcpy(raw.data_ptr(), view.data, view.nbytes);
  return raw.to(options.device(), options.dtype().toScalarType());
}

torch::Tensor load_weight(Checkpoint& ckpt, const std::string& name,
                          const std::vector<int64_t>& expected_shape,
                          const torch::TensorOptions& options) {
  TensorView view = ckpt.tensor(name);
  if (view.shape != expected_shape)
    throw InputError(view.file, "tensor '" + name + "' has shape " + format_shape(view.shape) +
                                    ", config.json implies " + format_shape(expected_shape));
  return to_tensor(view, options);
}

}  // namespace lmgaze
