// GPT-2 (Radford et al. 2019) in Hugging Face layout.
//
// Learned position embeddings, pre-LayerNorm blocks, GELU (tanh approximation,
// "gelu_new"), lm_head tied to the token embedding. Weights of the attention and
// MLP projections are Conv1D, stored [in, out] (transposed against nn.Linear).
// Checkpoint keys carry a "transformer." prefix (GPT2LMHeadModel) or none (GPT2Model).
#pragma once

#include <memory>

#include "model/causal_lm.hpp"
#include "model/weights.hpp"

namespace lmgaze {

// `options` has been validated (layer range resolved, dtype/device usable).
std::unique_ptr<CausalLM> load_gpt2(WeightSource& weights, const ModelConfig& config,
                                    const LoadOptions& options);

}  // namespace lmgaze
