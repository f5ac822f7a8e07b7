// A model's hyper-parameters, read from the Hugging Face config.json.
//
// Each family (model_type) has one parse function in model_config.cpp and one
// tensor table in architecture.cpp; the registry below lists them, and a
// model_type that is not in it is refused by name (there is no fall-through).
// Families name the same quantities differently (n_embd vs hidden_size, ...);
// ModelConfig holds them under one name each, with everything the forward needs
// resolved here once: head size, rotary spec, attention spec, norm and MLP kind.
// Configs as transformers 4.x and 5.x write them are both read (rope_theta at
// the top level or inside rope_parameters, rope_scaling or rope_parameters,
// torch_dtype or dtype); every value taken from a default is listed in
// `defaulted` so the attention file can record it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/rotary_spec.hpp"

namespace lmgaze {

// The registry of families. Adding one: ADDING_A_MODEL.md.
enum class Family { Gpt2, Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma2, Phi3, GptNeox, Olmo2 };

// The model_type string of a family ("gpt_neox" for GptNeox).
const char* family_name(Family f);
// "gemma, gpt2, ...": the model_types lmgaze reads, for error messages.
std::string supported_model_types();

enum class NormKind {
  LayerNorm,      // (x - mean) / sqrt(var + eps) * w + b
  RmsNorm,        // x / rms(x) * w
  RmsNormWide,    // x / rms(x) * w, the weight applied in float32 (OLMo 2)
  RmsNormOffset,  // x / rms(x) * (1 + w), in float32 (Gemma, Gemma 2)
};

enum class MlpKind {
  Gated,  // down(act(gate(x)) * up(x))  (LLaMA and most since)
  Plain,  // down(act(up(x)))            (GPT-2, GPT-NeoX)
};

enum class QkNorm {
  None,
  PerHead,  // RMSNorm over each head's HS channels, before rotary (Qwen3)
  Full,     // RMSNorm over all NH * HS (NKV * HS) channels, before rotary (OLMo 2)
};

struct AttentionSpec {
  double scale = 0;         // multiplies q k^T: 1 / sqrt(HS) in every family read today
  double softcap = 0;       // scores -> softcap * tanh(scores / softcap); 0 = none
  std::vector<int> window;  // [L] sliding window of each layer: key j is visible to
                            // query i iff i - j < window; 0 = the whole causal past
  bool qkv_bias = false;    // biases on the q, k and v projections
  bool o_bias = false;      // bias on the output projection
  QkNorm qk_norm = QkNorm::None;
};

struct ModelConfig {
  Family family = Family::Llama;
  std::string model_type;  // family_name(family)
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;    // < n_heads: grouped-query attention
  int hidden = 0;        // C, the residual width
  int head_size = 0;     // HS; C / NH unless config.json says otherwise (Gemma: 256)
  int intermediate = 0;  // MLP width F (GPT-2: n_inner, default 4 * hidden)
  int vocab_size = 0;
  int max_positions = 0;  // GPT-2: size of the learned position table
  double norm_eps = 0;
  NormKind norm = NormKind::RmsNorm;
  MlpKind mlp = MlpKind::Gated;
  bool mlp_bias = false;
  bool parallel_residual = false;  // x + attn(ln1(x)) + mlp(ln2(x)) (GPT-NeoX)
  bool pre_norms = true;           // x + attn(norm(x)): the norm of a block's input
  bool post_norms = false;         // x + norm(attn(.)): the norm of a block's output
                                   // (OLMo 2: post only; Gemma 2: both)
  double logit_softcap = 0;        // logits -> cap * tanh(logits / cap); 0 = none (Gemma 2)
  bool embed_scale = false;        // embedding times sqrt(C), in the model dtype (Gemma)
  RotarySpec rotary;               // unused by GPT-2 (learned positions)
  AttentionSpec attention;
  bool tie_word_embeddings = false;
  int64_t bos_id = -1;                 // -1: none given
  int64_t eos_id = -1;                 // -1: none given
  std::string activation;              // "gelu_new" (tanh approximation), "gelu" (erf) or "silu"
  std::string weights_dtype;           // torch_dtype / dtype of config.json ("" if absent)
  std::vector<std::string> defaulted;  // "key=value (default)" for every default taken
  std::string source;                  // the config.json it came from, for error messages

  int head_dim() const { return head_size; }
  bool is_gpt2() const { return family == Family::Gpt2; }
};

// Reads model_dir/config.json; throws InputError naming the file for an
// unsupported model_type or feature, a missing or ill-typed key, or inconsistent sizes.
ModelConfig read_model_config(const std::string& model_dir);

// Same, from the JSON text; `source` names it in errors.
ModelConfig parse_model_config(const std::string& json_text, const std::string& source);

// One line stating what lmgaze resolved from config.json (head size, rotary,
// attention, norm, MLP), for the attention file.
std::string describe_model(const ModelConfig& c);
// The `defaulted` list as one "; "-joined line ("" when nothing was defaulted).
std::string describe_defaults(const ModelConfig& c);

// Parameter counts, all summed from the family's tensor table (architecture.hpp).
// One transformer block (attention, MLP and their norms).
int64_t n_layer_params(const ModelConfig& c);
// Token embedding (+ GPT-2's position table).
int64_t n_embedding_params(const ModelConfig& c);
// Final norm + lm_head; a tied lm_head is counted with the embedding, not here.
int64_t n_head_params(const ModelConfig& c);
// The lm_head a tied model's last stage holds as a second copy of the embedding
// (V * C when tied, else 0).
int64_t n_tied_head_params(const ModelConfig& c);
// All parameters, a tied lm_head counted once: GPT-2 small gives 124,439,808 and
// LLaMA 7B 6,738,415,616, as Hugging Face reports them.
int64_t n_params(const ModelConfig& c);
// Bytes one transformer block occupies at `bytes_per_param` (4 fp32, 2 fp16/bf16).
int64_t parameter_bytes_per_layer(const ModelConfig& c, int bytes_per_param);

}  // namespace lmgaze
