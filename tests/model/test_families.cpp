// Every family against tests/reference/forward_numpy.py (an independent float64
// numpy forward written from transformers' modeling code) on tiny random
// checkpoints: attention of every layer and head and the next-token NLL, in
// float64 to double round-off and in float32 within the tolerances METHODS.md
// asks of real runs (attention 2e-5, NLL 1e-4 relative). Plus: configs as
// transformers 4 and 5 write them give identical attention; a rotary base
// inside rope_parameters is honoured; pytorch_model.bin gives what its
// safetensors twin gives; checkpoints with tensors the config does not account
// for are refused.
#include <gtest/gtest.h>
#include <torch/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "model/causal_lm.hpp"
#include "support/input_error.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using json = nlohmann::json;
using testing::TempDir;
using testing::TinyModel;

const std::vector<std::vector<int64_t>> kSeqs = {{1, 17, 33, 5, 9, 21, 38, 2, 11, 30, 7, 25},
                                                 {1, 3, 39, 12, 8, 6}};

struct Outputs {
  std::vector<torch::Tensor> attention;  // L x [B, NH, T, T]
  torch::Tensor nll;                     // [B, T-1] float64
};

Outputs run_lmgaze(const std::string& dir, torch::Dtype dtype) {
  LoadOptions o;
  o.dtype = dtype;
  auto lm = load_causal_lm(dir, o);
  const int64_t B = kSeqs.size(), T = kSeqs[0].size();
  torch::Tensor ids = torch::full({B, T}, int64_t(4), torch::kInt64);  // right padding
  for (int64_t b = 0; b < B; ++b)
    for (size_t t = 0; t < kSeqs[b].size(); ++t) ids[b][t] = kSeqs[b][t];
  Outputs r;
  torch::Tensor logits = lm->head(lm->run_layers(lm->embed(ids), &r.attention));
  r.nll = next_token_nll(logits, ids).to(torch::kFloat64);
  return r;
}

json run_numpy(const std::string& dir) {
  TempDir tmp;
  const std::string out = tmp / "numpy.json";
  std::string cmd = std::string("'") + LMGAZE_REFERENCE_PYTHON + "' '" + LMGAZE_SOURCE_DIR +
                    "/tests/reference/forward_numpy.py' --model '" + dir + "' --out '" + out + "'";
  for (const auto& s : kSeqs) {
    cmd += " --ids ";
    for (size_t i = 0; i < s.size(); ++i) cmd += (i ? "," : "") + std::to_string(s[i]);
  }
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  json ref;
  std::ifstream(out) >> ref;
  return ref;
}

// Largest |attention difference| and relative NLL difference over real tokens.
std::pair<double, double> worst_diff(const Outputs& r, const json& ref) {
  double att = 0, nll = 0;
  for (size_t b = 0; b < kSeqs.size(); ++b) {
    const json& s = ref["sequences"][b];
    const int64_t n = kSeqs[b].size();
    for (size_t l = 0; l < r.attention.size(); ++l) {
      auto a = r.attention[l][b].to(torch::kFloat64).contiguous();
      auto acc = a.accessor<double, 3>();  // [NH, T, T]
      for (int64_t h = 0; h < a.size(0); ++h)
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < n; ++j)
            att = std::max(att, std::abs(acc[h][i][j] - s["attention"][l][h][i][j].get<double>()));
    }
    for (int64_t t = 0; t + 1 < n; ++t) {
      const double want = s["nll"][t].get<double>();
      nll = std::max(nll, std::abs(r.nll[b][t].item<double>() - want) / std::abs(want));
    }
  }
  return {att, nll};
}

class Family : public ::testing::TestWithParam<std::string> {};

TEST_P(Family, MatchesNumpyReference) {
  TempDir dir;
  const TinyModel m = testing::tiny_family(GetParam());
  testing::write_checkpoint(m, dir.path());
  const json ref = run_numpy(dir.path());
  ASSERT_EQ(ref["sequences"][0]["attention"].size(), size_t(m.n_layers));
  for (torch::Dtype dtype : {torch::kFloat64, torch::kFloat32}) {
    const Outputs r = run_lmgaze(dir.path(), dtype);
    ASSERT_EQ(r.attention.size(), size_t(m.n_layers));
    const auto [att, nll] = worst_diff(r, ref);
    const bool fp64 = dtype == torch::kFloat64;
    std::cout << GetParam() << (fp64 ? " fp64" : " fp32") << ": max |attention diff| " << att
              << ", max relative NLL diff " << nll << "\n";
    // fp64: a few hundred operations of double round-off; fp32: METHODS.md's bounds.
    EXPECT_LE(att, fp64 ? 1e-12 : 2e-5);
    EXPECT_LE(nll, fp64 ? 1e-12 : 1e-4);
  }
}

INSTANTIATE_TEST_SUITE_P(Tiny, Family,
                         ::testing::Values("mistral", "qwen2", "qwen3", "gemma", "gemma2", "phi3",
                                           "gpt_neox", "gpt_neox-serial", "olmo2", "llama3",
                                           "llama-v5"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '-') c = '_';
                           return s;
                         });

// Checkpoints saved by transformers itself with its own eager attention
// (tests/reference/make_transformers_fixtures.py, run where transformers is
// installed; its output committed under tests/data/transformers). Skipped
// while a family has no such fixture.
class TransformersFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(TransformersFixture, MatchesTransformersEagerForward) {
  const std::string dir = std::string(LMGAZE_SOURCE_DIR) + "/tests/data/transformers/" + GetParam();
  if (!std::filesystem::exists(dir + "/expected.json"))
    GTEST_SKIP() << "no transformers-made fixture " << dir;
  json ref;
  std::ifstream(dir + "/expected.json") >> ref;
  const Outputs r = run_lmgaze(dir, torch::kFloat32);
  const auto [att, nll] = worst_diff(r, ref);
  std::cout << GetParam() << " vs transformers " << ref["transformers"].get<std::string>()
            << ": max |attention diff| " << att << ", max relative NLL diff " << nll << "\n";
  EXPECT_LE(att, 2e-5);
  EXPECT_LE(nll, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Saved, TransformersFixture,
                         ::testing::Values("llama", "mistral", "qwen2", "gemma", "phi3", "gpt_neox",
                                           "olmo2", "qwen3", "gemma2"));

double max_attention_diff(const Outputs& a, const Outputs& b) {
  double d = 0;
  for (size_t l = 0; l < a.attention.size(); ++l)
    d = std::max(d, (a.attention[l] - b.attention[l]).abs().max().item<double>());
  return d;
}

// The same model as transformers 4 and 5 write its config: identical attention.
TEST(ConfigFormats, Transformers4And5GiveIdenticalAttention) {
  TinyModel m = testing::tiny_family("llama-v5");
  TempDir v5, v4;
  testing::write_checkpoint(m, v5.path());
  json cfg = json::parse(m.config_text);
  cfg.erase("rope_parameters");
  cfg.erase("dtype");
  cfg["rope_theta"] = 500.0;
  cfg["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  cfg["torch_dtype"] = "float32";
  m.config_text = cfg.dump();
  testing::write_checkpoint(m, v4.path());
  const Outputs a = run_lmgaze(v5.path(), torch::kFloat32),
                b = run_lmgaze(v4.path(), torch::kFloat32);
  EXPECT_EQ(max_attention_diff(a, b), 0.0);
  EXPECT_TRUE(torch::equal(a.nll, b.nll));
}

// The silent misread this guards against: a base inside rope_parameters read as
// the default 10000. The numpy reference (Family.llama_v5) checks the value;
// here the base must matter at all.
TEST(ConfigFormats, RotaryBaseInsideRopeParametersIsHonoured) {
  TinyModel m = testing::tiny_family("llama-v5");
  TempDir given, base10k;
  testing::write_checkpoint(m, given.path());
  json cfg = json::parse(m.config_text);
  cfg["rope_parameters"]["rope_theta"] = 10000.0;
  m.config_text = cfg.dump();
  testing::write_checkpoint(m, base10k.path());
  const double d = max_attention_diff(run_lmgaze(given.path(), torch::kFloat64),
                                      run_lmgaze(base10k.path(), torch::kFloat64));
  std::cout << "base 500 vs 10000: max |attention diff| " << d << "\n";
  EXPECT_GT(d, 1e-3);
}

using test::error_of;

TEST(ConfigFormats, DynamicScalingRefusesSequencesBeyondItsExactRange) {
  TinyModel m = testing::tiny_family("llama-v5");
  json cfg = json::parse(m.config_text);
  cfg["rope_parameters"] = {{"rope_type", "dynamic"}, {"factor", 2.0}, {"rope_theta", 500.0}};
  cfg["max_position_embeddings"] = 8;
  m.config_text = cfg.dump();
  TempDir dir;
  testing::write_checkpoint(m, dir.path());
  auto lm = load_causal_lm(dir.path(), {});
  std::vector<torch::Tensor> att;
  lm->run_layers(lm->embed(torch::ones({1, 8}, torch::kInt64)), &att);  // within: runs
  EXPECT_EQ(error_of([&] {
              lm->run_layers(lm->embed(torch::ones({1, 9}, torch::kInt64)), &att);
            }),
            dir / "config.json" +
                ": a sequence of 9 tokens exceeds the 8 positions within which 'dynamic' rotary "
                "scaling is exact");
}

// pytorch_model.bin made by real torch.save, and its safetensors twin.
TEST(CheckpointFormats, BinAndShardedBinGiveTheSafetensorsAttention) {
  const std::string root = std::string(LMGAZE_SOURCE_DIR) + "/tests/data/torch_bin/";
  const Outputs st = run_lmgaze(root + "safetensors", torch::kFloat32);
  const Outputs bin = run_lmgaze(root + "bin", torch::kFloat32);
  const Outputs sharded = run_lmgaze(root + "bin-sharded", torch::kFloat32);
  EXPECT_EQ(max_attention_diff(st, bin), 0.0);
  EXPECT_EQ(max_attention_diff(st, sharded), 0.0);
  EXPECT_TRUE(torch::equal(st.nll, bin.nll));
  EXPECT_TRUE(torch::equal(st.nll, sharded.nll));
  // And the twin against the numpy reference, so the three are right, not only equal.
  const auto [att, nll] = worst_diff(run_lmgaze(root + "safetensors", torch::kFloat64),
                                     run_numpy(root + "safetensors"));
  EXPECT_LE(att, 1e-12);
  EXPECT_LE(nll, 1e-12);
}

TEST(CheckpointFormats, TensorsTheConfigDoesNotAccountForAreRefused) {
  // A fourth layer in a three-layer model.
  TinyModel m = testing::tiny_llama();
  m.add("model.layers.3.self_attn.q_proj.weight", {16, 16}, std::vector<double>(256, 0.0));
  TempDir dir;
  testing::write_checkpoint(m, dir.path());
  EXPECT_EQ(error_of([&] { load_causal_lm(dir.path(), {}); }),
            dir / "model.safetensors" +
                ": tensor 'model.layers.3.self_attn.q_proj.weight' is not part of a llama model "
                "as " +
                dir / "config.json" + " describes it");
  // A bias the config does not enable.
  TinyModel b = testing::tiny_llama();
  b.add("model.layers.0.self_attn.q_proj.bias", {16}, std::vector<double>(16, 0.0));
  TempDir dir2;
  testing::write_checkpoint(b, dir2.path());
  EXPECT_NE(error_of([&] {
              load_causal_lm(dir2.path(), {});
            }).find("tensor 'model.layers.0.self_attn.q_proj.bias' is not part of a llama"),
            std::string::npos);
}

}  // namespace
}  // namespace lmgaze
