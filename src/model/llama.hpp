// LLaMA (Touvron et al. 2023) in Hugging Face layout; Vicuna and Alpaca are LLaMA.
//
// RMSNorm, rotary position embeddings (rotate-half convention, rope_theta),
// SwiGLU MLP, no biases, grouped-query attention when NKV < NH, lm_head untied
// unless tie_word_embeddings. Projections are nn.Linear, stored [out, in].
#pragma once

#include <memory>

#include "model/causal_lm.hpp"
#include "model/safetensors.hpp"

namespace lmgaze {

// `options` has been validated (layer range resolved, dtype/device usable).
std::unique_ptr<CausalLM> load_llama(Checkpoint& ckpt, const ModelConfig& config,
                                     const LoadOptions& options);

}  // namespace lmgaze
