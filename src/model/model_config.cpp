#include "model/model_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "model/architecture.hpp"

namespace lmgaze {
namespace {

using json = nlohmann::json;

std::string format_number(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

// config.json readers: a missing required key or a value of the wrong type is
// an InputError naming the file and the key; every fallback taken is recorded.
class ConfigReader {
 public:
  ConfigReader(const json& j, const std::string& source, std::vector<std::string>* defaulted)
      : j_(j), source_(source), defaulted_(defaulted) {}

  const json& root() const { return j_; }
  const std::string& source() const { return source_; }
  bool has(const char* key) const { return j_.contains(key) && !j_[key].is_null(); }

  int positive_int(const char* key) const {
    if (!has(key)) throw InputError(source_, std::string("missing \"") + key + "\"");
    return positive_int_value(j_[key], key);
  }
  int positive_int(const char* key, int fallback) const {
    if (has(key)) return positive_int_value(j_[key], key);
    note_default(key, std::to_string(fallback));
    return fallback;
  }
  double positive_double(const char* key, double fallback) const {
    if (!has(key)) {
      note_default(key, format_number(fallback));
      return fallback;
    }
    return positive_double_value(j_[key], key);
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) {
      note_default(key, fallback ? "true" : "false");
      return fallback;
    }
    if (!j_[key].is_boolean())
      throw InputError(source_, std::string("\"") + key + "\" must be true or false");
    return j_[key].get<bool>();
  }
  std::string string(const char* key, const std::string& fallback) const {
    if (!has(key)) {
      if (!fallback.empty()) note_default(key, fallback);
      return fallback;
    }
    if (!j_[key].is_string())
      throw InputError(source_, std::string("\"") + key + "\" must be a string");
    return j_[key].get<std::string>();
  }
  // Token ids may be an integer, null, or (in some configs) a list: take the first.
  int64_t token_id(const char* key, int64_t fallback) const {
    if (!j_.contains(key)) {
      note_default(key, fallback < 0 ? "none" : std::to_string(fallback));
      return fallback;
    }
    const json& v = j_[key];
    if (v.is_null()) return -1;
    if (v.is_array() && !v.empty() && v[0].is_number_integer()) return v[0].get<int64_t>();
    if (v.is_number_integer()) return v.get<int64_t>();
    throw InputError(source_, std::string("\"") + key + "\" must be a token id");
  }
  // A feature lmgaze does not implement must not be silently ignored.
  void reject(const std::string& key, bool present, const std::string& why) const {
    if (present) throw InputError(source_, "\"" + key + "\": " + why);
  }
  void note_default(const std::string& key, const std::string& value) const {
    defaulted_->push_back(key + "=" + value + " (default)");
  }
  int positive_int_value(const json& v, const std::string& key) const {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0 || v.get<int64_t>() > (1LL << 30))
      throw InputError(source_, "\"" + key + "\" must be a positive integer");
    return static_cast<int>(v.get<int64_t>());
  }
  double positive_double_value(const json& v, const std::string& key) const {
    if (!v.is_number() || v.get<double>() <= 0)
      throw InputError(source_, "\"" + key + "\" must be a positive number");
    return v.get<double>();
  }

 private:
  const json& j_;
  const std::string& source_;
  std::vector<std::string>* defaulted_;
};

// "silu", "gelu_new" (tanh approximation) or "gelu" (erf), from transformers' ACT2FN names.
std::string activation_name(const ConfigReader& r, const char* key, const std::string& act) {
  if (act == "silu" || act == "swish") return "silu";
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") return "gelu_new";
  if (act == "gelu") return "gelu";
  r.reject(key, true,
           "unsupported activation '" + act + "'; supported: silu, gelu, gelu_new, " +
               "gelu_pytorch_tanh");
  return "";
}

// ------------------------------------------------------------------ rotary

// The rotary parameters, wherever the config keeps them: transformers 4 writes
// rope_theta at the top level and scaling in rope_scaling ("type" or
// "rope_type"); transformers 5 writes both inside rope_parameters. A value given
// in two places must agree.
class RotaryKeys {
 public:
  explicit RotaryKeys(const ConfigReader& r) : r_(r) {
    for (const char* block : {"rope_scaling", "rope_parameters"}) {
      if (!r.has(block)) continue;
      const json* b = &r.root()[block];
      if (!b->is_object()) r.reject(block, true, "must be an object");
      // transformers 5 may key the parameters by layer type ({"full_attention":
      // {...}, "sliding_attention": {...}}); one set for all layers is read, two
      // different ones are refused.
      std::string where = block;
      if (!b->empty() && b->begin().value().is_object()) {
        for (auto it = b->begin(); it != b->end(); ++it)
          r.reject(std::string(block) + "." + it.key(),
                   !it.value().is_object() || it.value() != b->begin().value(),
                   "rotary parameters that differ between layer types are not supported");
        where += "." + b->begin().key();
        b = &b->begin().value();
      }
      for (auto it = b->begin(); it != b->end(); ++it) {
        if (it.value().is_object())
          r.reject(where + "." + it.key(), true, "not understood as a rotary parameter");
        std::string key = it.key() == "type" ? "rope_type" : it.key();
        add(key, it.value(), where + "." + it.key());
      }
    }
  }

  // A top-level key that may also live in the blocks (under `inner` there).
  void top_level(const char* key, const std::string& inner) {
    if (r_.has(key)) add(inner, r_.root()[key], key);
  }
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  const std::string& where(const std::string& key) const { return where_.at(key); }
  double number(const std::string& key, double fallback, const std::string& default_name) const {
    if (!has(key)) {
      if (!default_name.empty()) r_.note_default(default_name, format_number(fallback));
      return fallback;
    }
    return r_.positive_double_value(values_.at(key), where(key));
  }
  double required_number(const std::string& key, const std::string& type) const {
    if (!has(key)) r_.reject("rope_type", true, "'" + type + "' needs \"" + key + "\"");
    return r_.positive_double_value(values_.at(key), where(key));
  }
  std::string type() const {
    if (!has("rope_type")) return "default";
    const json& v = values_.at("rope_type");
    if (!v.is_string()) r_.reject(where("rope_type"), true, "must be a string");
    return v.get<std::string>();
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> k;
    for (const auto& [key, v] : values_) k.push_back(key);
    return k;
  }

 private:
  void add(const std::string& key, const json& v, const std::string& where) {
    if (v.is_null()) return;
    auto it = values_.find(key);
    if (it != values_.end() && it->second != v)
      r_.reject(where, true, "disagrees with \"" + where_[key] + "\"");
    values_[key] = v;
    where_.emplace(key, where);
  }

  const ConfigReader& r_;
  std::map<std::string, json> values_;
  std::map<std::string, std::string> where_;
};

// theta_key / fraction_key: the family's own top-level names for the base and
// the rotary share (GPT-NeoX: rotary_emb_base, rotary_pct).
RotarySpec parse_rotary(const ConfigReader& r, int max_positions, const char* theta_key,
                        const char* fraction_key, double default_fraction) {
  RotaryKeys k(r);
  k.top_level("rope_theta", "rope_theta");
  if (std::string(theta_key) != "rope_theta") k.top_level(theta_key, "rope_theta");
  k.top_level("partial_rotary_factor", "partial_rotary_factor");
  if (fraction_key) k.top_level(fraction_key, "partial_rotary_factor");
  RotarySpec s;
  s.base = k.number("rope_theta", 10000.0, theta_key);
  // Families without partial rotary have no such key to default.
  s.fraction =
      k.number("partial_rotary_factor", default_fraction, fraction_key ? fraction_key : "");
  r.reject("partial_rotary_factor", s.fraction > 1, "must be at most 1");
  s.scaling = k.type();
  // original_max_position_embeddings is read only by the scalings that use it.
  std::vector<std::string> allowed = {"rope_type", "rope_theta", "partial_rotary_factor",
                                      "original_max_position_embeddings"};
  if (s.scaling == "default") {
  } else if (s.scaling == "linear") {
    s.factor = k.required_number("factor", s.scaling);
    allowed.push_back("factor");
  } else if (s.scaling == "dynamic") {
    s.factor = k.required_number("factor", s.scaling);
    // transformers grows the base past max_position_embeddings (4.x) or the
    // original context (5.x); within the smaller of the two both are `default`.
    s.original_max_positions = max_positions;
    if (k.has("original_max_position_embeddings"))
      s.original_max_positions = std::min(
          max_positions,
          static_cast<int>(k.required_number("original_max_position_embeddings", s.scaling)));
    allowed.insert(allowed.end(), {"factor", "original_max_position_embeddings"});
  } else if (s.scaling == "llama3") {
    s.factor = k.required_number("factor", s.scaling);
    s.low_freq_factor = k.required_number("low_freq_factor", s.scaling);
    s.high_freq_factor = k.required_number("high_freq_factor", s.scaling);
    s.original_max_positions =
        static_cast<int>(k.required_number("original_max_position_embeddings", s.scaling));
    r.reject("high_freq_factor", s.high_freq_factor <= s.low_freq_factor,
             "must exceed low_freq_factor");
    allowed.insert(allowed.end(), {"factor", "low_freq_factor", "high_freq_factor",
                                   "original_max_position_embeddings"});
  } else {
    r.reject(k.where("rope_type"), true,
             "rotary scaling '" + s.scaling + "' is not supported; supported: default, linear, " +
                 "dynamic, llama3");
  }
  for (const auto& key : k.keys())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      r.reject(k.where(key), true, "not understood with rotary scaling '" + s.scaling + "'");
  return s;
}

// ------------------------------------------------------------------ families

// transformers' per-family defaults of the keys that differ between families.
struct FamilyDefaults {
  int max_positions;
  double norm_eps;
  bool tie;
  int64_t bos, eos;
  const char* activation;
};

FamilyDefaults defaults_of(Family f) {
  switch (f) {
    case Family::Gpt2:
      return {1024, 1e-5, true, 50256, 50256, "gelu_new"};
    case Family::Llama:
      return {2048, 1e-6, false, 1, 2, "silu"};
    case Family::Mistral:
      return {4096 * 32, 1e-6, false, 1, 2, "silu"};
    case Family::Qwen2:
      return {32768, 1e-6, false, -1, -1, "silu"};
    case Family::Qwen3:
      return {32768, 1e-6, false, -1, -1, "silu"};
    case Family::Gemma:
    case Family::Gemma2:
      return {8192, 1e-6, true, 2, 1, "gelu_pytorch_tanh"};
    case Family::Phi3:
      return {4096, 1e-5, false, 1, 32000, "silu"};
    case Family::GptNeox:
      return {2048, 1e-5, false, 0, 2, "gelu"};
    case Family::Olmo2:
      return {2048, 1e-5, false, -1, 50279, "silu"};
  }
  return {};
}

ModelConfig parse_gpt2(const ConfigReader& r) {
  const FamilyDefaults d = defaults_of(Family::Gpt2);
  ModelConfig c;
  c.hidden = r.positive_int("n_embd");
  c.n_layers = r.positive_int("n_layer");
  c.n_heads = r.positive_int("n_head");
  c.n_kv_heads = c.n_heads;
  c.intermediate = r.positive_int("n_inner", 4 * c.hidden);  // null means 4 * n_embd
  c.vocab_size = r.positive_int("vocab_size");
  c.max_positions =
      r.positive_int("n_positions", r.has("n_ctx") ? r.positive_int("n_ctx") : d.max_positions);
  c.norm_eps = r.positive_double("layer_norm_epsilon", d.norm_eps);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", d.tie);
  c.bos_id = r.token_id("bos_token_id", d.bos);
  c.eos_id = r.token_id("eos_token_id", d.eos);
  const std::string act = r.string("activation_function", d.activation);
  c.activation = activation_name(r, "activation_function", act);
  r.reject("activation_function", c.activation != "gelu_new",
           "unsupported activation '" + act + "'; supported: gelu_new, gelu_pytorch_tanh");
  r.reject("scale_attn_weights", !r.boolean("scale_attn_weights", true),
           "unscaled attention is not supported");
  r.reject("scale_attn_by_inverse_layer_idx", r.boolean("scale_attn_by_inverse_layer_idx", false),
           "not supported");
  r.reject("reorder_and_upcast_attn", r.boolean("reorder_and_upcast_attn", false), "not supported");
  r.reject("add_cross_attention", r.boolean("add_cross_attention", false), "not supported");
  r.reject("n_embd", c.hidden % c.n_heads != 0,
           "hidden size " + std::to_string(c.hidden) +
               " is not a multiple of the number of heads " + std::to_string(c.n_heads));
  c.head_size = c.hidden / c.n_heads;
  c.norm = NormKind::LayerNorm;
  c.mlp = MlpKind::Plain;
  c.mlp_bias = true;
  c.attention.qkv_bias = c.attention.o_bias = true;
  return c;
}

// Keys of a family that does not have the feature: absent, null or off.
void reject_absent(const ConfigReader& r, Family f) {
  if (f == Family::Gemma2) return;  // has them all but clip_qkv, which it never reads
  const std::string fam = family_name(f);
  for (const char* key :
       {"attn_logit_softcapping", "final_logit_softcapping", "query_pre_attn_scalar", "clip_qkv"})
    r.reject(key, r.has(key), "not part of " + fam + " in lmgaze");
}

// The sliding window of each layer: `window` (0 = none) everywhere unless
// config.json lists layer_types (transformers 5). `alternating` (Gemma 2): by
// default layers 0, 2, 4, ... slide and the others see everything, and
// layer_types may mix the two.
std::vector<int> layer_windows(const ConfigReader& r, int n_layers, int window, bool alternating) {
  std::vector<int> w(static_cast<size_t>(n_layers), window);
  if (alternating)
    for (int l = 1; l < n_layers; l += 2) w[l] = 0;
  if (!r.has("layer_types")) return w;
  const json& t = r.root()["layer_types"];
  if (!t.is_array() || static_cast<int>(t.size()) != n_layers)
    r.reject("layer_types", true, "must list one type per layer");
  for (int l = 0; l < n_layers; ++l) {
    const std::string type = t[l].is_string() ? t[l].get<std::string>() : "";
    if (type == "full_attention" && (window == 0 || alternating))
      w[l] = 0;
    else if (type == "sliding_attention" && window > 0)
      w[l] = window;
    else
      r.reject("layer_types", true,
               "layer type '" + type + "' is not supported" +
                   (type == "sliding_attention" ? " without a sliding_window"
                    : type == "full_attention"  ? " beside a sliding_window"
                                                : ""));
  }
  return w;
}

// LLaMA and every family built like it (GPT-NeoX included: only names differ).
ModelConfig parse_decoder(const ConfigReader& r, Family f) {
  const FamilyDefaults d = defaults_of(f);
  ModelConfig c;
  c.hidden = r.positive_int("hidden_size");
  c.n_layers = r.positive_int("num_hidden_layers");
  c.n_heads = r.positive_int("num_attention_heads");
  c.n_kv_heads =
      f == Family::GptNeox ? c.n_heads : r.positive_int("num_key_value_heads", c.n_heads);
  c.intermediate = r.positive_int("intermediate_size");
  c.vocab_size = r.positive_int("vocab_size");
  c.max_positions = r.positive_int("max_position_embeddings", d.max_positions);
  c.norm_eps =
      r.positive_double(f == Family::GptNeox ? "layer_norm_eps" : "rms_norm_eps", d.norm_eps);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", d.tie);
  c.bos_id = r.token_id("bos_token_id", d.bos);
  c.eos_id = r.token_id("eos_token_id", d.eos);
  reject_absent(r, f);
  r.reject("num_key_value_heads", c.n_heads % c.n_kv_heads != 0,
           "num_attention_heads must be a multiple of num_key_value_heads");

  // Head size: stored by Gemma (256) and Qwen3 (128) configs, C / NH elsewhere.
  const bool gemma = f == Family::Gemma || f == Family::Gemma2;
  const bool explicit_head = f == Family::Llama || f == Family::Mistral || f == Family::Qwen2 ||
                             f == Family::Qwen3 || gemma || f == Family::Olmo2;
  const int derived = c.hidden % c.n_heads == 0 ? c.hidden / c.n_heads : 0;
  const int head_default = gemma ? 256 : f == Family::Qwen3 ? 128 : derived;
  if (explicit_head && r.has("head_dim")) {
    c.head_size = r.positive_int("head_dim");
  } else {
    r.reject("head_dim", r.has("head_dim") && r.positive_int("head_dim") != derived,
             std::string("not read by ") + family_name(f) + "; it must equal hidden_size / " +
                 "num_attention_heads");
    if (head_default == 0)
      throw InputError(r.source(), "hidden size " + std::to_string(c.hidden) +
                                       " is not a multiple of the number of heads " +
                                       std::to_string(c.n_heads));
    c.head_size = head_default;
    if (explicit_head && head_default != derived)
      r.note_default("head_dim", std::to_string(head_default));
  }

  // Activation. Gemma reads hidden_activation first (transformers 4.38+).
  std::string act_key = "hidden_act";
  // Gemma reads hidden_activation when given (Gemma 2 only ever reads it).
  if ((gemma && r.has("hidden_activation")) || f == Family::Gemma2) act_key = "hidden_activation";
  // Older transformers ran Gemma's "gelu" as the tanh approximation, newer
  // ones as erf: without hidden_activation the config does not say which.
  r.reject("hidden_act",
           f == Family::Gemma && act_key == "hidden_act" && r.string("hidden_act", "") == "gelu",
           "'gelu' without \"hidden_activation\" means tanh-GELU to older transformers and "
           "erf-GELU to newer; set \"hidden_activation\"");
  c.activation = activation_name(r, act_key.c_str(), r.string(act_key.c_str(), d.activation));
  if (gemma || f == Family::GptNeox)
    r.reject(act_key, c.activation == "silu", "silu is not the activation of this family");
  else
    r.reject(act_key, c.activation != "silu",
             "unsupported activation '" + c.activation + "'; supported: silu");

  // Rotary.
  if (f == Family::GptNeox)
    c.rotary = parse_rotary(r, c.max_positions, "rotary_emb_base", "rotary_pct", 0.25);
  else
    c.rotary = parse_rotary(r, c.max_positions, "rope_theta", nullptr, 1.0);
  const int rot = c.rotary.rotary_dim(c.head_size);
  if (rot % 2 != 0 || rot == 0)
    throw InputError(r.source(),
                     "rotary embeddings need an even number of rotary channels, found " +
                         std::to_string(rot) + " of a head of " + std::to_string(c.head_size));

  // Attention and MLP layout.
  AttentionSpec& a = c.attention;
  a.scale = 1.0 / std::sqrt(static_cast<double>(c.head_size));
  int window = 0;
  bool bias = false;
  switch (f) {
    case Family::Llama:
      bias = r.boolean("attention_bias", false);
      a.qkv_bias = a.o_bias = bias;
      c.mlp_bias = r.boolean("mlp_bias", false);
      break;
    case Family::Gemma:
    case Family::Gemma2:
    case Family::Qwen3:
    case Family::Olmo2:
      bias = r.boolean("attention_bias", false);
      a.qkv_bias = a.o_bias = bias;
      break;
    case Family::Mistral:
    case Family::Phi3:
      r.reject("attention_bias", r.boolean("attention_bias", false),
               std::string("biased projections are not part of ") + family_name(f));
      if (r.has("sliding_window"))
        window = r.positive_int("sliding_window");
      else if (f == Family::Mistral && !r.root().contains("sliding_window"))
        window = r.positive_int("sliding_window", 4096);  // MistralConfig's default
      break;
    case Family::Qwen2:
      a.qkv_bias = true;  // always, o_proj never
      r.reject("attention_bias", r.has("attention_bias") && !r.boolean("attention_bias", true),
               "qwen2's q, k and v projections are always biased");
      break;
    case Family::GptNeox:
      bias = r.boolean("attention_bias", true);
      a.qkv_bias = a.o_bias = bias;
      c.parallel_residual = r.boolean("use_parallel_residual", true);
      c.norm = NormKind::LayerNorm;
      c.mlp = MlpKind::Plain;
      c.mlp_bias = true;
      break;
    case Family::Gpt2:
      break;  // parse_gpt2
  }
  if (f == Family::Qwen2 || f == Family::Qwen3)
    r.reject("use_sliding_window", r.boolean("use_sliding_window", false),
             "Qwen's layer-dependent sliding window is not supported");
  if (f != Family::Llama)
    r.reject("mlp_bias", r.has("mlp_bias") && r.boolean("mlp_bias", false),
             std::string("biased MLP is not part of ") + family_name(f));
  if (f != Family::Mistral && f != Family::Phi3 && f != Family::Qwen2 && f != Family::Qwen3 &&
      f != Family::Gemma2)
    r.reject("sliding_window", r.has("sliding_window"),
             std::string("no sliding window in ") + family_name(f));
  if (f == Family::Gemma2) {
    // Soft-capping changes the probabilities themselves: both caps are honoured.
    window = r.positive_int("sliding_window", 4096);
    a.scale = 1.0 / std::sqrt(r.positive_double("query_pre_attn_scalar", 256));
    if (!r.root().contains("attn_logit_softcapping"))
      a.softcap = r.positive_double("attn_logit_softcapping", 50.0);
    else if (r.has("attn_logit_softcapping"))
      a.softcap = r.positive_double("attn_logit_softcapping", 0);
    if (!r.root().contains("final_logit_softcapping"))
      c.logit_softcap = r.positive_double("final_logit_softcapping", 30.0);
    else if (r.has("final_logit_softcapping"))
      c.logit_softcap = r.positive_double("final_logit_softcapping", 0);
  }
  a.window = layer_windows(r, c.n_layers, window, f == Family::Gemma2);
  if (f == Family::Gemma || f == Family::Gemma2) {
    c.norm = NormKind::RmsNormOffset;
    c.embed_scale = true;
  }
  if (f == Family::Gemma2) c.post_norms = true;  // and pre-norms: four per layer
  if (f == Family::Qwen3) a.qk_norm = QkNorm::PerHead;
  if (f == Family::Olmo2) {
    a.qk_norm = QkNorm::Full;
    c.norm = NormKind::RmsNormWide;
    c.pre_norms = false;
    c.post_norms = true;
  }
  return c;
}

// The registry: every family lmgaze reads, by model_type.
struct FamilyEntry {
  Family family;
  const char* model_type;
};
constexpr FamilyEntry kFamilies[] = {
    {Family::Gemma, "gemma"},      {Family::Gemma2, "gemma2"}, {Family::Gpt2, "gpt2"},
    {Family::GptNeox, "gpt_neox"}, {Family::Llama, "llama"},   {Family::Mistral, "mistral"},
    {Family::Olmo2, "olmo2"},      {Family::Phi3, "phi3"},     {Family::Qwen2, "qwen2"},
    {Family::Qwen3, "qwen3"},
};

}  // namespace

const char* family_name(Family f) {
  for (const auto& e : kFamilies)
    if (e.family == f) return e.model_type;
  return "?";
}

std::string supported_model_types() {
  std::string s;
  for (const auto& e : kFamilies) s += (s.empty() ? "" : ", ") + std::string(e.model_type);
  return s;
}

ModelConfig parse_model_config(const std::string& json_text, const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    std::string what = e.what();
    for (char& ch : what)
      if (ch == '\n' || ch == '\r') ch = ' ';
    throw InputError(source, "not valid JSON: " + what);
  }
  if (!j.is_object()) throw InputError(source, "not a JSON object");
  std::vector<std::string> defaulted;
  ConfigReader r(j, source, &defaulted);
  const std::string type = r.string("model_type", "");
  const FamilyEntry* entry = nullptr;
  for (const auto& e : kFamilies)
    if (type == e.model_type) entry = &e;
  if (!entry)
    throw InputError(
        source, "unsupported model_type '" + type + "'; supported: " + supported_model_types());
  ModelConfig c = entry->family == Family::Gpt2 ? parse_gpt2(r) : parse_decoder(r, entry->family);
  c.family = entry->family;
  c.model_type = entry->model_type;
  if (c.attention.scale == 0) c.attention.scale = 1.0 / std::sqrt(double(c.head_size));
  if (c.attention.window.empty()) c.attention.window.assign(size_t(c.n_layers), 0);
  // The dtype the weights were saved in: torch_dtype (transformers 4) or dtype (5).
  const std::string td = r.string("torch_dtype", ""), dt = r.string("dtype", "");
  r.reject("dtype", !td.empty() && !dt.empty() && td != dt, "disagrees with \"torch_dtype\"");
  c.weights_dtype = td.empty() ? dt : td;
  c.defaulted = std::move(defaulted);
  c.source = source;
  return c;
}

ModelConfig read_model_config(const std::string& model_dir) {
  const std::string path = model_dir + "/config.json";
  return parse_model_config(read_whole_file(path), path);
}

std::string describe_model(const ModelConfig& c) {
  auto b = [](bool x) { return x ? "true" : "false"; };
  std::string s = c.model_type + ": head_dim=" + std::to_string(c.head_size);
  if (!c.is_gpt2()) {
    const RotarySpec& r = c.rotary;
    s += ", rotary base=" + format_number(r.base) + " fraction=" + format_number(r.fraction) +
         " scaling=" + r.scaling;
    if (r.scaling != "default") s += " factor=" + format_number(r.factor);
    if (r.scaling == "llama3")
      s += " low_freq_factor=" + format_number(r.low_freq_factor) +
           " high_freq_factor=" + format_number(r.high_freq_factor);
    if (r.original_max_positions > 0)
      s += " original_max_positions=" + std::to_string(r.original_max_positions);
  }
  const AttentionSpec& a = c.attention;
  std::string windows;
  for (int w : a.window) windows += (windows.empty() ? "" : ",") + std::to_string(w);
  const char* qk = a.qk_norm == QkNorm::None      ? "none"
                   : a.qk_norm == QkNorm::PerHead ? "per_head"
                                                  : "full";
  s += std::string(", attention scale=") + format_number(a.scale) +
       " softcap=" + format_number(a.softcap) + " window=" + windows +
       " qkv_bias=" + b(a.qkv_bias) + " o_bias=" + b(a.o_bias) + " qk_norm=" + qk;
  const char* norm = c.norm == NormKind::LayerNorm     ? "layer_norm"
                     : c.norm == NormKind::RmsNorm     ? "rms_norm"
                     : c.norm == NormKind::RmsNormWide ? "rms_norm_fp32_weight"
                                                       : "rms_norm_1p";
  s += std::string(", norm=") + norm + " eps=" + format_number(c.norm_eps) +
       ", mlp=" + (c.mlp == MlpKind::Gated ? "gated " : "plain ") + c.activation +
       " bias=" + b(c.mlp_bias) + ", parallel_residual=" + b(c.parallel_residual) +
       ", pre_norms=" + b(c.pre_norms) + ", post_norms=" + b(c.post_norms) +
       ", logit_softcap=" + format_number(c.logit_softcap) + ", embed_scale=" + b(c.embed_scale) +
       ", tie_word_embeddings=" + b(c.tie_word_embeddings);
  return s;
}

std::string describe_defaults(const ModelConfig& c) {
  std::string s;
  for (const auto& d : c.defaulted) s += (s.empty() ? "" : "; ") + d;
  return s;
}

namespace {
int64_t total(const std::vector<TensorSpec>& t) {
  int64_t n = 0;
  for (const auto& s : t) n += s.numel();
  return n;
}
}  // namespace

int64_t n_layer_params(const ModelConfig& c) { return total(layer_tensors(c, 0)); }

int64_t n_embedding_params(const ModelConfig& c) { return total(embedding_tensors(c)); }

int64_t n_head_params(const ModelConfig& c) { return total(head_tensors(c)); }

int64_t n_tied_head_params(const ModelConfig& c) {
  return c.tie_word_embeddings ? int64_t(c.vocab_size) * c.hidden : 0;
}

int64_t n_params(const ModelConfig& c) {
  return n_embedding_params(c) + c.n_layers * n_layer_params(c) + n_head_params(c);
}

int64_t parameter_bytes_per_layer(const ModelConfig& c, int bytes_per_param) {
  return n_layer_params(c) * bytes_per_param;
}

}  // namespace lmgaze
