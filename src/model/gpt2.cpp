#include "model/gpt2.hpp"

#include <torch/utils.h>

#include <stdexcept>

#include "common/error.hpp"
#include "model/architecture.hpp"
#include "model/attention.hpp"
#include "model/norm.hpp"
#include "model/precision.hpp"
#include "model/token_ids.hpp"
#include "model/weights.hpp"

namespace lmgaze {
namespace {

struct Gpt2Layer {
  torch::Tensor ln_1_w, ln_1_b;  // [C]
  torch::Tensor qkv_w;           // [C, 3C]  Conv1D [in, out]: q, k, v side by side
  torch::Tensor qkv_b;           // [3C]
  torch::Tensor attn_proj_w;     // [C, C]
  torch::Tensor attn_proj_b;     // [C]
  torch::Tensor ln_2_w, ln_2_b;  // [C]
  torch::Tensor fc_w;            // [C, F]
  torch::Tensor fc_b;            // [F]
  torch::Tensor mlp_proj_w;      // [F, C]
  torch::Tensor mlp_proj_b;      // [C]
};

// Conv1D: x [..., in] @ w [in, out] + b [out] -> [..., out].
torch::Tensor conv1d_forward(const torch::Tensor& x, const torch::Tensor& w,
                             const torch::Tensor& b) {
  auto out_shape = x.sizes().vec();
  out_shape.back() = w.size(1);
  torch::Tensor x2 = x.reshape({-1, x.size(-1)});  // [B*T, in]
  return torch::addmm(b, x2, w).view(out_shape);   // [..., out]
}

// Attention block: x [B, T, C] -> [B, T, C]; probs (optional) [B, NH, T, T].
torch::Tensor attention_forward(const torch::Tensor& x, const Gpt2Layer& w, int64_t n_heads,
                                torch::Tensor* probs) {
  const int64_t C = x.size(-1);
  torch::Tensor qkv = conv1d_forward(x, w.qkv_w, w.qkv_b);          // [B, T, 3C]
  auto parts = qkv.split(C, -1);                                    // 3 x [B, T, C]
  torch::Tensor q = split_heads(parts[0], n_heads);                 // [B, NH, T, HS]
  torch::Tensor k = split_heads(parts[1], n_heads);                 // [B, NH, T, HS]
  torch::Tensor v = split_heads(parts[2], n_heads);                 // [B, NH, T, HS]
  torch::Tensor y = merge_heads(causal_attention(q, k, v, probs));  // [B, T, C]
  return conv1d_forward(y, w.attn_proj_w, w.attn_proj_b);           // [B, T, C]
}

// MLP block: x [B, T, C] -> [B, T, C] through F channels.
torch::Tensor mlp_forward(const torch::Tensor& x, const Gpt2Layer& w) {
  torch::Tensor h = torch::gelu(conv1d_forward(x, w.fc_w, w.fc_b), "tanh");  // [B, T, F]
  return conv1d_forward(h, w.mlp_proj_w, w.mlp_proj_b);                      // [B, T, C]
}

class Gpt2 final : public CausalLM {
 public:
  Gpt2(WeightSource& weights, const ModelConfig& config, const LoadOptions& options)
      : CausalLM(config, options) {
    torch::NoGradGuard no_grad;
    // GPT2LMHeadModel prefixes every key with "transformer."; a bare GPT2Model does
    // not. The table (architecture.cpp) names them with the prefix.
    const bool bare = !weights.checkpoint().contains("transformer.wte.weight");
    const auto opts = torch::dtype(options.dtype).device(options.device);
    auto w = [&](const TensorSpec& s) {
      const std::string prefix = "transformer.";
      const bool inside = s.name.compare(0, prefix.size(), prefix) == 0;
      return load_weight(weights, bare && inside ? s.name.substr(prefix.size()) : s.name, s.shape,
                         opts);
    };

    // A tied lm_head is wte itself, so the last stage needs it too.
    const bool need_wte =
        options.with_embedding || (options.with_head && config.tie_word_embeddings);
    for (const TensorSpec& s : embedding_tensors(config)) {
      if (s.role == Role::Embed && need_wte) wte_ = w(s);
      if (s.role == Role::Positions && options.with_embedding) wpe_ = w(s);
    }
    for (int l = options.first_layer; l < options.last_layer; ++l) {
      Gpt2Layer L;
      for (const TensorSpec& s : layer_tensors(config, l)) assign(L, s.role, w(s));
      layers_.push_back(std::move(L));
    }
    if (options.with_head) {
      for (const TensorSpec& s : head_tensors(config)) {
        if (s.role == Role::FinalNorm) ln_f_w_ = w(s);
        if (s.role == Role::FinalNormBias) ln_f_b_ = w(s);
        if (s.role == Role::LmHead) lm_head_ = w(s);  // untied: outside "transformer."
      }
      if (config.tie_word_embeddings) lm_head_ = wte_;
    }
  }

  torch::Tensor embed(const torch::Tensor& ids) override {
    torch::NoGradGuard no_grad;
    if (!wpe_.defined()) throw std::logic_error("embed() on a stage loaded without the embedding");
    torch::Tensor t = checked_token_ids(ids, config_, device_);  // [B, T]
    const int64_t T = t.size(1);
    if (T > config_.max_positions)
      throw InputError(config_.source, "a sequence of " + std::to_string(T) +
                                           " tokens exceeds n_positions " +
                                           std::to_string(config_.max_positions));
    // Right padding keeps every real token at its true position 0..T-1.
    return torch::embedding(wte_, t)  // [B, T, C]
           + wpe_.slice(0, 0, T);     // [T, C] broadcast over B
  }

  torch::Tensor run_layers(torch::Tensor x, std::vector<torch::Tensor>* attention) override {
    torch::NoGradGuard no_grad;
    x = x.to(device_, dtype_);  // [B, T, C], possibly received from another stage
    const double eps = config_.norm_eps;
    for (const Gpt2Layer& L : layers_) {
      torch::Tensor probs;
      x = x + attention_forward(layer_norm(x, L.ln_1_w, L.ln_1_b, eps), L, config_.n_heads,
                                attention ? &probs : nullptr);
      x = x + mlp_forward(layer_norm(x, L.ln_2_w, L.ln_2_b, eps), L);
      if (attention) attention->push_back(probs);  // [B, NH, T, T] float32 (fp64)
    }
    return x;
  }

  torch::Tensor head(const torch::Tensor& hidden) override {
    torch::NoGradGuard no_grad;
    if (!lm_head_.defined()) throw std::logic_error("head() on a stage loaded without the head");
    torch::Tensor x = layer_norm(hidden.to(device_, dtype_), ln_f_w_, ln_f_b_, config_.norm_eps);
    return torch::linear(x, lm_head_).to(wide_dtype(dtype_));  // [B, T, V]
  }

 private:
  // Files a tensor of the GPT-2 table under its role.
  static void assign(Gpt2Layer& L, Role role, const torch::Tensor& t) {
    switch (role) {
      // clang-format off
      case Role::AttnNorm:     L.ln_1_w = t; break;
      case Role::AttnNormBias: L.ln_1_b = t; break;
      case Role::QKV:          L.qkv_w = t; break;
      case Role::QKVBias:      L.qkv_b = t; break;
      case Role::O:            L.attn_proj_w = t; break;
      case Role::OBias:        L.attn_proj_b = t; break;
      case Role::MlpNorm:      L.ln_2_w = t; break;
      case Role::MlpNormBias:  L.ln_2_b = t; break;
      case Role::Up:           L.fc_w = t; break;
      case Role::UpBias:       L.fc_b = t; break;
      case Role::Down:         L.mlp_proj_w = t; break;
      case Role::DownBias:     L.mlp_proj_b = t; break;
      // clang-format on
      default:
        throw std::logic_error("GPT-2's table lists a role its forward does not use");
    }
  }

  torch::Tensor wte_;              // [V, C]
  torch::Tensor wpe_;              // [P, C]  learned positions
  std::vector<Gpt2Layer> layers_;  // layers [first_layer, last_layer)
  torch::Tensor ln_f_w_, ln_f_b_;  // [C]
  torch::Tensor lm_head_;          // [V, C]  wte_ itself when tied
};

}  // namespace

std::unique_ptr<CausalLM> load_gpt2(WeightSource& weights, const ModelConfig& config,
                                    const LoadOptions& options) {
  return std::make_unique<Gpt2>(weights, config, options);
}

}  // namespace lmgaze
