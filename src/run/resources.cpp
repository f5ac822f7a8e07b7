#include "run/resources.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/error.hpp"
#include "mpi/layout.hpp"

namespace lmgaze::run {

namespace {

// A known shape as its config.json would state it, read by the same parser
// (and so sized by the same tensor table) as a checkpoint on disk.
ModelConfig from_json(const std::string& text) { return parse_model_config(text, "known shape"); }

ModelConfig llama(int hidden, int intermediate, int layers, int heads) {
  return from_json(R"({"model_type": "llama", "hidden_size": )" + std::to_string(hidden) +
                   R"(, "intermediate_size": )" + std::to_string(intermediate) +
                   R"(, "num_hidden_layers": )" + std::to_string(layers) +
                   R"(, "num_attention_heads": )" + std::to_string(heads) +
                   R"(, "vocab_size": 32000, "max_position_embeddings": 2048})");
}

ModelConfig gpt2(int hidden, int layers, int heads) {
  return from_json(R"({"model_type": "gpt2", "n_embd": )" + std::to_string(hidden) +
                   R"(, "n_layer": )" + std::to_string(layers) + R"(, "n_head": )" +
                   std::to_string(heads) + R"(, "vocab_size": 50257, "n_positions": 1024})");
}

// The config.json values of the Hugging Face checkpoints.
const std::vector<std::pair<std::string, ModelConfig>>& shapes() {
  static const std::vector<std::pair<std::string, ModelConfig>> table = {
      {"llama-7b", llama(4096, 11008, 32, 32)},
      {"llama-13b", llama(5120, 13824, 40, 40)},
      {"llama-30b", llama(6656, 17920, 60, 52)},
      {"llama-65b", llama(8192, 22016, 80, 64)},
      {"gpt2", gpt2(768, 12, 12)},
      {"gpt2-medium", gpt2(1024, 24, 16)},
      {"gpt2-large", gpt2(1280, 36, 20)},
      {"gpt2-xl", gpt2(1600, 48, 25)},
  };
  return table;
}

}  // namespace

std::optional<ModelConfig> known_shape(const std::string& name) {
  for (const auto& [n, c] : shapes())
    if (n == name) return c;
  return std::nullopt;
}

std::vector<std::string> known_shape_names() {
  std::vector<std::string> names;
  for (const auto& [n, c] : shapes()) names.push_back(n);
  return names;
}

ModelSize model_size(const ModelSpec& m) {
  ModelSize s;
  if (!m.shape.empty() && !known_shape(m.shape)) {
    std::string list;
    for (const auto& n : known_shape_names()) list += (list.empty() ? "" : ", ") + n;
    throw InputError(m.where.file, m.where.line,
                     "model " + m.name + ": unknown shape '" + m.shape + "' (known: " + list + ")");
  }
  if (!m.dir.empty() && std::filesystem::exists(m.dir + "/config.json")) {
    s.config = read_model_config(m.dir);
    s.source = "config.json";
  } else if (!m.shape.empty()) {
    s.config = known_shape(m.shape);
    s.source = "shape " + m.shape;
  }
  if (s.config) s.n_params = static_cast<double>(n_params(*s.config));
  if (m.params > 0) {
    s.n_params = m.params;
    if (!s.config) s.source = "params";
  }
  if (!s.config && m.params <= 0) s.source = "unknown";
  return s;
}

int bytes_per_param(const std::string& dtype) {
  if (dtype == "fp64") return 8;
  return dtype == "fp32" ? 4 : 2;
}

std::vector<StageMemory> pipeline_memory(const ModelConfig& c, int stages, int bpp, int batch,
                                         int tokens) {
  if (stages < 1 || stages > c.n_layers)
    throw InputError("stages = " + std::to_string(stages) + " for a model of " +
                     std::to_string(c.n_layers) + " layers: need 1 <= stages <= layers");
  const int64_t B = batch, T = tokens, C = c.hidden, F = c.intermediate, H = c.n_heads,
                V = c.vocab_size;
  // The extraction's own layout (mpi/layout.hpp): layers weighed in bytes.
  const int64_t first = n_embedding_params(c) * bpp;
  int64_t last = n_head_params(c) * bpp;
  if (stages > 1) last += n_tied_head_params(c) * bpp;  // a tied lm_head: a copy of the embedding
  const std::vector<int64_t> layer_bytes(static_cast<size_t>(c.n_layers),
                                         parameter_bytes_per_layer(c, bpp));
  const std::vector<mpi::Range> ranges = mpi::balance_stages(layer_bytes, first, last, stages);
  std::vector<StageMemory> out;
  for (int k = 0; k < stages; ++k) {
    const mpi::Range& r = ranges[static_cast<size_t>(k)];
    StageMemory m;
    m.first_layer = static_cast<int>(r.begin);
    m.end_layer = static_cast<int>(r.end);
    m.weight_bytes = static_cast<int64_t>(r.size()) * parameter_bytes_per_layer(c, bpp);
    if (k == 0) m.weight_bytes += first;
    if (k == stages - 1) m.weight_bytes += last;
    m.activation_bytes = B * T * (4 * C + 2 * F) * bpp + 2 * B * H * T * T * 4;
    if (k == stages - 1) m.activation_bytes += B * T * V * 4;
    out.push_back(m);
  }
  return out;
}

std::string format_bytes(int64_t bytes) {
  char buf[64];
  const double b = static_cast<double>(bytes);
  if (b >= 1e9)
    std::snprintf(buf, sizeof buf, "%.2f GB", b / 1e9);
  else if (b >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
  else if (b >= 1e3)
    std::snprintf(buf, sizeof buf, "%.2f kB", b / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  return buf;
}

std::string format_params(double n) {
  char buf[64];
  if (n >= 1e9)
    std::snprintf(buf, sizeof buf, "%.3gB", n / 1e9);
  else if (n >= 1e6)
    std::snprintf(buf, sizeof buf, "%.3gM", n / 1e6);
  else if (n >= 1e3)
    std::snprintf(buf, sizeof buf, "%.3gK", n / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

}  // namespace lmgaze::run
