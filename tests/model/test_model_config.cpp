// config.json parsing and parameter counts (checked against Hugging Face's
// published counts and against the tensors actually stored in the shared models).
#include <gtest/gtest.h>

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
      "supported: gemma, gpt2, gpt_neox, llama, mistral, olmo2, phi3, qwen2, qwen3";
  EXPECT_EQ(error_of(R"({"model_type": "gemma2"})"),
            "dir/config.json: unsupported model_type 'gemma2'; " + supported);
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
