// Every rotary-position decoder family in Hugging Face layout: LLaMA (Vicuna,
// Alpaca, Llama 2/3), Mistral, Qwen2, Qwen3, Gemma, Phi-3, GPT-NeoX (Pythia)
// and OLMo 2. They differ only in what ModelConfig records and the family's
// tensor table (architecture.cpp) lists:
//   norm        RMSNorm (LLaMA), RMSNorm x (1 + w) (Gemma), LayerNorm + bias (NeoX)
//   placement   pre-norm; parallel residual (NeoX); post-norms (OLMo 2)
//   attention   GQA, q/k/v(/o) biases, per-head or full q/k RMSNorm (Qwen3, OLMo 2),
//               sliding window (Mistral, Phi-3), partial rotary (NeoX, Phi-3)
//   MLP         gated SiLU / tanh-GELU (GeGLU, Gemma), or plain GELU (NeoX)
//   embedding   times sqrt(C) in the model dtype (Gemma)
// Fused projections (Phi-3 qkv_proj and gate_up_proj, NeoX query_key_value
// interleaved per head) are split once at load time. Projections are
// nn.Linear, stored [out, in].
#pragma once

#include <memory>

#include "model/causal_lm.hpp"
#include "model/weights.hpp"

namespace lmgaze {

// `options` has been validated (layer range resolved, dtype/device usable).
std::unique_ptr<CausalLM> load_decoder(WeightSource& weights, const ModelConfig& config,
                                       const LoadOptions& options);

}  // namespace lmgaze
