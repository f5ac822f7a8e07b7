// lmgaze against tests/reference/forward_numpy.py (an independent float64 numpy
// implementation) on every trained checkpoint in the shared models folder:
// attention of every layer and head within 2e-5, NLL within 1e-4 relative.
// The two sequences run as one right-padded batch in lmgaze, one by one in numpy.
#include <gtest/gtest.h>
#include <torch/types.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "model/causal_lm.hpp"
#include "tiny_checkpoint.hpp"

namespace lmgaze {
namespace {

using json = nlohmann::json;

std::string join(const std::vector<int64_t>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s;
}

class NumpyReference : public ::testing::TestWithParam<std::string> {};

TEST_P(NumpyReference, AttentionAndNllAgree) {
  const std::string dir = std::string(LMGAZE_SHARED_DIR) + "/models/" + GetParam();
  const std::string python = LMGAZE_REFERENCE_PYTHON;
  const std::string script = std::string(LMGAZE_SOURCE_DIR) + "/tests/reference/forward_numpy.py";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  if (!std::filesystem::exists(python)) GTEST_SKIP() << "no " << python;

  auto lm = load_causal_lm(dir, {});
  // Fixed ids inside each vocabulary; LLaMA sequences start with BOS as LLaMA's do.
  std::vector<std::vector<int64_t>> seqs;
  if (lm->config().is_gpt2())
    seqs = {{464, 9002, 531, 326, 262, 1748, 286, 9371, 550, 587, 287, 262, 2832, 13},
            {40, 588, 1110, 50256, 0}};
  else
    seqs = {{1, 263, 555, 331, 263, 1697, 278, 385, 501, 286, 263, 1513, 278, 1999, 5},
            {1, 300, 301, 302, 303, 9}};

  testing::TempDir tmp;
  const std::string out = tmp / "numpy.json";
  std::string cmd = "'" + python + "' '" + script + "' --model '" + dir + "' --out '" + out + "'";
  for (const auto& s : seqs) cmd += " --ids " + join(s);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  json ref;
  std::ifstream(out) >> ref;

  // Right-padded batch [2, T], padding with an id that differs from the real ones.
  const int64_t B = seqs.size(), T = seqs[0].size();
  torch::Tensor ids = torch::full({B, T}, int64_t(7), torch::kInt64);
  for (int64_t b = 0; b < B; ++b)
    for (size_t t = 0; t < seqs[b].size(); ++t) ids[b][t] = seqs[b][t];
  struct Precision {
    torch::Dtype dtype;
    double attention_bound, nll_rel_bound;
  };
  for (const Precision& p :
       {Precision{torch::kFloat32, 2e-5, 1e-4}, Precision{torch::kFloat64, 1e-10, 1e-10}}) {
    SCOPED_TRACE(p.dtype == torch::kFloat64 ? "fp64" : "fp32");
    LoadOptions options;
    options.dtype = p.dtype;
    lm = load_causal_lm(dir, options);
    std::vector<torch::Tensor> attention;  // L x [B, NH, T, T]
    torch::Tensor logits = lm->head(lm->run_layers(lm->embed(ids), &attention));
    torch::Tensor nll = next_token_nll(logits, ids).to(torch::kFloat64);  // [B, T-1]

    const int L = lm->config().n_layers, NH = lm->config().n_heads;
    ASSERT_EQ(attention.size(), size_t(L));
    for (int64_t b = 0; b < B; ++b) {
      const json& r = ref["sequences"][b];
      const int64_t n = seqs[b].size();
      double worst_att = 0, worst_rel = 0;
      for (int l = 0; l < L; ++l) {
        auto a = attention[l][b].to(torch::kFloat64).contiguous();
        auto acc = a.accessor<double, 3>();  // [NH, T, T]
        for (int h = 0; h < NH; ++h)
          for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < n; ++j)
              worst_att = std::max(
                  worst_att, std::abs(acc[h][i][j] - r["attention"][l][h][i][j].get<double>()));
      }
      for (int64_t t = 0; t + 1 < n; ++t) {
        const double want = r["nll"][t].get<double>();
        worst_rel = std::max(worst_rel, std::abs(nll[b][t].item<double>() - want) / std::abs(want));
      }
      std::cout << GetParam() << (p.dtype == torch::kFloat64 ? " fp64" : " fp32") << " sequence "
                << b << ": max |attention diff| " << worst_att << ", max relative NLL diff "
                << worst_rel << "\n";
      EXPECT_LE(worst_att, p.attention_bound) << "sequence " << b;
      EXPECT_LE(worst_rel, p.nll_rel_bound) << "sequence " << b;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedModels, NumpyReference,
                         ::testing::Values("toy-s", "toy-m", "toy-m-chat-a", "toy-m-chat-b",
                                           "toy-l", "gpt2-toy"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '-') c = '_';
                           return s;
                         });

}  // namespace
}  // namespace lmgaze
