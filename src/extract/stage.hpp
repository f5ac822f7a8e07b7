// One pipeline stage of a causal LM: layers [first, last) of a checkpoint, with
// the embedding when it is the first stage and the final norm + lm_head when it
// is the last (METHODS.md 9). A single-rank run is one stage holding everything.
//
// What this is not: it does not choose the layer ranges (mpi/layout.hpp does)
// and it does not move tensors between ranks (hidden_link.hpp does).
//
// The stage is loaded one piece at a time: the embedding (with the head, when
// the same stage holds both, so a tied lm_head shares its tensor), then one
// CausalLM per layer, then the head. The pieces share one open checkpoint, so
// each weight file is opened and its header parsed once per stage. Tensors are
// read with pread() into their own buffers (tensor_loader.hpp), never through
// the files' mappings, so no file page becomes resident in the process; what a
// .bin file holds in memory is dropped after each piece. The stage's peak RSS
// thus stays near its share of the weights instead of twice it.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "model/causal_lm.hpp"

namespace lmgaze {

struct StageSpec {
  int first_layer = 0;
  int last_layer = 0;  // exclusive
  bool embedding = false;
  bool head = false;
};

class StageModel {
 public:
  // options.dtype and options.device apply to every piece; its layer range and
  // embedding/head flags are ignored in favour of `spec`.
  StageModel(const std::string& model_dir, const LoadOptions& options, const StageSpec& spec);

  const StageSpec& spec() const { return spec_; }
  const ModelConfig& config() const { return config_; }
  // Stored bytes of the checkpoint tensors the stage read (a tied head read
  // again on a last stage counts again): the numerator of a load's GB/s.
  int64_t bytes_read() const { return bytes_read_; }

  // ids [B, T] int64 -> hidden [B, T, C] (first stage only).
  torch::Tensor embed(const torch::Tensor& ids);
  // hidden [B, T, C] -> [B, T, C] through the stage's layers; appends each
  // layer's attention [B, NH, T, T] float32 to *attention, in layer order.
  torch::Tensor run_layers(torch::Tensor hidden, std::vector<torch::Tensor>* attention);
  // hidden [B, T, C] -> logits [B, T, V] float32 (last stage only).
  torch::Tensor head(const torch::Tensor& hidden);

 private:
  StageSpec spec_;
  ModelConfig config_;
  std::unique_ptr<CausalLM> embedding_;            // no layers; the head too when shared
  std::vector<std::unique_ptr<CausalLM>> layers_;  // one layer each
  CausalLM* head_ = nullptr;                       // embedding_ or head_owned_
  std::unique_ptr<CausalLM> head_owned_;
  int64_t bytes_read_ = 0;
};

}  // namespace lmgaze
