#include "model/weights.hpp"

#include "common/error.hpp"

namespace lmgaze {

WeightSource::WeightSource(std::string model_dir, int n_threads)
    : dir_(std::move(model_dir)), loader_(n_threads) {}

Checkpoint& WeightSource::checkpoint() {
  if (!checkpoint_) checkpoint_ = std::make_unique<Checkpoint>(dir_);
  return *checkpoint_;
}

torch::Tensor to_tensor(const TensorView& view, const torch::TensorOptions& options) {
  TensorLoader loader;
  return loader.load(view, options.dtype().toScalarType(), options.device());
}

torch::Tensor load_weight(WeightSource& weights, const std::string& name,
                          const std::vector<int64_t>& expected_shape,
                          const torch::TensorOptions& options) {
  TensorView view = weights.checkpoint().tensor(name);
  if (view.shape != expected_shape)
    throw InputError(view.file, "tensor '" + name + "' has shape " + format_shape(view.shape) +
                                    ", config.json implies " + format_shape(expected_shape));
  return weights.loader().load(view, options.dtype().toScalarType(), options.device());
}

}  // namespace lmgaze
