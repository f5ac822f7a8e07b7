// config.json parsing and parameter counts (checked against Hugging Face's
// published counts and against the tensors actually stored in the shared models).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "model/model_config.hpp"
#include "model/safetensors.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

const char* kGpt2Small = R"({"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12,
  "n_positions": 1024, "n_inner": null, "vocab_size": 50257, "layer_norm_epsilon": 1e-05,
  "activation_function": "gelu_new", "bos_token_id": 50256, "eos_token_id": 50256})";

const char* kLlama7B = R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008,
  "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 32000,
  "max_position_embeddings": 2048, "rms_norm_eps": 1e-06, "hidden_act": "silu",
  "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": false, "rope_scaling": null})";

std::string error_of(const std::string& json) {
  try {
    parse_model_config(json, "dir/config.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ModelConfig, Gpt2SmallMatchesHuggingFaceCounts) {
  ModelConfig c = parse_model_config(kGpt2Small, "config.json");
  EXPECT_EQ(c.model_type, "gpt2");
  EXPECT_EQ(c.hidden, 768);
  EXPECT_EQ(c.intermediate, 3072);  // n_inner null -> 4 * n_embd
  EXPECT_EQ(c.n_kv_heads, 12);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.activation, "gelu_new");
  EXPECT_EQ(n_params(c), 124439808);  // tied lm_head counted once
  EXPECT_EQ(n_layer_params(c), 7087872);
  EXPECT_EQ(parameter_bytes_per_layer(c, 2), 2 * 7087872);
}

TEST(ModelConfig, Llama7BMatchesHuggingFaceCounts) {
  ModelConfig c = parse_model_config(kLlama7B, "config.json");
  EXPECT_EQ(c.n_kv_heads, 32);
  EXPECT_EQ(c.rotary.base, 10000.0);
  EXPECT_EQ(c.bos_id, 1);
  EXPECT_EQ(n_params(c), 6738415616);
  EXPECT_EQ(parameter_bytes_per_layer(c, 4), 4 * 202383360LL);
}

TEST(ModelConfig, GroupedQueryCount) {
  // Llama-2-70B: 64 query heads share 8 key/value heads.
  ModelConfig c = parse_model_config(
      R"({"model_type": "llama", "hidden_size": 8192, "intermediate_size": 28672,
      "num_attention_heads": 64, "num_key_value_heads": 8, "num_hidden_layers": 80,
      "vocab_size": 32000})",
      "config.json");
  EXPECT_EQ(n_params(c), 68976648192);
}

// Every family's tensor table against the counts its publishers report.
TEST(ModelConfig, FamiliesMatchPublishedCounts) {
  auto count = [](const std::string& json) { return n_params(parse_model_config(json, "c")); };
  // Pythia 70M ... 12B (Biderman et al. 2023, table 1): fused qkv with biases, untied.
  const int64_t pythia[][5] = {
      {512, 6, 8, 50304, 70426624},      {768, 12, 12, 50304, 162322944},
      {1024, 24, 16, 50304, 405334016},  {2048, 16, 8, 50304, 1011781632},
      {2048, 24, 16, 50304, 1414647808}, {2560, 32, 32, 50304, 2775208960},
      {4096, 32, 32, 50432, 6857302016}, {5120, 36, 40, 50688, 11846072320}};
  for (const auto& p : pythia)
    EXPECT_EQ(
        count(R"({"model_type": "gpt_neox", "hidden_size": )" + std::to_string(p[0]) +
              R"(, "num_hidden_layers": )" + std::to_string(p[1]) + R"(, "num_attention_heads": )" +
              std::to_string(p[2]) + R"(, "intermediate_size": )" + std::to_string(4 * p[0]) +
              R"(, "vocab_size": )" + std::to_string(p[3]) + "}"),
        p[4])
        << p[0];
  // Llama 3.2 1B: GQA, explicit head_dim, tied.
  EXPECT_EQ(count(R"({"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192,
    "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 16,
    "vocab_size": 128256, "head_dim": 64, "tie_word_embeddings": true})"),
            1235814400);
  EXPECT_EQ(count(R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
    "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 32,
    "vocab_size": 128256})"),
            8030261248);
  EXPECT_EQ(count(R"({"model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336,
    "num_attention_heads": 32, "num_key_value_heads": 8, "num_hidden_layers": 32,
    "vocab_size": 32000})"),
            7241732096);
  // Gemma: head_dim 256 (not C / NH), MQA at 2B, tied.
  EXPECT_EQ(count(R"({"model_type": "gemma", "hidden_size": 2048, "intermediate_size": 16384,
    "num_attention_heads": 8, "num_key_value_heads": 1, "head_dim": 256, "num_hidden_layers": 18,
    "vocab_size": 256000, "hidden_activation": "gelu_pytorch_tanh"})"),
            2506172416);
  EXPECT_EQ(count(R"({"model_type": "gemma", "hidden_size": 3072, "intermediate_size": 24576,
    "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 256,
    "num_hidden_layers": 28, "vocab_size": 256000, "hidden_activation": "gelu_pytorch_tanh"})"),
            8537680896);
  // Phi-3-mini: fused qkv_proj and gate_up_proj.
  EXPECT_EQ(count(R"({"model_type": "phi3", "hidden_size": 3072, "intermediate_size": 8192,
    "num_attention_heads": 32, "num_key_value_heads": 32, "num_hidden_layers": 32,
    "vocab_size": 32064})"),
            3821079552);
  // Qwen2.5-0.5B: q/k/v biases, tied.
  EXPECT_EQ(count(R"({"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864,
    "num_attention_heads": 14, "num_key_value_heads": 2, "num_hidden_layers": 24,
    "vocab_size": 151936, "tie_word_embeddings": true})"),
            494032768);
}

TEST(ModelConfig, Transformers5LayoutAndDefaults) {
  // transformers 5 keeps the base inside rope_parameters and writes "dtype".
  ModelConfig c = parse_model_config(
      R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9, "dtype": "bfloat16",
      "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000, "factor": 32.0,
      "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}})",
      "c");
  EXPECT_EQ(c.rotary.base, 500000.0);
  EXPECT_EQ(c.rotary.scaling, "llama3");
  EXPECT_EQ(c.rotary.factor, 32.0);
  EXPECT_EQ(c.rotary.original_max_positions, 8192);
  EXPECT_EQ(c.weights_dtype, "bfloat16");
  // Every default taken is listed; a value given is not.
  EXPECT_NE(std::find(c.defaulted.begin(), c.defaulted.end(), "rms_norm_eps=1e-06 (default)"),
            c.defaulted.end());
  for (const auto& d : c.defaulted) EXPECT_EQ(d.find("rope_theta"), std::string::npos) << d;
  // Llama 3.1's band-wise rescaling, worked by hand for HS 4 (inv_freq 1 and 500000^-1/2):
  // wavelength 2 pi is short (kept); 2 pi * 707.1 = 4443 lies between 8192/4 and 8192,
  // smooth = (8192 / 4443 - 1) / 3 = 0.2812, inv = (1 - s) * f / 32 + s * f.
  RotarySpec r = c.rotary;
  std::vector<double> inv = rotary_inv_freq(r, 4);
  ASSERT_EQ(inv.size(), 2u);
  EXPECT_DOUBLE_EQ(inv[0], 1.0);
  const double f = 1 / std::sqrt(500000.0), s = (8192 * f / (2 * M_PI) - 1) / 3;
  EXPECT_NEAR(inv[1], (1 - s) * f / 32 + s * f, 1e-15);
  EXPECT_EQ(describe_defaults(c),
            "num_key_value_heads=4 (default); max_position_embeddings=2048 (default); "
            "rms_norm_eps=1e-06 (default); tie_word_embeddings=false (default); "
            "bos_token_id=1 (default); eos_token_id=2 (default); hidden_act=silu (default); "
            "attention_bias=false (default); mlp_bias=false (default)");
  EXPECT_EQ(describe_model(c),
            "llama: head_dim=16, rotary base=500000 fraction=1 scaling=llama3 factor=32 "
            "low_freq_factor=1 high_freq_factor=4 original_max_positions=8192, attention "
            "scale=0.25 softcap=0 window=0 qkv_bias=false o_bias=false qk_norm=none, "
            "norm=rms_norm eps=1e-06, mlp=gated silu bias=false, parallel_residual=false, "
            "pre_norms=true, post_norms=false, logit_softcap=0, embed_scale=false, "
            "tie_word_embeddings=false");
  // A base given twice must agree.
  EXPECT_NE(error_of(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9, "rope_theta": 10000,
      "rope_parameters": {"rope_type": "default", "rope_theta": 500000}})")
                .find("\"rope_theta\": disagrees with \"rope_parameters.rope_theta\""),
            std::string::npos);
  // Parameters keyed by layer type: one set for all layers is read, two are refused.
  ModelConfig per_type = parse_model_config(
      R"({"model_type": "gemma2", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 9, "rope_parameters": {
      "full_attention": {"rope_type": "default", "rope_theta": 600},
      "sliding_attention": {"rope_type": "default", "rope_theta": 600}}})",
      "c");
  EXPECT_EQ(per_type.rotary.base, 600.0);
  EXPECT_NE(error_of(R"({"model_type": "gemma2", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 9, "rope_parameters": {
      "full_attention": {"rope_type": "default", "rope_theta": 1000000},
      "sliding_attention": {"rope_type": "default", "rope_theta": 10000}}})")
                .find("\"rope_parameters.sliding_attention\": rotary parameters that differ"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "phi3", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9,
      "rope_scaling": {"type": "longrope", "short_factor": [1], "long_factor": [1]}})")
                .find("\"rope_scaling.type\": rotary scaling 'longrope' is not supported"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 9,
      "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9,
      "use_sliding_window": true})")
                .find("\"use_sliding_window\""),
            std::string::npos);
}

// The count from config.json equals the number of stored parameters of every shared model.
TEST(ModelConfig, CountsMatchSharedCheckpoints) {
  const std::string root = std::string(LMGAZE_SHARED_DIR) + "/models";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no " << root;
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!std::filesystem::exists(entry.path() / "config.json")) continue;
    ModelConfig c = read_model_config(entry.path().string());
    SafetensorsFile f((entry.path() / "model.safetensors").string());
    int64_t stored = 0;
    for (const auto& name : f.names()) {
      int64_t n = 1;
      for (auto d : f.tensor(name).shape) n *= d;
      stored += n;
    }
    EXPECT_EQ(n_params(c), stored) << entry.path();
    ++seen;
  }
  EXPECT_GE(seen, 6);
}

TEST(ModelConfig, SharedToyM) {
  const std::string dir = std::string(LMGAZE_SHARED_DIR) + "/models/toy-m";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  ModelConfig c = read_model_config(dir);
  EXPECT_EQ(c.model_type, "llama");
  EXPECT_EQ(c.n_layers, 4);
  EXPECT_EQ(c.n_heads, 4);
  EXPECT_EQ(c.n_kv_heads, 2);
  EXPECT_EQ(c.hidden, 96);
  EXPECT_EQ(c.head_dim(), 24);
  EXPECT_EQ(c.intermediate, 256);
  EXPECT_EQ(c.vocab_size, 2000);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.eos_id, 2);
  EXPECT_EQ(c.source, dir + "/config.json");
}

TEST(ModelConfig, UnsupportedModelType) {
  const std::string supported =
      "supported: gemma, gemma2, gpt2, gpt_neox, llama, mistral, olmo2, phi3, qwen2, qwen3";
  EXPECT_EQ(error_of(R"({"model_type": "gemma3"})"),
            "dir/config.json: unsupported model_type 'gemma3'; " + supported);
  EXPECT_EQ(error_of(R"({"hidden_size": 4})"),
            "dir/config.json: unsupported model_type ''; " + supported);
}

TEST(ModelConfig, Defects) {
  EXPECT_NE(error_of("{not json").find("dir/config.json: not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "vocab_size": 9})"),
            "dir/config.json: missing \"n_head\"");
  EXPECT_NE(error_of(R"({"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 0,
                         "vocab_size": 9})")
                .find("\"n_head\" must be a positive integer"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "gpt2", "n_embd": 100, "n_layer": 1, "n_head": 3,
                         "vocab_size": 9})")
                .find("not a multiple"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 9,
                         "num_attention_heads": 4, "num_key_value_heads": 3,
                         "num_hidden_layers": 1, "vocab_size": 9})")
                .find("multiple of num_key_value_heads"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 9,
                         "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9,
                         "rope_scaling": {"type": "yarn", "factor": 2.0}})")
                .find("rotary scaling 'yarn' is not supported"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 9,
                         "num_attention_heads": 4, "num_hidden_layers": 1, "vocab_size": 9,
                         "hidden_act": "gelu"})")
                .find("unsupported activation 'gelu'"),
            std::string::npos);
}

TEST(ModelConfig, MissingFileNamed) {
  testing::TempDir dir;
  try {
    read_model_config(dir.path());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), dir / "config.json");
  }
}

}  // namespace
}  // namespace lmgaze
