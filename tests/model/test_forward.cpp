// The forward pass of both architectures against the double-loop reference
// (fp32 within kFp32Bound, fp64 within kFp64Bound), plus the invariants a
// pipeline-sharded, batched extraction relies on.
//
// Bounds are derived, not tuned: float32 round-off depends on which BLAS
// kernels the CPU picks (another core type, another thread count), so two code
// paths that compute the same thing are compared in float64.
#include <gtest/gtest.h>
#include <torch/types.h>

#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "model/causal_lm.hpp"
#include "reference_forward.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using testing::TempDir;
using testing::TinyModel;

struct Outputs {
  std::vector<torch::Tensor> attention;  // L x [B, NH, T, T]
  torch::Tensor logits;                  // [B, T, V]
  torch::Tensor nll;                     // [B, T-1]
};

// Right-pads sequences with `pad` into ids [B, T].
torch::Tensor batch_ids(const std::vector<std::vector<int64_t>>& seqs, int64_t pad = 0) {
  size_t T = 0;
  for (const auto& s : seqs) T = std::max(T, s.size());
  torch::Tensor ids = torch::full({int64_t(seqs.size()), int64_t(T)}, pad, torch::kInt64);
  for (size_t b = 0; b < seqs.size(); ++b)
    for (size_t t = 0; t < seqs[b].size(); ++t) ids[b][t] = seqs[b][t];
  return ids;
}

Outputs forward_all(CausalLM& lm, const torch::Tensor& ids) {
  Outputs r;
  torch::Tensor h = lm.run_layers(lm.embed(ids), &r.attention);
  r.logits = lm.head(h);
  r.nll = next_token_nll(r.logits, ids);
  return r;
}

Outputs run_dir(const std::string& dir, const torch::Tensor& ids, LoadOptions o = {}) {
  return forward_all(*load_causal_lm(dir, o), ids);
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

void expect_runs_equal(const Outputs& a, const Outputs& b, double tol) {
  ASSERT_EQ(a.attention.size(), b.attention.size());
  for (size_t l = 0; l < a.attention.size(); ++l)
    EXPECT_LE(max_abs_diff(a.attention[l], b.attention[l]), tol) << "layer " << l;
  EXPECT_LE(max_abs_diff(a.logits, b.logits), tol);
}

// Sequence b of `r` (its first T tokens) against the double-loop reference.
void expect_matches_reference(const TinyModel& m, const Outputs& r, int64_t b,
                              const std::vector<int64_t>& ids, double tol) {
  const testing::ReferenceOutput ref = testing::reference_forward(m, ids);
  const int64_t T = ids.size(), NH = m.n_heads;
  ASSERT_EQ(r.attention.size(), size_t(m.n_layers));
  for (int l = 0; l < m.n_layers; ++l) {
    auto att = r.attention[l][b].to(torch::kFloat64).contiguous();  // [NH, T', T']
    auto acc = att.accessor<double, 3>();
    double worst = 0;
    for (int64_t h = 0; h < NH; ++h)
      for (int64_t i = 0; i < T; ++i)
        for (int64_t j = 0; j < T; ++j)
          worst = std::max(worst, std::abs(acc[h][i][j] - ref.attention[l][(h * T + i) * T + j]));
    EXPECT_LE(worst, tol) << "layer " << l;
  }
  auto nll = r.nll[b].to(torch::kFloat64).contiguous();
  for (int64_t t = 0; t + 1 < T; ++t)
    EXPECT_NEAR(nll[t].item<double>(), ref.nll[t], tol) << "token " << t + 1;
}

// fp32 against the float64 reference: unit round-off 2^-24 = 6.0e-8 per
// operation; the longest reductions are the MLP's F = 40 terms, of magnitude up
// to about 4 in these toys: 40 * 6.0e-8 * 4 = 9.6e-6, through 3 layers whose
// norms keep errors from growing. Observed: up to about 2e-6.
constexpr double kFp32Bound = 1e-5;
// float64 (the model run with LoadOptions::dtype = kFloat64): unit round-off
// 2^-53 = 1.1e-16, same reductions and magnitudes: 40 * 1.1e-16 * 4 = 1.8e-14;
// three orders of margin for the layers and the softmax, still eight orders
// below any real defect.
constexpr double kFp64Bound = 1e-11;

LoadOptions fp64() {
  LoadOptions o;
  o.dtype = torch::kFloat64;
  return o;
}

const std::vector<int64_t> kSeqA = {3, 17, 42, 8, 8, 29, 1, 49, 11};
const std::vector<int64_t> kSeqB = {5, 0, 33, 12};

class ForwardTest : public ::testing::TestWithParam<std::string> {
 protected:
  // "gpt2", "gpt2-bare" (keys without "transformer."), "llama-gqa", "llama-tied".
  TinyModel model() const {
    const std::string p = GetParam();
    if (p == "gpt2") return testing::tiny_gpt2();
    if (p == "gpt2-bare") {
      TinyModel m = testing::tiny_gpt2(7);
      m.key_prefix = false;
      return m;
    }
    if (p == "llama-gqa") return testing::tiny_llama(2, 2, false);
    return testing::tiny_llama(3, 4, true);
  }
};

TEST_P(ForwardTest, MatchesDoubleLoopReference) {
  const TinyModel m = model();
  TempDir dir;
  testing::write_checkpoint(m, dir.path(), "F32");
  const Outputs r = run_dir(dir.path(), batch_ids({kSeqA}));
  EXPECT_EQ(r.logits.scalar_type(), torch::kFloat32);
  EXPECT_EQ(r.logits.sizes(), (std::vector<int64_t>{1, int64_t(kSeqA.size()), m.vocab_size}));
  EXPECT_EQ(r.attention[0].sizes(),
            (std::vector<int64_t>{1, m.n_heads, int64_t(kSeqA.size()), int64_t(kSeqA.size())}));
  expect_matches_reference(m, r, 0, kSeqA, kFp32Bound);
  const Outputs r64 = run_dir(dir.path(), batch_ids({kSeqA}), fp64());
  EXPECT_EQ(r64.attention[0].scalar_type(), torch::kFloat64);
  EXPECT_EQ(r64.logits.scalar_type(), torch::kFloat64);
  expect_matches_reference(m, r64, 0, kSeqA, kFp64Bound);
}

// Right padding changes nothing for the real tokens, and every row is a causal
// distribution: zeros above the diagonal, sum 1.
TEST_P(ForwardTest, RightPaddedBatchIsCausalAndExact) {
  const TinyModel m = model();
  TempDir dir;
  testing::write_checkpoint(m, dir.path(), "F32");
  const Outputs r = run_dir(dir.path(), batch_ids({kSeqA, kSeqB}, /*pad=*/7));
  expect_matches_reference(m, r, 0, kSeqA, kFp32Bound);
  expect_matches_reference(m, r, 1, kSeqB, kFp32Bound);
  // A row of T float32 probabilities, each within a few round-offs of exact:
  // its sum is within 4 * T * 2^-24 of 1 (T = 9 here: 2.1e-6).
  const double row_sum_bound = 4.0 * kSeqA.size() * std::ldexp(1.0, -24);
  for (const auto& att : r.attention) {
    EXPECT_EQ(att.scalar_type(), torch::kFloat32);
    EXPECT_EQ(att.triu(1).abs().max().item<float>(), 0.0f);
    EXPECT_LE((att.sum(-1) - 1).abs().max().item<float>(), row_sum_bound);
  }
  const Outputs r64 = run_dir(dir.path(), batch_ids({kSeqA, kSeqB}, /*pad=*/7), fp64());
  expect_matches_reference(m, r64, 0, kSeqA, kFp64Bound);
  expect_matches_reference(m, r64, 1, kSeqB, kFp64Bound);
}

// F16 and BF16 checkpoints hold the same (exactly representable) values: at fp32
// the results are identical, and sharding changes nothing either.
TEST_P(ForwardTest, StoredDtypesAndShardsAgree) {
  const TinyModel m = model();
  TempDir f32, f16, bf16, sharded;
  testing::write_checkpoint(m, f32.path(), "F32");
  testing::write_checkpoint(m, f16.path(), "F16");
  testing::write_checkpoint(m, bf16.path(), "BF16");
  testing::write_checkpoint(m, sharded.path(), "F16", 3);
  const torch::Tensor ids = batch_ids({kSeqA, kSeqB});
  const Outputs base = run_dir(f32.path(), ids);
  expect_runs_equal(base, run_dir(f16.path(), ids), 0.0);
  expect_runs_equal(base, run_dir(bf16.path(), ids), 0.0);
  expect_runs_equal(base, run_dir(sharded.path(), ids), 0.0);
}

// Pipeline stages: [0, k) with the embedding, then [k, L) with the head, equal one
// model running everything; the second stage never maps the embedding's shard.
TEST_P(ForwardTest, LayerRangesComposeLikePipelineStages) {
  const TinyModel m = model();
  TempDir dir;
  testing::write_checkpoint(m, dir.path(), "F32", 3);
  const torch::Tensor ids = batch_ids({kSeqA, kSeqB});
  const Outputs all = run_dir(dir.path(), ids);
  for (int k = 0; k <= m.n_layers; ++k) {
    LoadOptions first, second;
    first.last_layer = k;
    first.with_head = false;
    second.first_layer = k;
    second.with_embedding = false;
    auto a = load_causal_lm(dir.path(), first);
    auto b = load_causal_lm(dir.path(), second);
    Outputs split;
    torch::Tensor h = a->run_layers(a->embed(ids), &split.attention);
    h = b->run_layers(h, &split.attention);
    split.logits = b->head(h);
    expect_runs_equal(all, split, 0.0);
    EXPECT_THROW(a->head(h), std::logic_error);
    EXPECT_THROW(b->embed(ids), std::logic_error);
  }
  // A stage owning only the last layer needs only the last shard (shard 0 holds the
  // embedding and layer 0), unless the head is tied to the embedding.
  testing::write_text(dir / testing::shard_name(0, 3), "garbage!!");
  LoadOptions last;
  last.first_layer = m.n_layers - 1;
  last.with_embedding = false;
  if (m.tie_word_embeddings)
    EXPECT_THROW(load_causal_lm(dir.path(), last), InputError);
  else
    EXPECT_NO_THROW(load_causal_lm(dir.path(), last));
  last.with_head = false;
  EXPECT_NO_THROW(load_causal_lm(dir.path(), last));
}

// bf16 (and fp16 where this LibTorch runs it on the CPU) stays close to fp32;
// attention and logits come back float32 either way.
TEST_P(ForwardTest, ReducedPrecisionStaysClose) {
  const TinyModel m = model();
  TempDir dir;
  testing::write_checkpoint(m, dir.path(), "BF16");
  const torch::Tensor ids = batch_ids({kSeqA});
  const Outputs base = run_dir(dir.path(), ids);
  for (torch::Dtype dtype : {torch::kBFloat16, torch::kFloat16}) {
    LoadOptions o;
    o.dtype = dtype;
    std::unique_ptr<CausalLM> lm;
    try {
      lm = load_causal_lm(dir.path(), o);
    } catch (const InputError& e) {
      // LibTorch 1.13 has no fp16 matmul on the CPU: a clear error, not a crash.
      EXPECT_EQ(dtype, torch::kFloat16) << e.what();
      EXPECT_NE(std::string(e.what()).find("float16"), std::string::npos) << e.what();
      continue;
    }
    const Outputs low = forward_all(*lm, ids);
    EXPECT_EQ(low.attention[0].scalar_type(), torch::kFloat32);
    EXPECT_EQ(low.logits.scalar_type(), torch::kFloat32);
    // bf16 keeps 8 significant bits; these random toys have sharp attention and
    // large logits, so the bounds are loose (trained toys stay within 0.03 and 0.07).
    for (size_t l = 0; l < base.attention.size(); ++l)
      EXPECT_LE(max_abs_diff(base.attention[l], low.attention[l]), 0.1) << "layer " << l;
    EXPECT_LE(max_abs_diff(base.nll, low.nll), 0.25);
    EXPECT_LE(std::abs(base.nll.mean().item<double>() - low.nll.mean().item<double>()), 0.05);
  }
}

INSTANTIATE_TEST_SUITE_P(Tiny, ForwardTest,
                         ::testing::Values("gpt2", "gpt2-bare", "llama-gqa", "llama-tied"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '-') c = '_';
                           return s;
                         });

// Grouped-query attention is multi-head attention whose key/value heads repeat.
// The two checkpoints take different matrix shapes through BLAS, so they are
// compared in float64, where their difference is double round-off.
TEST(Forward, GroupedQueryEqualsRepeatedKeyValueHeads) {
  const TinyModel gqa = testing::tiny_llama(4, 2, false);
  const TinyModel mha = testing::expand_kv_heads(gqa);
  EXPECT_EQ(mha.n_kv_heads, 4);
  TempDir a, b;
  testing::write_checkpoint(gqa, a.path());
  testing::write_checkpoint(mha, b.path());
  const torch::Tensor ids = batch_ids({kSeqA, kSeqB});
  expect_runs_equal(run_dir(a.path(), ids, fp64()), run_dir(b.path(), ids, fp64()), kFp64Bound);
  const TinyModel single = testing::tiny_llama(4, 1, false);  // multi-query: one kv head
  TempDir c;
  testing::write_checkpoint(single, c.path());
  expect_matches_reference(single, run_dir(c.path(), ids), 0, kSeqA, kFp32Bound);
  expect_matches_reference(single, run_dir(c.path(), ids, fp64()), 0, kSeqA, kFp64Bound);
}

TEST(Forward, NextTokenNllByHand) {
  // One sequence, T 3, V 2: nll[t] = logsumexp(logits[t]) - logits[t][ids[t+1]].
  torch::Tensor logits = torch::tensor({0.0f, 1.0f, 2.0f, 0.0f, 5.0f, 5.0f}).view({1, 3, 2});
  torch::Tensor ids = torch::tensor({int64_t(0), int64_t(1), int64_t(0)}).view({1, 3});
  torch::Tensor nll = next_token_nll(logits, ids);
  ASSERT_EQ(nll.sizes(), (std::vector<int64_t>{1, 2}));
  EXPECT_NEAR(nll[0][0].item<double>(), std::log(1 + std::exp(1.0)) - 1.0, 1e-6);
  EXPECT_NEAR(nll[0][1].item<double>(), std::log(std::exp(2.0) + 1) - 2.0, 1e-6);
  EXPECT_EQ(next_token_nll(logits.slice(1, 0, 1), ids.slice(1, 0, 1)).size(1), 0);
}

// Runs `f`, expects an InputError whose message contains every needle.
void expect_input_error(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    for (const auto& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what() << "\n  lacks: " << n;
  }
}

TEST(Forward, ShapeMismatchNamesTensorFileAndShapes) {
  TinyModel m = testing::tiny_llama();
  m.intermediate = 48;  // config.json says 48, the tensors hold 40
  TempDir dir;
  testing::write_checkpoint(m, dir.path());
  expect_input_error(
      [&] { load_causal_lm(dir.path(), {}); },
      {dir / "model.safetensors", "model.layers.0.mlp.gate_proj.weight", "[40, 16]", "[48, 16]"});
  TinyModel g = testing::tiny_gpt2();
  g.max_positions = 16;
  TempDir gdir;
  testing::write_checkpoint(g, gdir.path(), "F16", 2);
  expect_input_error(
      [&] { load_causal_lm(gdir.path(), {}); },
      {gdir / testing::shard_name(0, 2), "transformer.wpe.weight", "[32, 16]", "[16, 16]"});
}

TEST(Forward, MissingTensorNamesFile) {
  TinyModel m = testing::tiny_gpt2();
  m.names.erase(std::find(m.names.begin(), m.names.end(), "transformer.h.1.ln_2.bias"));
  TempDir dir;
  testing::write_checkpoint(m, dir.path());
  expect_input_error([&] { load_causal_lm(dir.path(), {}); },
                     {dir / "model.safetensors", "transformer.h.1.ln_2.bias", "not found"});
  LoadOptions first_layer_only;
  first_layer_only.last_layer = 1;
  EXPECT_NO_THROW(load_causal_lm(dir.path(), first_layer_only));
}

TEST(Forward, BadRequestsAreInputErrors) {
  TinyModel m = testing::tiny_gpt2();
  TempDir dir;
  testing::write_checkpoint(m, dir.path());
  LoadOptions o;
  o.first_layer = 2;
  o.last_layer = 4;
  expect_input_error([&] { load_causal_lm(dir.path(), o); },
                     {dir / "config.json", "layer range [2, 4)", "3 layers"});
  auto lm = load_causal_lm(dir.path(), {});
  expect_input_error(
      [&] {
        lm->embed(batch_ids({{1, 50}}));
      },
      {dir / "config.json", "token id 50", "vocabulary of 50"});
  std::vector<int64_t> long_seq(33, 1);
  expect_input_error([&] { lm->embed(batch_ids({long_seq})); },
                     {dir / "config.json", "33 tokens exceeds n_positions 32"});
  testing::write_text(dir / "config.json", R"({"model_type": "t5"})");
  expect_input_error([&] { load_causal_lm(dir.path(), {}); },
                     {dir / "config.json", "unsupported model_type 't5'; supported: gemma, gemma2, gpt2"});
  TempDir empty;
  testing::write_text(empty / "config.json", m.config_json());
  expect_input_error([&] { load_causal_lm(empty.path(), {}); },
                     {empty.path(), "no model.safetensors"});
}

}  // namespace
}  // namespace lmgaze
