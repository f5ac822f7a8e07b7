// BatchWordMerge: the token-to-word merge of a micro-batch as tensor products
// (src/extract/word_merge.hpp), checked by hand and against the loop that
// implements METHODS.md 2.5 directly (src/align/word_attention.hpp).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "align/word_attention.hpp"
#include "common/tril.hpp"
#include "extract/word_merge.hpp"

namespace lmgaze {
namespace {

TEST(BatchWordMerge, HandComputedSentence) {
  // BOS, word 0 (one token), word 1 (two tokens); one head.
  const std::vector<int> token_word = {-1, 0, 1, 1};
  torch::Tensor a = torch::tensor({1.0f, 0.0f, 0.0f, 0.0f,  //
                                   0.5f, 0.5f, 0.0f, 0.0f,  //
                                   0.2f, 0.3f, 0.5f, 0.0f,  //
                                   0.1f, 0.2f, 0.3f, 0.4f})
                        .view({1, 1, 4, 4});  // [B, H, T, T]
  BatchWordMerge merge({&token_word}, {2}, 4, torch::kCPU);
  ASSERT_EQ(merge.pairs(), 3);
  torch::Tensor w = merge.pack(a);  // [H, pairs]
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{1, 3}));
  // W[0][0] = A[1][1]; W[1][0] = (A[2][1] + A[3][1]) / 2; W[1][1] = (A[2][2] + A[2][3] +
  // A[3][2] + A[3][3]) / 2. BOS's row and column are dropped, not renormalised.
  EXPECT_NEAR(w[0][0].item<float>(), 0.5f, 1e-7);
  EXPECT_NEAR(w[0][1].item<float>(), 0.25f, 1e-7);
  EXPECT_NEAR(w[0][2].item<float>(), 0.6f, 1e-7);
}

// Causal attention rows: softmax over the visible keys.
torch::Tensor random_causal_probs(int64_t B, int64_t H, int64_t T) {
  torch::Tensor scores = torch::randn({B, H, T, T});
  scores.masked_fill_(torch::ones({T, T}, torch::kBool).triu(1), -INFINITY);
  return torch::softmax(scores, -1);  // [B, H, T, T]
}

TEST(BatchWordMerge, EqualsTheLoopForEverySentenceOfAPaddedBatch) {
  torch::manual_seed(7);
  const int H = 3;
  // Sentences of 6, 3 and 5 tokens, padded to 6; prefix tokens (-1) and
  // multi-token words in several places.
  const std::vector<std::vector<int>> words = {{-1, -1, 0, 1, 1, 2}, {-1, 0, 1}, {-1, 0, 0, 0, 1}};
  const std::vector<int> n_words = {3, 2, 2};
  const int64_t T = 6;
  torch::Tensor probs = random_causal_probs(3, H, T);
  // Padding must never reach a sentence: fill it with a value that would show.
  probs[1].slice(1, 3, T).fill_(7.0f);
  probs[1].slice(2, 3, T).fill_(7.0f);
  probs[2].slice(1, 5, T).fill_(7.0f);
  probs[2].slice(2, 5, T).fill_(7.0f);

  std::vector<const std::vector<int>*> token_word;
  for (const auto& w : words) token_word.push_back(&w);
  BatchWordMerge merge(token_word, n_words, T, torch::kCPU);
  torch::Tensor packed = merge.pack(probs).contiguous();  // [H, pairs]
  ASSERT_EQ(merge.pairs(), tril_size(3) + tril_size(2) + tril_size(2));
  ASSERT_EQ(packed.size(1), merge.pairs());

  int64_t offset = 0;
  for (size_t s = 0; s < words.size(); ++s) {
    const int Ts = static_cast<int>(words[s].size());
    torch::Tensor a = probs[static_cast<int64_t>(s)].slice(1, 0, Ts).slice(2, 0, Ts).contiguous();
    std::vector<float> expected =
        merge_attention_to_words(a.data_ptr<float>(), H, Ts, words[s], n_words[s]);  // [H, pairs]
    const int64_t pairs = tril_size(n_words[s]);
    for (int h = 0; h < H; ++h)
      for (int64_t k = 0; k < pairs; ++k)
        EXPECT_NEAR(packed[h][offset + k].item<float>(), expected[h * pairs + k], 1e-6)
            << "sentence " << s << ", head " << h << ", pair " << k;
    offset += pairs;
  }
}

}  // namespace
}  // namespace lmgaze
