#include "tiny_checkpoint.hpp"

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <stdexcept>

namespace lmgaze::testing {
namespace {

using json = nlohmann::json;

// Random values k * 2^-exp, k uniform in [lo, hi]; exact in F32, F16 and BF16.
std::vector<double> draw(std::mt19937_64& rng, int64_t n, int lo, int hi, int exp) {
  std::uniform_int_distribution<int> k(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = std::ldexp(static_cast<double>(k(rng)), -exp);
  return v;
}

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// Little-endian encodings of an exactly representable value.
void append_f32(std::vector<unsigned char>& out, double x) {
  float f = static_cast<float>(x);
  unsigned char b[4];
  std::memcpy(b, &f, 4);
  out.insert(out.end(), b, b + 4);
}

void append_bf16(std::vector<unsigned char>& out, double x) {
  float f = static_cast<float>(x);
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (bits & 0xFFFF) throw std::logic_error("value not exact in bf16");
  out.push_back(static_cast<unsigned char>((bits >> 16) & 0xFF));
  out.push_back(static_cast<unsigned char>(bits >> 24));
}

void append_f16(std::vector<unsigned char>& out, double x) {
  uint16_t h = 0;
  if (x != 0) {
    int e;
    double m = std::frexp(std::fabs(x), &e);  // |x| = m * 2^e, m in [0.5, 1)
    const int exp_h = e - 1 + 15;             // biased exponent of 1.f * 2^(e-1)
    const double frac = (2 * m - 1) * 1024;
    if (exp_h < 1 || exp_h > 30 || frac != std::floor(frac))
      throw std::logic_error("value not exact in f16");
    h = static_cast<uint16_t>((x < 0 ? 0x8000 : 0) | (exp_h << 10) | static_cast<int>(frac));
  }
  out.push_back(static_cast<unsigned char>(h & 0xFF));
  out.push_back(static_cast<unsigned char>(h >> 8));
}

size_t dtype_bytes(const std::string& dtype) { return dtype == "F32" ? 4 : 2; }

// Index of the shard a tensor goes to (see write_checkpoint).
int shard_of(const TinyModel& m, const std::string& name, int n_shards) {
  static const std::regex layer_key(R"((?:^|\.)(?:h|layers)\.(\d+)\.)");
  std::smatch match;
  if (std::regex_search(name, match, layer_key)) return std::stoi(match[1]) * n_shards / m.n_layers;
  const bool embedding = name.find("wte") != std::string::npos ||
                         name.find("wpe") != std::string::npos ||
                         name.find("embed_tokens") != std::string::npos;
  return embedding ? 0 : n_shards - 1;
}

void write_file(const std::string& path, const std::vector<std::string>& names, const TinyModel& m,
                const std::string& dtype) {
  json header = json::object();
  std::vector<unsigned char> data;
  for (const auto& name : names) {
    const size_t begin = data.size();
    for (double x : m.at(name)) {
      if (dtype == "F32")
        append_f32(data, x);
      else if (dtype == "F16")
        append_f16(data, x);
      else
        append_bf16(data, x);
    }
    header[name] = {
        {"dtype", dtype}, {"shape", m.shapes.at(name)}, {"data_offsets", {begin, data.size()}}};
  }
  header["__metadata__"] = {{"format", "pt"}};
  write_raw_safetensors(path, header.dump(), data);
}

}  // namespace

void TinyModel::add(const std::string& name, std::vector<int64_t> shape, std::vector<double> v) {
  if (static_cast<int64_t>(v.size()) != numel(shape)) throw std::logic_error("size of " + name);
  names.push_back(name);
  shapes[name] = std::move(shape);
  values[name] = std::move(v);
}

std::string TinyModel::config_json() const {
  if (!config_text.empty()) return config_text;
  json j;
  if (model_type == "gpt2") {
    j = {{"architectures", {"GPT2LMHeadModel"}},
         {"model_type", "gpt2"},
         {"n_embd", hidden},
         {"n_layer", n_layers},
         {"n_head", n_heads},
         {"n_inner", intermediate},
         {"n_positions", max_positions},
         {"n_ctx", max_positions},
         {"vocab_size", vocab_size},
         {"layer_norm_epsilon", norm_eps},
         {"activation_function", "gelu_new"},
         {"bos_token_id", vocab_size - 1},
         {"eos_token_id", vocab_size - 1},
         {"tie_word_embeddings", tie_word_embeddings}};
  } else {
    j = {{"architectures", {"LlamaForCausalLM"}},
         {"model_type", "llama"},
         {"hidden_size", hidden},
         {"intermediate_size", intermediate},
         {"num_attention_heads", n_heads},
         {"num_key_value_heads", n_kv_heads},
         {"num_hidden_layers", n_layers},
         {"vocab_size", vocab_size},
         {"max_position_embeddings", max_positions},
         {"rms_norm_eps", norm_eps},
         {"rope_theta", rope_theta},
         {"hidden_act", "silu"},
         {"bos_token_id", 1},
         {"eos_token_id", 2},
         {"tie_word_embeddings", tie_word_embeddings}};
  }
  return j.dump(2);
}

TinyModel tiny_gpt2(uint64_t seed) {
  std::mt19937_64 rng(seed);
  TinyModel m;
  m.model_type = "gpt2";
  m.n_layers = 3, m.n_heads = 4, m.n_kv_heads = 4, m.hidden = 16, m.intermediate = 40;
  m.vocab_size = 50, m.max_positions = 32, m.norm_eps = 1e-5, m.tie_word_embeddings = true;
  const int64_t C = m.hidden, F = m.intermediate;
  const std::string p = "transformer.";
  m.add(p + "wte.weight", {m.vocab_size, C}, draw(rng, m.vocab_size * C, -127, 127, 7));
  m.add(p + "wpe.weight", {m.max_positions, C}, draw(rng, m.max_positions * C, -127, 127, 8));
  for (int l = 0; l < m.n_layers; ++l) {
    const std::string h = p + "h." + std::to_string(l) + ".";
    m.add(h + "ln_1.weight", {C}, draw(rng, C, 64, 192, 7));
    m.add(h + "ln_1.bias", {C}, draw(rng, C, -127, 127, 9));
    m.add(h + "attn.c_attn.weight", {C, 3 * C}, draw(rng, C * 3 * C, -127, 127, 8));
    m.add(h + "attn.c_attn.bias", {3 * C}, draw(rng, 3 * C, -127, 127, 9));
    m.add(h + "attn.c_proj.weight", {C, C}, draw(rng, C * C, -127, 127, 8));
    m.add(h + "attn.c_proj.bias", {C}, draw(rng, C, -127, 127, 9));
    m.add(h + "ln_2.weight", {C}, draw(rng, C, 64, 192, 7));
    m.add(h + "ln_2.bias", {C}, draw(rng, C, -127, 127, 9));
    m.add(h + "mlp.c_fc.weight", {C, F}, draw(rng, C * F, -127, 127, 8));
    m.add(h + "mlp.c_fc.bias", {F}, draw(rng, F, -127, 127, 9));
    m.add(h + "mlp.c_proj.weight", {F, C}, draw(rng, F * C, -127, 127, 8));
    m.add(h + "mlp.c_proj.bias", {C}, draw(rng, C, -127, 127, 9));
  }
  m.add(p + "ln_f.weight", {C}, draw(rng, C, 64, 192, 7));
  m.add(p + "ln_f.bias", {C}, draw(rng, C, -127, 127, 9));
  return m;
}

TinyModel tiny_llama(uint64_t seed, int n_kv_heads, bool tie) {
  std::mt19937_64 rng(seed);
  TinyModel m;
  m.model_type = "llama";
  m.n_layers = 3, m.n_heads = 4, m.n_kv_heads = n_kv_heads, m.hidden = 16, m.intermediate = 40;
  m.vocab_size = 50, m.max_positions = 64, m.norm_eps = 1e-6, m.tie_word_embeddings = tie;
  m.rope_theta = 500.0;  // small base: the toy's few positions still turn visibly
  const int64_t C = m.hidden, F = m.intermediate, KV = int64_t(n_kv_heads) * m.head_dim();
  m.add("model.embed_tokens.weight", {m.vocab_size, C}, draw(rng, m.vocab_size * C, -127, 127, 7));
  for (int l = 0; l < m.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    m.add(p + "self_attn.q_proj.weight", {C, C}, draw(rng, C * C, -127, 127, 7));
    m.add(p + "self_attn.k_proj.weight", {KV, C}, draw(rng, KV * C, -127, 127, 7));
    m.add(p + "self_attn.v_proj.weight", {KV, C}, draw(rng, KV * C, -127, 127, 8));
    m.add(p + "self_attn.o_proj.weight", {C, C}, draw(rng, C * C, -127, 127, 8));
    m.add(p + "mlp.gate_proj.weight", {F, C}, draw(rng, F * C, -127, 127, 8));
    m.add(p + "mlp.up_proj.weight", {F, C}, draw(rng, F * C, -127, 127, 8));
    m.add(p + "mlp.down_proj.weight", {C, F}, draw(rng, C * F, -127, 127, 8));
    m.add(p + "input_layernorm.weight", {C}, draw(rng, C, 64, 192, 7));
    m.add(p + "post_attention_layernorm.weight", {C}, draw(rng, C, 64, 192, 7));
  }
  m.add("model.norm.weight", {C}, draw(rng, C, 64, 192, 7));
  if (!tie) m.add("lm_head.weight", {m.vocab_size, C}, draw(rng, m.vocab_size * C, -127, 127, 7));
  return m;
}

TinyModel tiny_family(const std::string& name, uint64_t seed) {
  // "gpt_neox-serial": GPT-NeoX with use_parallel_residual false.
  const bool serial = name == "gpt_neox-serial";
  const std::string kind = serial ? "gpt_neox" : name;
  std::mt19937_64 rng(seed);
  TinyModel m;
  const int C = kind == "gpt_neox" ? 32 : 16, NH = 4, L = 2, F = 24, V = 40;
  int NKV = kind == "gemma" ? 1 : kind == "gpt_neox" ? 4 : 2;
  int HS =
      (kind == "qwen3" || kind == "gemma" || kind == "gemma2" || kind == "llama3") ? 8 : C / NH;
  const bool llama = kind == "llama3" || kind == "llama-v5";
  m.model_type = llama ? "llama" : kind;
  m.n_layers = L, m.n_heads = NH, m.n_kv_heads = NKV, m.hidden = C, m.intermediate = F;
  m.vocab_size = V, m.max_positions = 64;
  json cfg = {{"model_type", m.model_type},   {"hidden_size", C},       {"intermediate_size", F},
              {"num_attention_heads", NH},    {"num_hidden_layers", L}, {"vocab_size", V},
              {"max_position_embeddings", 64}};
  const int64_t Q = int64_t(NH) * HS, KV = int64_t(NKV) * HS;
  auto w = [&](const std::string& name, std::vector<int64_t> shape, int e = 7) {
    m.add(name, shape, draw(rng, numel(shape), -127, 127, e));
  };
  // Norm weights near 1; Gemma stores w for a scale of 1 + w, so near 0.
  auto n = [&](const std::string& name, int64_t size) {
    if (kind == "gemma" || kind == "gemma2")
      m.add(name, {size}, draw(rng, size, -64, 64, 7));
    else
      m.add(name, {size}, draw(rng, size, 64, 192, 7));
  };

  if (kind == "gpt_neox") {
    cfg.update({{"rotary_pct", 0.5},
                {"rotary_emb_base", 300},
                {"use_parallel_residual", !serial},
                {"layer_norm_eps", 1e-5},
                {"hidden_act", "gelu"},
                {"tie_word_embeddings", false}});
    w("gpt_neox.embed_in.weight", {V, C});
    for (int l = 0; l < L; ++l) {
      const std::string p = "gpt_neox.layers." + std::to_string(l) + ".";
      n(p + "input_layernorm.weight", C);
      w(p + "input_layernorm.bias", {C}, 9);
      w(p + "attention.query_key_value.weight", {3 * C, C});
      w(p + "attention.query_key_value.bias", {3 * C}, 9);
      w(p + "attention.dense.weight", {C, C}, 8);
      w(p + "attention.dense.bias", {C}, 9);
      n(p + "post_attention_layernorm.weight", C);
      w(p + "post_attention_layernorm.bias", {C}, 9);
      w(p + "mlp.dense_h_to_4h.weight", {F, C}, 8);
      w(p + "mlp.dense_h_to_4h.bias", {F}, 9);
      w(p + "mlp.dense_4h_to_h.weight", {C, F}, 8);
      w(p + "mlp.dense_4h_to_h.bias", {C}, 9);
    }
    n("gpt_neox.final_layer_norm.weight", C);
    w("gpt_neox.final_layer_norm.bias", {C}, 9);
    w("embed_out.weight", {V, C});
    m.config_text = cfg.dump(2);
    return m;
  }

  cfg["num_key_value_heads"] = NKV;
  cfg["rms_norm_eps"] = 1e-6;
  if (HS != C / NH) cfg["head_dim"] = HS;
  bool tie = false, qkv_bias = false, o_bias = false, mlp_bias = false;
  if (kind == "mistral") {
    cfg.update({{"rope_theta", 500.0}, {"sliding_window", 4}, {"hidden_act", "silu"}});
  } else if (kind == "qwen2") {
    tie = qkv_bias = true;
    cfg.update({{"rope_theta", 700.0}, {"use_sliding_window", false}, {"sliding_window", 4}});
  } else if (kind == "qwen3") {
    cfg.update({{"rope_theta", 800.0}, {"attention_bias", false}});
  } else if (kind == "gemma") {
    tie = true;
    cfg.update({{"rope_theta", 600.0},
                {"hidden_act", "gelu_pytorch_tanh"},
                {"hidden_activation", "gelu_pytorch_tanh"}});
  } else if (kind == "gemma2") {
    // Caps small enough to bite at these scores; windows 3 on layer 0, none on 1.
    tie = true;
    cfg.update({{"rope_theta", 600.0},
                {"hidden_activation", "gelu_pytorch_tanh"},
                {"query_pre_attn_scalar", 32},
                {"attn_logit_softcapping", 2.0},
                {"final_logit_softcapping", 3.0},
                {"sliding_window", 3}});
  } else if (kind == "phi3") {
    cfg.update({{"rope_theta", 400.0},
                {"partial_rotary_factor", 0.5},
                {"sliding_window", 5},
                {"rms_norm_eps", 1e-5}});
  } else if (kind == "olmo2") {
    cfg.update({{"rope_theta", 900.0}, {"rms_norm_eps", 1e-5}});
  } else if (kind == "llama3") {
    tie = qkv_bias = o_bias = mlp_bias = true;
    cfg.update({{"rope_theta", 500.0},
                {"attention_bias", true},
                {"mlp_bias", true},
                {"rope_scaling",
                 {{"rope_type", "llama3"},
                  {"factor", 4.0},
                  {"low_freq_factor", 1.0},
                  {"high_freq_factor", 4.0},
                  {"original_max_position_embeddings", 8}}}});
  } else if (kind == "llama-v5") {
    cfg.update(
        {{"dtype", "float32"},
         {"rope_parameters", {{"rope_type", "linear"}, {"rope_theta", 500.0}, {"factor", 2.0}}}});
  } else {
    throw std::logic_error("tiny_family: unknown kind " + kind);
  }
  cfg["tie_word_embeddings"] = tie;
  w("model.embed_tokens.weight", {V, C});
  for (int l = 0; l < L; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const std::string a = p + "self_attn.";
    if (kind != "olmo2") n(p + "input_layernorm.weight", C);
    if (kind == "phi3") {
      w(a + "qkv_proj.weight", {Q + 2 * KV, C});
    } else {
      w(a + "q_proj.weight", {Q, C});
      w(a + "k_proj.weight", {KV, C});
      w(a + "v_proj.weight", {KV, C}, 8);
      if (qkv_bias) {
        w(a + "q_proj.bias", {Q}, 8);
        w(a + "k_proj.bias", {KV}, 8);
        w(a + "v_proj.bias", {KV}, 8);
      }
    }
    w(a + "o_proj.weight", {C, Q}, 8);
    if (o_bias) w(a + "o_proj.bias", {C}, 9);
    if (kind == "qwen3") {
      n(a + "q_norm.weight", HS);
      n(a + "k_norm.weight", HS);
    }
    if (kind == "olmo2") {
      n(a + "q_norm.weight", Q);
      n(a + "k_norm.weight", KV);
    }
    n(p + "post_attention_layernorm.weight", C);
    if (kind == "phi3") {
      w(p + "mlp.gate_up_proj.weight", {2 * F, C}, 8);
    } else {
      w(p + "mlp.gate_proj.weight", {F, C}, 8);
      w(p + "mlp.up_proj.weight", {F, C}, 8);
      if (mlp_bias) {
        w(p + "mlp.gate_proj.bias", {F}, 9);
        w(p + "mlp.up_proj.bias", {F}, 9);
      }
    }
    w(p + "mlp.down_proj.weight", {C, F}, 8);
    if (mlp_bias) w(p + "mlp.down_proj.bias", {C}, 9);
    if (kind == "olmo2" || kind == "gemma2") n(p + "post_feedforward_layernorm.weight", C);
    if (kind == "gemma2") n(p + "pre_feedforward_layernorm.weight", C);
  }
  n("model.norm.weight", C);
  if (!tie) w("lm_head.weight", {V, C});
  m.tie_word_embeddings = tie;
  m.config_text = cfg.dump(2);
  return m;
}

TinyModel expand_kv_heads(const TinyModel& gqa) {
  TinyModel m = gqa;
  const int n_rep = gqa.n_heads / gqa.n_kv_heads, HS = gqa.head_dim(), C = gqa.hidden;
  m.n_kv_heads = gqa.n_heads;
  for (const auto& name : gqa.names) {
    if (name.find("k_proj") == std::string::npos && name.find("v_proj") == std::string::npos)
      continue;
    // [NKV * HS, C] -> [NH * HS, C]: query head h reads kv head h / n_rep.
    const auto& src = gqa.at(name);
    std::vector<double> dst;
    for (int h = 0; h < gqa.n_heads; ++h) {
      const int g = h / n_rep;
      dst.insert(dst.end(), src.begin() + int64_t(g) * HS * C,
                 src.begin() + int64_t(g + 1) * HS * C);
    }
    m.shapes[name] = {int64_t(gqa.n_heads) * HS, C};
    m.values[name] = dst;
  }
  return m;
}

std::string shard_name(int i, int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "model-%05d-of-%05d.safetensors", i + 1, n);
  return buf;
}

void write_checkpoint(const TinyModel& m, const std::string& dir, const std::string& dtype,
                      int n_shards) {
  // Key names without the "transformer." prefix, for the bare GPT2Model layout.
  TinyModel stored = m;
  if (m.model_type == "gpt2" && !m.key_prefix) {
    stored.names.clear();
    for (const auto& name : m.names) {
      std::string bare = name.substr(std::string("transformer.").size());
      stored.add(bare, m.shapes.at(name), m.at(name));
    }
  }
  std::filesystem::create_directories(dir);
  write_text(dir + "/config.json", stored.config_json());
  if (n_shards == 1) {
    write_file(dir + "/model.safetensors", stored.names, stored, dtype);
    return;
  }
  std::vector<std::vector<std::string>> per_shard(n_shards);
  json weight_map = json::object();
  size_t total = 0;
  for (const auto& name : stored.names) {
    const int s = shard_of(stored, name, n_shards);
    per_shard[s].push_back(name);
    weight_map[name] = shard_name(s, n_shards);
    total += stored.at(name).size() * dtype_bytes(dtype);
  }
  for (int s = 0; s < n_shards; ++s)
    write_file(dir + "/" + shard_name(s, n_shards), per_shard[s], stored, dtype);
  json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  write_text(dir + "/model.safetensors.index.json", index.dump(2));
}

void write_raw_safetensors(const std::string& path, const std::string& header,
                           const std::vector<unsigned char>& data, int64_t declared_len) {
  uint64_t len = declared_len >= 0 ? uint64_t(declared_len) : header.size();
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((len >> (8 * i)) & 0xFF));
  out.write(header.data(), header.size());
  out.write(reinterpret_cast<const char*>(data.data()), data.size());
  if (!out) throw std::runtime_error("cannot write " + path);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lmgaze-model-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lmgaze::testing
