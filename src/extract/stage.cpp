#include "extract/stage.hpp"

#include <stdexcept>

#include "model/weights.hpp"

namespace lmgaze {

StageModel::StageModel(const std::string& model_dir, const LoadOptions& options,
                       const StageSpec& spec)
    : spec_(spec), config_(read_model_config(model_dir)) {
  WeightSource weights(model_dir, options.read_threads);
  auto piece = [&](int first, int last, bool embedding, bool head) {
    LoadOptions o = options;
    o.first_layer = first;
    o.last_layer = last;
    o.with_embedding = embedding;
    o.with_head = head;
    std::unique_ptr<CausalLM> lm = load_causal_lm(weights, o);
    weights.checkpoint().release_buffers();
    return lm;
  };
  if (spec.embedding) {
    embedding_ = piece(spec.first_layer, spec.first_layer, true, spec.head);
    if (spec.head) head_ = embedding_.get();
  }
  for (int l = spec.first_layer; l < spec.last_layer; ++l)
    layers_.push_back(piece(l, l + 1, false, false));
  if (spec.head && !head_) {
    head_owned_ = piece(spec.last_layer, spec.last_layer, false, true);
    head_ = head_owned_.get();
  }
  bytes_read_ = weights.loader().bytes_read();
}

torch::Tensor StageModel::embed(const torch::Tensor& ids) {
  if (!embedding_) throw std::logic_error("embed() on a stage without the embedding");
  return embedding_->embed(ids);
}

torch::Tensor StageModel::run_layers(torch::Tensor hidden, std::vector<torch::Tensor>* attention) {
  for (auto& layer : layers_) hidden = layer->run_layers(std::move(hidden), attention);
  return hidden;
}

torch::Tensor StageModel::head(const torch::Tensor& hidden) {
  if (!head_) throw std::logic_error("head() on a stage without the head");
  return head_->head(hidden);
}

}  // namespace lmgaze
