// Tiny Hugging Face checkpoints with known weights, written to a temp directory.
//
// Torch-free on purpose: the files are written byte by byte from the format
// description, so the tests check lmgaze's reader against the format, not
// against torch's own writer. Every weight is k * 2^-e with |k| <= 255, which
// F32, F16 and BF16 all represent exactly, so one set of exact values serves as
// ground truth for every stored dtype.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lmgaze::testing {

struct TinyModel {
  std::string model_type;  // "gpt2" or "llama"
  int n_layers = 0, n_heads = 0, n_kv_heads = 0, hidden = 0, intermediate = 0;
  int vocab_size = 0, max_positions = 0;
  double norm_eps = 1e-5, rope_theta = 10000.0;
  bool tie_word_embeddings = false;
  bool key_prefix = true;                              // GPT-2: "transformer." before the keys
  std::vector<std::string> names;                      // tensors in writing order
  std::map<std::string, std::vector<int64_t>> shapes;  // name -> shape
  std::map<std::string, std::vector<double>> values;   // name -> row-major values
  std::string config_text;  // when set, config_json() returns it (tiny_family)

  int head_dim() const { return hidden / n_heads; }
  void add(const std::string& name, std::vector<int64_t> shape, std::vector<double> v);
  const std::vector<double>& at(const std::string& name) const { return values.at(name); }
  std::string config_json() const;
};

// Seeded random GPT-2: 3 layers, 4 heads, C 16, F 40, V 50, 32 positions.
TinyModel tiny_gpt2(uint64_t seed = 1);
// Seeded random LLaMA: 3 layers, 4 heads, C 16, F 40, V 50; n_kv_heads 2 is GQA.
TinyModel tiny_llama(uint64_t seed = 2, int n_kv_heads = 2, bool tie = false);
// A seeded random checkpoint of one of the newer families, with transformers'
// tensor names and config keys written out here by hand (not from lmgaze's
// tables): "mistral" (sliding window 4), "qwen2" (q/k/v biases, tied),
// "qwen3" (head_dim 8 != C/NH, per-head q/k norms), "gemma" (MQA, head_dim 8,
// tied, tanh-GELU), "phi3" (fused projections, partial rotary 0.5, window 5),
// "gpt_neox" (Pythia: fused per-head qkv, rotary_pct 0.5, parallel residual),
// "gpt_neox-serial" (the same without the parallel residual),
// "olmo2" (q/k norms, post-norms), "gemma2" (soft-capped attention and logits,
// window on even layers, four norms per layer, query_pre_attn_scalar), "llama3" (LLaMA with llama3
// rope scaling, attention and MLP biases, head_dim 8, tied) and "llama-v5" (LLaMA whose base 500
// and linear scaling sit in transformers 5's rope_parameters).
TinyModel tiny_family(const std::string& name, uint64_t seed = 5);

// The same LLaMA as `gqa` with each key/value head repeated for its query heads:
// an ordinary multi-head model that must compute exactly what `gqa` computes.
TinyModel expand_kv_heads(const TinyModel& gqa);

// Writes config.json and the weights in `dtype` ("F32", "F16" or "BF16"). With
// n_shards > 1: model-0000i-of-0000n.safetensors + model.safetensors.index.json,
// the embedding in the first shard, layer l in shard l * n_shards / L (rounded
// down), final norm and head in the last.
void write_checkpoint(const TinyModel& m, const std::string& dir, const std::string& dtype = "F32",
                      int n_shards = 1);

// Shard file name i (0-based) of n, Hugging Face style.
std::string shard_name(int i, int n);

// A raw safetensors file: the 8-byte length of `header` (or `declared_len` when
// >= 0), the header bytes, then `data`. For malformed-file tests.
void write_raw_safetensors(const std::string& path, const std::string& header,
                           const std::vector<unsigned char>& data, int64_t declared_len = -1);

void write_text(const std::string& path, const std::string& text);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace lmgaze::testing
