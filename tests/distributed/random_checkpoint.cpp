#include "distributed/random_checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lmgaze::testing {
namespace {

enum class Fill { kRandom, kOnes, kZeros };

struct Spec {
  std::string name;
  std::vector<int64_t> shape;
  Fill fill;
};

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

// The tensor tables of src/model/gpt2.cpp and src/model/llama.cpp.
std::vector<Spec> tensor_table(const TinyModel& m) {
  const int64_t C = m.hidden, F = m.intermediate, V = m.vocab_size;
  const int64_t KV = int64_t(m.n_kv_heads) * m.head_dim();
  std::vector<Spec> t;
  const Fill R = Fill::kRandom, one = Fill::kOnes, zero = Fill::kZeros;
  if (m.model_type == "gpt2") {
    const std::string p = "transformer.";
    t.push_back({p + "wte.weight", {V, C}, R});
    t.push_back({p + "wpe.weight", {m.max_positions, C}, R});
    for (int l = 0; l < m.n_layers; ++l) {
      const std::string h = p + "h." + std::to_string(l) + ".";
      // clang-format off
      t.push_back({h + "ln_1.weight",        {C},         one});
      t.push_back({h + "ln_1.bias",          {C},         zero});
      t.push_back({h + "attn.c_attn.weight", {C, 3 * C},  R});
      t.push_back({h + "attn.c_attn.bias",   {3 * C},     zero});
      t.push_back({h + "attn.c_proj.weight", {C, C},      R});
      t.push_back({h + "attn.c_proj.bias",   {C},         zero});
      t.push_back({h + "ln_2.weight",        {C},         one});
      t.push_back({h + "ln_2.bias",          {C},         zero});
      t.push_back({h + "mlp.c_fc.weight",    {C, F},      R});
      t.push_back({h + "mlp.c_fc.bias",      {F},         zero});
      t.push_back({h + "mlp.c_proj.weight",  {F, C},      R});
      t.push_back({h + "mlp.c_proj.bias",    {C},         zero});
      // clang-format on
    }
    t.push_back({p + "ln_f.weight", {C}, one});
    t.push_back({p + "ln_f.bias", {C}, zero});
    if (!m.tie_word_embeddings) t.push_back({"lm_head.weight", {V, C}, R});
    return t;
  }
  t.push_back({"model.embed_tokens.weight", {V, C}, R});
  for (int l = 0; l < m.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    // clang-format off
    t.push_back({p + "input_layernorm.weight",          {C},     one});
    t.push_back({p + "self_attn.q_proj.weight",         {C, C},  R});
    t.push_back({p + "self_attn.k_proj.weight",         {KV, C}, R});
    t.push_back({p + "self_attn.v_proj.weight",         {KV, C}, R});
    t.push_back({p + "self_attn.o_proj.weight",         {C, C},  R});
    t.push_back({p + "post_attention_layernorm.weight", {C},     one});
    t.push_back({p + "mlp.gate_proj.weight",            {F, C},  R});
    t.push_back({p + "mlp.up_proj.weight",              {F, C},  R});
    t.push_back({p + "mlp.down_proj.weight",            {C, F},  R});
    // clang-format on
  }
  t.push_back({"model.norm.weight", {C}, one});
  if (!m.tie_word_embeddings) t.push_back({"lm_head.weight", {V, C}, R});
  return t;
}

// splitmix64: fast, seeded, and the same on every platform.
uint64_t next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

int64_t write_random_checkpoint(const TinyModel& shape, const std::string& dir,
                                const std::string& tokenizer_dir, uint64_t seed, double scale) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  write_text(dir + "/config.json", shape.config_json());
  for (const char* f :
       {"tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json", "merges.txt"})
    if (fs::exists(fs::path(tokenizer_dir) / f))
      fs::copy_file(fs::path(tokenizer_dir) / f, fs::path(dir) / f,
                    fs::copy_options::overwrite_existing);

  const std::vector<Spec> table = tensor_table(shape);
  nlohmann::json header = nlohmann::json::object();
  int64_t offset = 0;
  for (const Spec& s : table) {
    const int64_t bytes = numel(s.shape) * 4;
    header[s.name] = {
        {"dtype", "F32"}, {"shape", s.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  header["__metadata__"] = {{"format", "pt"}};
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // data starts 8-byte aligned, as torch writes it

  const std::string path = dir + "/model.safetensors";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  uint64_t n = text.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((n >> (8 * i)) & 0xFF);
  std::fwrite(len, 1, 8, f);
  std::fwrite(text.data(), 1, text.size(), f);
  uint64_t state = seed;
  std::vector<float> buffer(1 << 20);
  for (const Spec& s : table) {
    for (int64_t left = numel(s.shape); left > 0;) {
      const size_t k = static_cast<size_t>(std::min<int64_t>(left, buffer.size()));
      for (size_t i = 0; i < k; ++i) {
        if (s.fill == Fill::kRandom) {
          const double u = static_cast<double>(next(state) >> 11) * 0x1.0p-53;  // [0, 1)
          buffer[i] = static_cast<float>((2 * u - 1) * scale);
        } else {
          buffer[i] = s.fill == Fill::kOnes ? 1.0f : 0.0f;
        }
      }
      std::fwrite(buffer.data(), sizeof(float), k, f);  // little-endian hosts only
      left -= static_cast<int64_t>(k);
    }
  }
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
  return offset;
}

TinyModel gpt2_small_shape() {
  TinyModel m;
  m.model_type = "gpt2";
  m.n_layers = 12, m.n_heads = 12, m.n_kv_heads = 12, m.hidden = 768, m.intermediate = 3072;
  m.vocab_size = 50257, m.max_positions = 1024, m.norm_eps = 1e-5;
  m.tie_word_embeddings = true;
  return m;
}

}  // namespace lmgaze::testing
