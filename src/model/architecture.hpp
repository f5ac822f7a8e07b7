// One tensor table per family: the names and shapes of every weight a
// checkpoint of the family holds, worked out from ModelConfig alone.
//
// Torch-free on purpose. Everything that needs a family's shapes reads this
// table: the loader (which tensors to fetch and what shape to demand), the
// parameter counts and stage bytes (model_config.cpp, extract, `lmgaze plan`),
// and the check that a checkpoint holds nothing the config does not account for.
// Names are the transformers *ForCausalLM names (GPT-2: with "transformer.").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model_config.hpp"

namespace lmgaze {

// What a tensor is for, in the vocabulary of the generic decoder (decoder.cpp).
// Fused tensors (QKV, GateUp) are split by the loader.
enum class Role {
  // embedding
  Embed,      // [V, C]
  Positions,  // [P, C]  GPT-2's learned positions
  // one layer
  AttnNorm,
  AttnNormBias,  // [C]
  Q,
  QBias,  // [NH*HS, C], [NH*HS]
  K,
  KBias,  // [NKV*HS, C], [NKV*HS]
  V,
  VBias,  // [NKV*HS, C], [NKV*HS]
  QKV,
  QKVBias,  // fused: Phi-3 [(NH+2NKV)*HS, C] q|k|v; GPT-NeoX [3C, C] per
            // head q|k|v; GPT-2 Conv1D [C, 3C]
  O,
  OBias,  // [C, NH*HS], [C]
  QNorm,
  KNorm,         // [HS] (Qwen3) or [NH*HS] / [NKV*HS] (OLMo 2)
  PostAttnNorm,  // [C]  OLMo 2: norm of the attention output
  MlpNorm,
  MlpNormBias,  // [C]
  Gate,
  GateBias,  // [F, C], [F]
  Up,
  UpBias,  // [F, C], [F]   (Plain MLP: the widening projection)
  GateUp,  // [2F, C] Phi-3: gate rows then up rows
  Down,
  DownBias,     // [C, F], [C]
  PostMlpNorm,  // [C]  OLMo 2: norm of the MLP output
  // head
  FinalNorm,
  FinalNormBias,  // [C]
  LmHead,         // [V, C]
};

struct TensorSpec {
  Role role;
  std::string name;
  std::vector<int64_t> shape;

  int64_t numel() const;
};

std::vector<TensorSpec> embedding_tensors(const ModelConfig& c);
std::vector<TensorSpec> layer_tensors(const ModelConfig& c, int layer);
// Final norm and, when untied, the lm_head.
std::vector<TensorSpec> head_tensors(const ModelConfig& c);
// The name a tied lm_head would have (a checkpoint may carry it; it is not read).
std::string lm_head_name(const ModelConfig& c);

// Non-parameter buffers older transformers saved with the weights (rotary
// inv_freq, GPT-2/GPT-NeoX causal-mask buffers): present or not, never read.
bool is_ignored_buffer(const ModelConfig& c, const std::string& name);

// Names in `stored` that the table does not account for (neither a weight of
// the model, nor a tied lm_head, nor an ignored buffer). `strip_prefix` is
// removed from the table's names first (GPT-2 saved as a bare GPT2Model).
std::vector<std::string> unexpected_tensors(const ModelConfig& c,
                                            const std::vector<std::string>& stored,
                                            const std::string& strip_prefix = "");

}  // namespace lmgaze
