#include "model/architecture.hpp"

#include <set>

namespace lmgaze {
namespace {

// Layer prefix of the family's checkpoints.
std::string layer_prefix(const ModelConfig& c, int l) {
  switch (c.family) {
    case Family::Gpt2:
      return "transformer.h." + std::to_string(l) + ".";
    case Family::GptNeox:
      return "gpt_neox.layers." + std::to_string(l) + ".";
    case Family::Llama:
    case Family::Mistral:
    case Family::Qwen2:
    case Family::Qwen3:
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Phi3:
    case Family::Olmo2:
      return "model.layers." + std::to_string(l) + ".";
  }
  return "";  // unreachable: every family is listed above
}

std::vector<TensorSpec> gpt2_layer(const ModelConfig& c, const std::string& p) {
  const int64_t C = c.hidden, F = c.intermediate;
  // Conv1D stores [in, out]: the transpose of nn.Linear.
  // clang-format off
  return {
      {Role::AttnNorm,     p + "ln_1.weight",        {C}},
      {Role::AttnNormBias, p + "ln_1.bias",          {C}},
      {Role::QKV,          p + "attn.c_attn.weight", {C, 3 * C}},
      {Role::QKVBias,      p + "attn.c_attn.bias",   {3 * C}},
      {Role::O,            p + "attn.c_proj.weight", {C, C}},
      {Role::OBias,        p + "attn.c_proj.bias",   {C}},
      {Role::MlpNorm,      p + "ln_2.weight",        {C}},
      {Role::MlpNormBias,  p + "ln_2.bias",          {C}},
      {Role::Up,           p + "mlp.c_fc.weight",    {C, F}},
      {Role::UpBias,       p + "mlp.c_fc.bias",      {F}},
      {Role::Down,         p + "mlp.c_proj.weight",  {F, C}},
      {Role::DownBias,     p + "mlp.c_proj.bias",    {C}},
  };
  // clang-format on
}

std::vector<TensorSpec> gpt_neox_layer(const ModelConfig& c, const std::string& p) {
  const int64_t C = c.hidden, F = c.intermediate, Q = int64_t(c.n_heads) * c.head_size;
  const bool b = c.attention.qkv_bias;
  std::vector<TensorSpec> t = {
      {Role::AttnNorm, p + "input_layernorm.weight", {C}},
      {Role::AttnNormBias, p + "input_layernorm.bias", {C}},
      {Role::QKV, p + "attention.query_key_value.weight", {3 * Q, C}},  // per head q|k|v
  };
  if (b) t.push_back({Role::QKVBias, p + "attention.query_key_value.bias", {3 * Q}});
  t.push_back({Role::O, p + "attention.dense.weight", {C, Q}});
  if (c.attention.o_bias) t.push_back({Role::OBias, p + "attention.dense.bias", {C}});
  // clang-format off
  t.insert(t.end(), {
      {Role::MlpNorm,     p + "post_attention_layernorm.weight", {C}},
      {Role::MlpNormBias, p + "post_attention_layernorm.bias",   {C}},
      {Role::Up,          p + "mlp.dense_h_to_4h.weight",        {F, C}},
      {Role::UpBias,      p + "mlp.dense_h_to_4h.bias",          {F}},
      {Role::Down,        p + "mlp.dense_4h_to_h.weight",        {C, F}},
      {Role::DownBias,    p + "mlp.dense_4h_to_h.bias",          {C}},
  });
  // clang-format on
  return t;
}

// LLaMA and the families built like it (names under model.layers.N.).
std::vector<TensorSpec> decoder_layer(const ModelConfig& c, const std::string& p) {
  const int64_t C = c.hidden, F = c.intermediate, HS = c.head_size;
  const int64_t Q = c.n_heads * HS, KV = c.n_kv_heads * HS;
  const std::string a = p + "self_attn.", m = p + "mlp.";
  std::vector<TensorSpec> t;
  if (c.pre_norms) t.push_back({Role::AttnNorm, p + "input_layernorm.weight", {C}});
  if (c.family == Family::Phi3) {
    t.push_back({Role::QKV, a + "qkv_proj.weight", {Q + 2 * KV, C}});  // q rows, k rows, v rows
  } else {
    t.push_back({Role::Q, a + "q_proj.weight", {Q, C}});
    if (c.attention.qkv_bias) t.push_back({Role::QBias, a + "q_proj.bias", {Q}});
    t.push_back({Role::K, a + "k_proj.weight", {KV, C}});
    if (c.attention.qkv_bias) t.push_back({Role::KBias, a + "k_proj.bias", {KV}});
    t.push_back({Role::V, a + "v_proj.weight", {KV, C}});
    if (c.attention.qkv_bias) t.push_back({Role::VBias, a + "v_proj.bias", {KV}});
  }
  t.push_back({Role::O, a + "o_proj.weight", {C, Q}});
  if (c.attention.o_bias) t.push_back({Role::OBias, a + "o_proj.bias", {C}});
  switch (c.attention.qk_norm) {
    case QkNorm::None:
      break;
    case QkNorm::PerHead:
      t.push_back({Role::QNorm, a + "q_norm.weight", {HS}});
      t.push_back({Role::KNorm, a + "k_norm.weight", {HS}});
      break;
    case QkNorm::Full:
      t.push_back({Role::QNorm, a + "q_norm.weight", {Q}});
      t.push_back({Role::KNorm, a + "k_norm.weight", {KV}});
      break;
  }
  // OLMo 2 and Gemma 2 name their post-attention norm as LLaMA names the pre-MLP
  // norm; Gemma 2's pre-MLP norm is pre_feedforward_layernorm.
  t.push_back({c.post_norms ? Role::PostAttnNorm : Role::MlpNorm,
               p + "post_attention_layernorm.weight",
               {C}});
  if (c.pre_norms && c.post_norms)
    t.push_back({Role::MlpNorm, p + "pre_feedforward_layernorm.weight", {C}});
  if (c.family == Family::Phi3) {
    t.push_back({Role::GateUp, m + "gate_up_proj.weight", {2 * F, C}});  // gate rows, up rows
  } else {
    t.push_back({Role::Gate, m + "gate_proj.weight", {F, C}});
    if (c.mlp_bias) t.push_back({Role::GateBias, m + "gate_proj.bias", {F}});
    t.push_back({Role::Up, m + "up_proj.weight", {F, C}});
    if (c.mlp_bias) t.push_back({Role::UpBias, m + "up_proj.bias", {F}});
  }
  t.push_back({Role::Down, m + "down_proj.weight", {C, F}});
  if (c.mlp_bias) t.push_back({Role::DownBias, m + "down_proj.bias", {C}});
  if (c.post_norms) t.push_back({Role::PostMlpNorm, p + "post_feedforward_layernorm.weight", {C}});
  return t;
}

}  // namespace

int64_t TensorSpec::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::vector<TensorSpec> embedding_tensors(const ModelConfig& c) {
  const int64_t V = c.vocab_size, C = c.hidden;
  switch (c.family) {
    case Family::Gpt2:
      return {{Role::Embed, "transformer.wte.weight", {V, C}},
              {Role::Positions, "transformer.wpe.weight", {int64_t(c.max_positions), C}}};
    case Family::GptNeox:
      return {{Role::Embed, "gpt_neox.embed_in.weight", {V, C}}};
    case Family::Llama:
    case Family::Mistral:
    case Family::Qwen2:
    case Family::Qwen3:
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Phi3:
    case Family::Olmo2:
      return {{Role::Embed, "model.embed_tokens.weight", {V, C}}};
  }
  return {};
}

std::vector<TensorSpec> layer_tensors(const ModelConfig& c, int layer) {
  const std::string p = layer_prefix(c, layer);
  switch (c.family) {
    case Family::Gpt2:
      return gpt2_layer(c, p);
    case Family::GptNeox:
      return gpt_neox_layer(c, p);
    case Family::Llama:
    case Family::Mistral:
    case Family::Qwen2:
    case Family::Qwen3:
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Phi3:
    case Family::Olmo2:
      return decoder_layer(c, p);
  }
  return {};
}

std::string lm_head_name(const ModelConfig& c) {
  return c.family == Family::GptNeox ? "embed_out.weight" : "lm_head.weight";
}

std::vector<TensorSpec> head_tensors(const ModelConfig& c) {
  const int64_t V = c.vocab_size, C = c.hidden;
  std::vector<TensorSpec> t;
  switch (c.family) {
    case Family::Gpt2:
      t = {{Role::FinalNorm, "transformer.ln_f.weight", {C}},
           {Role::FinalNormBias, "transformer.ln_f.bias", {C}}};
      break;
    case Family::GptNeox:
      t = {{Role::FinalNorm, "gpt_neox.final_layer_norm.weight", {C}},
           {Role::FinalNormBias, "gpt_neox.final_layer_norm.bias", {C}}};
      break;
    case Family::Llama:
    case Family::Mistral:
    case Family::Qwen2:
    case Family::Qwen3:
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Phi3:
    case Family::Olmo2:
      t = {{Role::FinalNorm, "model.norm.weight", {C}}};
      break;
  }
  if (!c.tie_word_embeddings) t.push_back({Role::LmHead, lm_head_name(c), {V, C}});
  return t;
}

bool is_ignored_buffer(const ModelConfig& c, const std::string& name) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".rotary_emb.inv_freq")) return c.family != Family::Gpt2;
  if (c.family == Family::Gpt2) return ends_with(".attn.bias") || ends_with(".attn.masked_bias");
  if (c.family == Family::GptNeox)
    return ends_with(".attention.bias") || ends_with(".attention.masked_bias");
  return false;
}

std::vector<std::string> unexpected_tensors(const ModelConfig& c,
                                            const std::vector<std::string>& stored,
                                            const std::string& strip_prefix) {
  std::set<std::string> known;
  auto add = [&](const std::vector<TensorSpec>& specs) {
    for (const auto& s : specs) {
      std::string n = s.name;
      if (!strip_prefix.empty() && n.compare(0, strip_prefix.size(), strip_prefix) == 0)
        n = n.substr(strip_prefix.size());
      known.insert(n);
    }
  };
  add(embedding_tensors(c));
  for (int l = 0; l < c.n_layers; ++l) add(layer_tensors(c, l));
  add(head_tensors(c));
  if (c.tie_word_embeddings) known.insert(lm_head_name(c));  // saved by some writers, not read
  std::vector<std::string> out;
  for (const auto& n : stored)
    if (!known.count(n) && !is_ignored_buffer(c, n)) out.push_back(n);
  return out;
}

}  // namespace lmgaze
