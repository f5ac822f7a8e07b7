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

ModelConfig pythia(int hidden, int layers, int heads, int vocab) {
  return from_json(R"({"model_type": "gpt_neox", "hidden_size": )" + std::to_string(hidden) +
                   R"(, "intermediate_size": )" + std::to_string(4 * hidden) +
                   R"(, "num_hidden_layers": )" + std::to_string(layers) +
                   R"(, "num_attention_heads": )" + std::to_string(heads) + R"(, "vocab_size": )" +
                   std::to_string(vocab) +
                   R"(, "rotary_pct": 0.25, "use_parallel_residual": true})");
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
      {"llama-3-8b", from_json(R"({"model_type": "llama", "hidden_size": 4096,
        "intermediate_size": 14336, "num_attention_heads": 32, "num_key_value_heads": 8,
        "num_hidden_layers": 32, "vocab_size": 128256, "rope_theta": 500000.0})")},
      {"llama-3.2-1b", from_json(R"({"model_type": "llama", "hidden_size": 2048,
        "intermediate_size": 8192, "num_attention_heads": 32, "num_key_value_heads": 8,
        "num_hidden_layers": 16, "vocab_size": 128256, "head_dim": 64,
        "tie_word_embeddings": true, "rope_theta": 500000.0, "rope_scaling": {"factor": 32.0,
        "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192,
        "rope_type": "llama3"}})")},
      {"mistral-7b", from_json(R"({"model_type": "mistral", "hidden_size": 4096,
        "intermediate_size": 14336, "num_attention_heads": 32, "num_key_value_heads": 8,
        "num_hidden_layers": 32, "vocab_size": 32000, "sliding_window": 4096})")},
      {"gemma-2b", from_json(R"({"model_type": "gemma", "hidden_size": 2048,
        "intermediate_size": 16384, "num_attention_heads": 8, "num_key_value_heads": 1,
        "head_dim": 256, "num_hidden_layers": 18, "vocab_size": 256000,
        "hidden_activation": "gelu_pytorch_tanh"})")},
      {"gemma-7b", from_json(R"({"model_type": "gemma", "hidden_size": 3072,
        "intermediate_size": 24576, "num_attention_heads": 16, "num_key_value_heads": 16,
        "head_dim": 256, "num_hidden_layers": 28, "vocab_size": 256000,
        "hidden_activation": "gelu_pytorch_tanh"})")},
      {"phi-3-mini", from_json(R"({"model_type": "phi3", "hidden_size": 3072,
        "intermediate_size": 8192, "num_attention_heads": 32, "num_key_value_heads": 32,
        "num_hidden_layers": 32, "vocab_size": 32064, "sliding_window": 2047})")},
      {"qwen2.5-0.5b", from_json(R"({"model_type": "qwen2", "hidden_size": 896,
        "intermediate_size": 4864, "num_attention_heads": 14, "num_key_value_heads": 2,
        "num_hidden_layers": 24, "vocab_size": 151936, "tie_word_embeddings": true,
        "rope_theta": 1000000.0})")},
      // Pythia: one training set at eight sizes (Biderman et al. 2023).
      {"pythia-70m", pythia(512, 6, 8, 50304)},
      {"pythia-160m", pythia(768, 12, 12, 50304)},
      {"pythia-410m", pythia(1024, 24, 16, 50304)},
      {"pythia-1b", pythia(2048, 16, 8, 50304)},
      {"pythia-1.4b", pythia(2048, 24, 16, 50304)},
      {"pythia-2.8b", pythia(2560, 32, 32, 50304)},
      {"pythia-6.9b", pythia(4096, 32, 32, 50432)},
      {"pythia-12b", pythia(5120, 36, 40, 50688)},
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
