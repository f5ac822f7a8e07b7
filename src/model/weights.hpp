// From checkpoint bytes to torch tensors, with the shape checked against config.json.
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "model/safetensors.hpp"

namespace lmgaze {

// Copies a tensor out of the mapping into a fresh tensor of options' dtype and
// device (F16/BF16 -> fp32 etc. is torch's conversion, exact for widening).
torch::Tensor to_tensor(const TensorView& view, const torch::TensorOptions& options);

// Loads `name` and checks its shape; a mismatch is an InputError naming the
// tensor, its file, and the expected and found shapes.
torch::Tensor load_weight(Checkpoint& ckpt, const std::string& name,
                          const std::vector<int64_t>& expected_shape,
                          const torch::TensorOptions& options);

}  // namespace lmgaze
