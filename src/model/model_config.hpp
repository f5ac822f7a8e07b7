// A model's hyper-parameters, read from the Hugging Face config.json.
//
// Two families are supported: "gpt2" and "llama" (Vicuna and Alpaca are llama).
// GPT-2 and LLaMA name the same quantities differently (n_embd vs hidden_size, ...);
// ModelConfig holds them under one name each. Parameter counts come from these
// shapes alone, so the MPI layer can balance pipeline stages without LibTorch.
#pragma once

#include <cstdint>
#include <string>

namespace lmgaze {

struct ModelConfig {
  std::string model_type;  // "gpt2" or "llama"
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;    // < n_heads: grouped-query attention (LLaMA only)
  int hidden = 0;        // C, the residual width
  int intermediate = 0;  // MLP width (GPT-2: n_inner, default 4 * hidden)
  int vocab_size = 0;
  int max_positions = 0;  // GPT-2: size of the learned position table
  double norm_eps = 0;
  double rope_theta = 10000.0;  // LLaMA only
  bool tie_word_embeddings = false;
  int64_t bos_id = -1;     // -1: none given
  int64_t eos_id = -1;     // -1: none given
  std::string activation;  // "gelu_new" (GPT-2, tanh approximation) or "silu" (LLaMA)
  std::string source;      // the config.json it came from, for error messages

  int head_dim() const { return hidden / n_heads; }
  bool is_gpt2() const { return model_type == "gpt2"; }
  bool is_llama() const { return model_type == "llama"; }
};

// Reads model_dir/config.json; throws InputError naming the file for an
// unsupported model_type, a missing or ill-typed key, or inconsistent sizes.
ModelConfig read_model_config(const std::string& model_dir);

// Same, from the JSON text; `source` names it in errors.
ModelConfig parse_model_config(const std::string& json_text, const std::string& source);

// Parameters of one transformer block (attention, MLP and their norms).
int64_t n_layer_params(const ModelConfig& c);
// Token embedding (+ GPT-2's position table).
int64_t n_embedding_params(const ModelConfig& c);
// Final norm + lm_head; a tied lm_head is counted with the embedding, not here.
int64_t n_head_params(const ModelConfig& c);
// All parameters, a tied lm_head counted once: GPT-2 small gives 124,439,808 and
// LLaMA 7B 6,738,415,616, as Hugging Face reports them.
int64_t n_params(const ModelConfig& c);
// Bytes one transformer block occupies at `bytes_per_param` (4 fp32, 2 fp16/bf16).
int64_t parameter_bytes_per_layer(const ModelConfig& c, int bytes_per_param);

}  // namespace lmgaze
