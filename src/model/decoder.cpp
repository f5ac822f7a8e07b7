#include "model/decoder.hpp"

#include <torch/utils.h>

#include <cmath>
#include <stdexcept>

#include "common/error.hpp"
#include "model/architecture.hpp"
#include "model/attention.hpp"
#include "model/norm.hpp"
#include "model/precision.hpp"
#include "model/rotary.hpp"
#include "model/token_ids.hpp"
#include "model/weights.hpp"

namespace lmgaze {
namespace {

// Undefined tensors are absent in the family (no bias, no such norm).
struct DecoderLayer {
  torch::Tensor attn_norm_w, attn_norm_b;  // [C]   (absent with post-norms)
  torch::Tensor q_w, q_b;                  // [NH*HS, C], [NH*HS]
  torch::Tensor k_w, k_b;                  // [NKV*HS, C], [NKV*HS]
  torch::Tensor v_w, v_b;                  // [NKV*HS, C], [NKV*HS]
  torch::Tensor o_w, o_b;                  // [C, NH*HS], [C]
  torch::Tensor q_norm_w, k_norm_w;        // [HS] (Qwen3) or [NH*HS], [NKV*HS] (OLMo 2)
  torch::Tensor post_attn_norm_w;          // [C]   OLMo 2
  torch::Tensor mlp_norm_w, mlp_norm_b;    // [C]   (absent with post-norms)
  torch::Tensor gate_w, gate_b;            // [F, C], [F]  (gated MLP only)
  torch::Tensor up_w, up_b;                // [F, C], [F]
  torch::Tensor down_w, down_b;            // [C, F], [C]
  torch::Tensor post_mlp_norm_w;           // [C]   OLMo 2
};

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return b.defined() ? torch::linear(x, w, b) : torch::linear(x, w);
}

// The family's norm of x [..., N] with weight (and bias) [N].
torch::Tensor norm(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
                   const ModelConfig& c) {
  switch (c.norm) {
    case NormKind::LayerNorm:
      return layer_norm(x, w, b, c.norm_eps);
    case NormKind::RmsNorm:
      return rms_norm(x, w, c.norm_eps);
    case NormKind::RmsNormWide:
      return rms_norm_wide_weight(x, w, c.norm_eps);
    case NormKind::RmsNormOffset:
      return rms_norm_wide_weight(x, w, c.norm_eps);  // w holds 1 + weight (see load)
  }
  return x;
}

torch::Tensor activation(const torch::Tensor& x, const std::string& act) {
  if (act == "silu") return torch::silu(x);
  if (act == "gelu_new") return torch::gelu(x, "tanh");
  return torch::gelu(x);  // "gelu": the exact erf form
}

// Attention block: x [B, T, C] -> [B, T, C]; probs (optional) [B, NH, T, T].
torch::Tensor attention_forward(const torch::Tensor& x, const DecoderLayer& w, const ModelConfig& c,
                                const RotaryTables& rope, int64_t window, torch::Tensor* probs) {
  torch::Tensor q = linear(x, w.q_w, w.q_b);  // [B, T, NH*HS]
  torch::Tensor k = linear(x, w.k_w, w.k_b);  // [B, T, NKV*HS]
  torch::Tensor v = linear(x, w.v_w, w.v_b);  // [B, T, NKV*HS]
  if (c.attention.qk_norm == QkNorm::Full) {
    // OLMo 2: one RMSNorm over all heads' channels, weight applied in fp32.
    q = rms_norm_wide_weight(q, w.q_norm_w, c.norm_eps);
    k = rms_norm_wide_weight(k, w.k_norm_w, c.norm_eps);
  }
  q = split_heads(q, c.n_heads);     // [B, NH, T, HS]
  k = split_heads(k, c.n_kv_heads);  // [B, NKV, T, HS]
  v = split_heads(v, c.n_kv_heads);  // [B, NKV, T, HS]
  if (c.attention.qk_norm == QkNorm::PerHead) {
    // Qwen3: RMSNorm over each head's HS channels.
    q = rms_norm(q, w.q_norm_w, c.norm_eps);
    k = rms_norm(k, w.k_norm_w, c.norm_eps);
  }
  q = apply_rotary(q, rope);
  k = apply_rotary(k, rope);
  const int64_t n_rep = c.n_heads / c.n_kv_heads;
  torch::Tensor y = causal_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), probs,
                                     c.attention.scale, window,
                                     c.attention.softcap);  // [B, NH, T, HS]
  return linear(merge_heads(y), w.o_w, w.o_b);              // [B, T, C]
}

// MLP: x [B, T, C] -> [B, T, C] through F channels.
torch::Tensor mlp_forward(const torch::Tensor& x, const DecoderLayer& w, const ModelConfig& c) {
  torch::Tensor h = activation(linear(x, c.mlp == MlpKind::Gated ? w.gate_w : w.up_w,
                                      c.mlp == MlpKind::Gated ? w.gate_b : w.up_b),
                               c.activation);                      // [B, T, F]
  if (c.mlp == MlpKind::Gated) h = h * linear(x, w.up_w, w.up_b);  // [B, T, F]
  return linear(h, w.down_w, w.down_b);                            // [B, T, C]
}

// Phi-3 qkv_proj [(NH + 2 NKV) * HS, C]: q rows, then k rows, then v rows.
void split_qkv_blocks(const torch::Tensor& fused, const ModelConfig& c, DecoderLayer& L) {
  const int64_t Q = int64_t(c.n_heads) * c.head_size, KV = int64_t(c.n_kv_heads) * c.head_size;
  auto parts = fused.split_with_sizes({Q, KV, KV}, 0);
  L.q_w = parts[0].contiguous();
  L.k_w = parts[1].contiguous();
  L.v_w = parts[2].contiguous();
}

// GPT-NeoX query_key_value [NH * 3 * HS, ...]: for each head its q, k, v rows.
void split_qkv_per_head(const torch::Tensor& fused, const ModelConfig& c, torch::Tensor& q,
                        torch::Tensor& k, torch::Tensor& v) {
  const int64_t NH = c.n_heads, HS = c.head_size;
  std::vector<int64_t> shape = {NH, 3, HS};
  if (fused.dim() == 2) shape.push_back(fused.size(1));
  torch::Tensor t = fused.view(shape);  // [NH, 3, HS(, C)]
  auto part = [&](int64_t i) {
    std::vector<int64_t> out = {NH * HS};
    if (fused.dim() == 2) out.push_back(fused.size(1));
    return t.select(1, i).reshape(out).contiguous();  // [NH*HS(, C)]
  };
  q = part(0);
  k = part(1);
  v = part(2);
}

class Decoder final : public CausalLM {
 public:
  Decoder(WeightSource& weights, const ModelConfig& config, const LoadOptions& options)
      : CausalLM(config, options) {
    torch::NoGradGuard no_grad;
    const auto opts = torch::dtype(options.dtype).device(options.device);
    auto w = [&](const TensorSpec& s) { return load_weight(weights, s.name, s.shape, opts); };

    // A tied lm_head is the embedding itself.
    const bool need_embed =
        options.with_embedding || (options.with_head && config.tie_word_embeddings);
    if (need_embed) embed_ = w(embedding_tensors(config).at(0));
    for (int l = options.first_layer; l < options.last_layer; ++l) {
      DecoderLayer L;
      for (const TensorSpec& s : layer_tensors(config, l)) assign(L, s.role, w(s));
      if (config.norm == NormKind::RmsNormOffset)
        for (torch::Tensor* t :
             {&L.attn_norm_w, &L.mlp_norm_w, &L.post_attn_norm_w, &L.post_mlp_norm_w})
          if (t->defined()) *t = 1.0 + t->to(wide_dtype(dtype_));  // Gemma: x * (1 + w), fp32
      layers_.push_back(std::move(L));
    }
    if (options.with_head) {
      for (const TensorSpec& s : head_tensors(config)) {
        torch::Tensor t = w(s);
        if (s.role == Role::FinalNorm) norm_w_ = t;
        if (s.role == Role::FinalNormBias) norm_b_ = t;
        if (s.role == Role::LmHead) lm_head_ = t;
      }
      if (config.norm == NormKind::RmsNormOffset) norm_w_ = 1.0 + norm_w_.to(wide_dtype(dtype_));
      if (config.tie_word_embeddings) lm_head_ = embed_;
    }
    has_embedding_ = options.with_embedding;
  }

  torch::Tensor embed(const torch::Tensor& ids) override {
    torch::NoGradGuard no_grad;
    if (!has_embedding_) throw std::logic_error("embed() on a stage loaded without the embedding");
    // No position table: positions enter through the rotary embedding in each layer.
    torch::Tensor x =
        torch::embedding(embed_, checked_token_ids(ids, config_, device_));  // [B,T,C]
    if (config_.embed_scale)  // Gemma: sqrt(C) rounded to the model dtype first
      x = x * torch::scalar_tensor(std::sqrt(double(config_.hidden)), x.options());
    return x;
  }

  torch::Tensor run_layers(torch::Tensor x, std::vector<torch::Tensor>* attention) override {
    torch::NoGradGuard no_grad;
    x = x.to(device_, dtype_);  // [B, T, C], possibly received from another stage
    const int64_t T = x.size(1);
    const int exact = config_.rotary.max_exact_positions();
    if (exact > 0 && T > exact)
      throw InputError(config_.source, "a sequence of " + std::to_string(T) +
                                           " tokens exceeds the " + std::to_string(exact) +
                                           " positions within which '" + config_.rotary.scaling +
                                           "' rotary scaling is exact");
    // Right padding keeps every real token at its true position 0..T-1.
    const RotaryTables rope = rotary_tables(T, rotary_inv_freq(config_.rotary, config_.head_size),
                                            torch::dtype(dtype_).device(device_));
    const ModelConfig& c = config_;
    for (size_t i = 0; i < layers_.size(); ++i) {
      const DecoderLayer& L = layers_[i];
      const int64_t window = c.attention.window[first_layer_ + i];
      torch::Tensor probs;
      torch::Tensor* p = attention ? &probs : nullptr;
      if (c.parallel_residual) {  // GPT-NeoX: both blocks read the same x
        torch::Tensor a =
            attention_forward(norm(x, L.attn_norm_w, L.attn_norm_b, c), L, c, rope, window, p);
        torch::Tensor m = mlp_forward(norm(x, L.mlp_norm_w, L.mlp_norm_b, c), L, c);
        x = x + (m + a);
      } else {
        // Pre-norms normalise a block's input, post-norms its output (OLMo 2: post
        // only; Gemma 2: both).
        torch::Tensor h = c.pre_norms ? norm(x, L.attn_norm_w, L.attn_norm_b, c) : x;
        torch::Tensor a = attention_forward(h, L, c, rope, window, p);  // [B, T, C]
        if (c.post_norms) a = norm(a, L.post_attn_norm_w, {}, c);
        x = x + a;
        h = c.pre_norms ? norm(x, L.mlp_norm_w, L.mlp_norm_b, c) : x;
        torch::Tensor m = mlp_forward(h, L, c);  // [B, T, C]
        if (c.post_norms) m = norm(m, L.post_mlp_norm_w, {}, c);
        x = x + m;
      }
      if (attention) attention->push_back(probs);  // [B, NH, T, T] float32 (fp64)
    }
    return x;
  }

  torch::Tensor head(const torch::Tensor& hidden) override {
    torch::NoGradGuard no_grad;
    if (!lm_head_.defined()) throw std::logic_error("head() on a stage loaded without the head");
    torch::Tensor x = norm(hidden.to(device_, dtype_), norm_w_, norm_b_, config_);  // [B, T, C]
    torch::Tensor logits = torch::linear(x, lm_head_).to(wide_dtype(dtype_));       // [B, T, V]
    const double cap = config_.logit_softcap;                                       // Gemma 2
    return cap > 0 ? torch::tanh(logits / cap) * cap : logits;
  }

 private:
  // Files a loaded tensor under its role, splitting fused projections.
  void assign(DecoderLayer& L, Role role, const torch::Tensor& t) {
    switch (role) {
      // clang-format off
      case Role::AttnNorm:     L.attn_norm_w = t; break;
      case Role::AttnNormBias: L.attn_norm_b = t; break;
      case Role::Q:            L.q_w = t; break;
      case Role::QBias:        L.q_b = t; break;
      case Role::K:            L.k_w = t; break;
      case Role::KBias:        L.k_b = t; break;
      case Role::V:            L.v_w = t; break;
      case Role::VBias:        L.v_b = t; break;
      case Role::O:            L.o_w = t; break;
      case Role::OBias:        L.o_b = t; break;
      case Role::QNorm:        L.q_norm_w = t; break;
      case Role::KNorm:        L.k_norm_w = t; break;
      case Role::PostAttnNorm: L.post_attn_norm_w = t; break;
      case Role::MlpNorm:      L.mlp_norm_w = t; break;
      case Role::MlpNormBias:  L.mlp_norm_b = t; break;
      case Role::Gate:         L.gate_w = t; break;
      case Role::GateBias:     L.gate_b = t; break;
      case Role::Up:           L.up_w = t; break;
      case Role::UpBias:       L.up_b = t; break;
      case Role::Down:         L.down_w = t; break;
      case Role::DownBias:     L.down_b = t; break;
      case Role::PostMlpNorm:  L.post_mlp_norm_w = t; break;
      // clang-format on
      case Role::QKV:
        if (config_.family == Family::GptNeox)
          split_qkv_per_head(t, config_, L.q_w, L.k_w, L.v_w);
        else
          split_qkv_blocks(t, config_, L);
        break;
      case Role::QKVBias:
        split_qkv_per_head(t, config_, L.q_b, L.k_b, L.v_b);  // GPT-NeoX only
        break;
      case Role::GateUp: {  // Phi-3: gate rows, then up rows
        auto parts = t.chunk(2, 0);
        L.gate_w = parts[0].contiguous();
        L.up_w = parts[1].contiguous();
        break;
      }
      case Role::Embed:
      case Role::Positions:
      case Role::FinalNorm:
      case Role::FinalNormBias:
      case Role::LmHead:
        throw std::logic_error("a layer table lists an embedding or head tensor");
    }
  }

  bool has_embedding_ = false;
  torch::Tensor embed_;               // [V, C]
  std::vector<DecoderLayer> layers_;  // layers [first_layer, last_layer)
  torch::Tensor norm_w_, norm_b_;     // [C]
  torch::Tensor lm_head_;             // [V, C]  embed_ itself when tied
};

}  // namespace

std::unique_ptr<CausalLM> load_decoder(WeightSource& weights, const ModelConfig& config,
                                       const LoadOptions& options) {
  return std::make_unique<Decoder>(weights, config, options);
}

}  // namespace lmgaze
