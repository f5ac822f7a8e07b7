// The causal language model interface every architecture implements.
//
// Dimension letters, fixed once for all of src/model: B batch, T tokens,
// C channels (hidden size), NH query heads, NKV key/value heads, HS head size
// (C / NH), F MLP width, V vocabulary, L layers.
//
// The forward pass is cut into three calls so that a model too big for one GPU
// can be split into pipeline stages (consecutive layer ranges on different ranks):
//   stage 0:    hidden = embed(ids); hidden = run_layers(hidden, &att)
//   stage k:    hidden = run_layers(hidden, &att)
//   last stage: hidden = run_layers(hidden, &att); logits = head(hidden)
// A stage loads only the weights of its own layers (and the embedding / head
// when asked), so only the checkpoint shards holding them are mapped.
//
// Batches are right-padded: attention is causal, so a real token never attends
// to padding that comes after it, and no padding mask is needed. The outputs
// at padded positions are meaningless and the caller ignores them.
//
// All calls run without autograd. Weights are converted to LoadOptions::dtype at
// load time; the attention softmax and the logits are float32 (float64 for a
// float64 model: src/model/precision.hpp).
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "model/model_config.hpp"

namespace lmgaze {

class WeightSource;  // weights.hpp: a checkpoint and the loader of its tensors

struct LoadOptions {
  torch::Dtype dtype = torch::kFloat32;  // kFloat32, kFloat16, kBFloat16 or kFloat64
  torch::Device device = torch::kCPU;
  int first_layer = 0;
  int last_layer = -1;  // exclusive; -1 = all layers
  bool with_embedding = true;
  bool with_head = true;
  int read_threads = 0;  // threads reading a tensor from its file; 0: default_read_threads()
};

class CausalLM {
 public:
  virtual ~CausalLM() = default;

  const ModelConfig& config() const { return config_; }
  int first_layer() const { return first_layer_; }
  int last_layer() const { return last_layer_; }  // exclusive
  torch::Dtype dtype() const { return dtype_; }
  torch::Device device() const { return device_; }

  // ids [B, T] int64 -> hidden [B, T, C] (only on a stage loaded with the embedding).
  virtual torch::Tensor embed(const torch::Tensor& ids) = 0;
  // Runs the owned layers: hidden [B, T, C] -> [B, T, C]. When `attention` is
  // non-null, appends each layer's attention probabilities [B, NH, T, T] (float32; fp64 models:
  // float64).
  virtual torch::Tensor run_layers(torch::Tensor hidden, std::vector<torch::Tensor>* attention) = 0;
  // Final norm + lm_head: hidden [B, T, C] -> logits [B, T, V] float32 or float64 (only on a
  // stage loaded with the head).
  virtual torch::Tensor head(const torch::Tensor& hidden) = 0;

 protected:
  CausalLM(ModelConfig config, const LoadOptions& options)
      : config_(std::move(config)),
        first_layer_(options.first_layer),
        last_layer_(options.last_layer),
        dtype_(options.dtype),
        device_(options.device) {}

  ModelConfig config_;
  int first_layer_;
  int last_layer_;
  torch::Dtype dtype_;
  torch::Device device_;
};

// Reads model_dir/config.json and the layers of `options` from the checkpoint.
// Throws InputError naming the file for any defect of the checkpoint, a layer range
// outside the model, or a dtype/device this LibTorch cannot run (fp16 on CPU, say).
std::unique_ptr<CausalLM> load_causal_lm(const std::string& model_dir, const LoadOptions& options);
// The same from a checkpoint already open: the pieces of one pipeline stage
// share it, so that its files are opened and their headers read once.
std::unique_ptr<CausalLM> load_causal_lm(WeightSource& weights, const LoadOptions& options);

// nll[b, t] = -log p(ids[b, t+1] | ids[b, :t+1]) = logsumexp(logits[b, t]) -
// logits[b, t, ids[b, t+1]], in float32 (float64 for float64 logits).
// logits [B, T, V], ids [B, T] -> [B, T-1] float32/float64 on logits' device.
torch::Tensor next_token_nll(const torch::Tensor& logits, const torch::Tensor& ids);

}  // namespace lmgaze
