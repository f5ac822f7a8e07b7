#include "model/llama.hpp"

#include <torch/utils.h>

#include <stdexcept>

#include "model/attention.hpp"
#include "model/norm.hpp"
#include "model/precision.hpp"
#include "model/rotary.hpp"
#include "model/token_ids.hpp"
#include "model/weights.hpp"

namespace lmgaze {
namespace {

struct LlamaLayer {
  torch::Tensor attn_norm_w;  // [C]       input_layernorm
  torch::Tensor q_w;          // [C, C]    nn.Linear [out, in]
  torch::Tensor k_w;          // [KV, C]   KV = NKV * HS
  torch::Tensor v_w;          // [KV, C]
  torch::Tensor o_w;          // [C, C]
  torch::Tensor mlp_norm_w;   // [C]       post_attention_layernorm
  torch::Tensor gate_w;       // [F, C]
  torch::Tensor up_w;         // [F, C]
  torch::Tensor down_w;       // [C, F]
};

// Attention block: x [B, T, C] -> [B, T, C]; probs (optional) [B, NH, T, T].
torch::Tensor attention_forward(const torch::Tensor& x, const LlamaLayer& w, const ModelConfig& c,
                                const RotaryTables& rope, torch::Tensor* probs) {
  torch::Tensor q = split_heads(torch::linear(x, w.q_w), c.n_heads);     // [B, NH, T, HS]
  torch::Tensor k = split_heads(torch::linear(x, w.k_w), c.n_kv_heads);  // [B, NKV, T, HS]
  torch::Tensor v = split_heads(torch::linear(x, w.v_w), c.n_kv_heads);  // [B, NKV, T, HS]
  q = apply_rotary(q, rope);
  k = apply_rotary(k, rope);
  const int64_t n_rep = c.n_heads / c.n_kv_heads;
  torch::Tensor y = causal_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep),
                                     probs);    // [B, NH, T, HS]
  return torch::linear(merge_heads(y), w.o_w);  // [B, T, C]
}

// SwiGLU MLP: x [B, T, C] -> down(silu(gate(x)) * up(x)) [B, T, C] through F channels.
torch::Tensor mlp_forward(const torch::Tensor& x, const LlamaLayer& w) {
  torch::Tensor h = torch::silu(torch::linear(x, w.gate_w)) * torch::linear(x, w.up_w);  // [B,T,F]
  return torch::linear(h, w.down_w);                                                     // [B,T,C]
}

class Llama final : public CausalLM {
 public:
  Llama(Checkpoint& ckpt, const ModelConfig& config, const LoadOptions& options)
      : CausalLM(config, options) {
    torch::NoGradGuard no_grad;
    const auto opts = torch::dtype(options.dtype).device(options.device);
    const int64_t C = config.hidden, F = config.intermediate, V = config.vocab_size;
    const int64_t KV = int64_t(config.n_kv_heads) * config.head_dim();
    auto w = [&](const std::string& name, std::vector<int64_t> shape) {
      return load_weight(ckpt, name, shape, opts);
    };

    // The tensor table. A tied lm_head is embed_tokens itself.
    const bool need_embed =
        options.with_embedding || (options.with_head && config.tie_word_embeddings);
    if (need_embed) embed_tokens_ = w("model.embed_tokens.weight", {V, C});
    for (int l = options.first_layer; l < options.last_layer; ++l) {
      const std::string p = "model.layers." + std::to_string(l) + ".";
      LlamaLayer L;
      // clang-format off
      L.attn_norm_w = w(p + "input_layernorm.weight",          {C});
      L.q_w         = w(p + "self_attn.q_proj.weight",         {C, C});
      L.k_w         = w(p + "self_attn.k_proj.weight",         {KV, C});
      L.v_w         = w(p + "self_attn.v_proj.weight",         {KV, C});
      L.o_w         = w(p + "self_attn.o_proj.weight",         {C, C});
      L.mlp_norm_w  = w(p + "post_attention_layernorm.weight", {C});
      L.gate_w      = w(p + "mlp.gate_proj.weight",            {F, C});
      L.up_w        = w(p + "mlp.up_proj.weight",              {F, C});
      L.down_w      = w(p + "mlp.down_proj.weight",            {C, F});
      // clang-format on
      layers_.push_back(std::move(L));
    }
    if (options.with_head) {
      norm_w_ = w("model.norm.weight", {C});
      lm_head_ = config.tie_word_embeddings ? embed_tokens_ : w("lm_head.weight", {V, C});
    }
    has_embedding_ = options.with_embedding;
  }

  torch::Tensor embed(const torch::Tensor& ids) override {
    torch::NoGradGuard no_grad;
    if (!has_embedding_) throw std::logic_error("embed() on a stage loaded without the embedding");
    // No position table: positions enter through the rotary embedding in each layer.
    return torch::embedding(embed_tokens_, checked_token_ids(ids, config_, device_));  // [B,T,C]
  }

  torch::Tensor run_layers(torch::Tensor x, std::vector<torch::Tensor>* attention) override {
    torch::NoGradGuard no_grad;
    x = x.to(device_, dtype_);  // [B, T, C], possibly received from another stage
    // Right padding keeps every real token at its true position 0..T-1.
    const RotaryTables rope = rotary_tables(x.size(1), config_.head_dim(), config_.rope_theta,
                                            torch::dtype(dtype_).device(device_));
    const double eps = config_.norm_eps;
    for (const LlamaLayer& L : layers_) {
      torch::Tensor probs;
      x = x + attention_forward(rms_norm(x, L.attn_norm_w, eps), L, config_, rope,
                                attention ? &probs : nullptr);
      x = x + mlp_forward(rms_norm(x, L.mlp_norm_w, eps), L);
      if (attention) attention->push_back(probs);  // [B, NH, T, T] float32 (fp64)
    }
    return x;
  }

  torch::Tensor head(const torch::Tensor& hidden) override {
    torch::NoGradGuard no_grad;
    if (!lm_head_.defined()) throw std::logic_error("head() on a stage loaded without the head");
    torch::Tensor x = rms_norm(hidden.to(device_, dtype_), norm_w_, config_.norm_eps);  // [B,T,C]
    return torch::linear(x, lm_head_).to(wide_dtype(dtype_));                           // [B,T,V]
  }

 private:
  bool has_embedding_ = false;
  torch::Tensor embed_tokens_;      // [V, C]
  std::vector<LlamaLayer> layers_;  // layers [first_layer, last_layer)
  torch::Tensor norm_w_;            // [C]
  torch::Tensor lm_head_;           // [V, C]  embed_tokens_ itself when tied
};

}  // namespace

std::unique_ptr<CausalLM> load_llama(Checkpoint& ckpt, const ModelConfig& config,
                                     const LoadOptions& options) {
  return std::make_unique<Llama>(ckpt, config, options);
}

}  // namespace lmgaze
