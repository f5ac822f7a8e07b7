// From checkpoint bytes to torch tensors, with the shape checked against config.json.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "model/safetensors.hpp"
#include "model/tensor_loader.hpp"

namespace lmgaze {

// A model directory's checkpoint and the loader that reads its tensors: one per
// load_causal_lm, or one for all the pieces of a pipeline stage, so that each
// weight file is opened and its header parsed once per stage.
class WeightSource {
 public:
  // n_threads: reading threads (TensorLoader); 0 picks the default.
  explicit WeightSource(std::string model_dir, int n_threads = 0);

  const std::string& dir() const { return dir_; }
  // Opened on first use (errors of the directory and its index surface then).
  Checkpoint& checkpoint();
  TensorLoader& loader() { return loader_; }

 private:
  std::string dir_;
  std::unique_ptr<Checkpoint> checkpoint_;
  TensorLoader loader_;
};

// Copies a tensor out of its file into a fresh tensor of options' dtype and
// device (F16/BF16 -> fp32 etc. is torch's conversion, exact for widening).
torch::Tensor to_tensor(const TensorView& view, const torch::TensorOptions& options);

// Loads `name` and checks its shape; a mismatch is an InputError naming the
// tensor, its file, and the expected and found shapes.
torch::Tensor load_weight(WeightSource& weights, const std::string& name,
                          const std::vector<int64_t>& expected_shape,
                          const torch::TensorOptions& options);

}  // namespace lmgaze
