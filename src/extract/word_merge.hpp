// The token-to-word merge of METHODS.md 2.3-2.5 for a whole micro-batch, on
// the device that ran the model.
//
// For each sentence with token-to-word map w(t) (-1 = BOS or prefix, dropped)
// and c(i) tokens in word i, the word-level matrix is
//   W[i][j] = (1 / c(i)) * sum_{t: w(t)=i} sum_{u: w(u)=j} A[t][u]
// i.e. W = R A S^T with R[i][t] = [w(t)=i] / c(i) (rows averaged) and
// S[j][u] = [w(u)=j] (columns summed). Two batched products in float64 compute
// it for every sentence and head at once, and a gather packs each sentence's
// lower triangle (common/tril.hpp) into the block the file stores, so that
// only the packed values leave the GPU.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace lmgaze {

class BatchWordMerge {
 public:
  // token_word[b]: the word of each token of sentence b (its length is the
  // sentence's token count, at most t_max); n_words[b]: its word count.
  BatchWordMerge(const std::vector<const std::vector<int>*>& token_word,
                 const std::vector<int>& n_words, int64_t t_max, torch::Device device);

  // probs [B, H, t_max, t_max] (rows: query token) -> [H, pairs] float32 on the
  // same device: sentence after sentence, each its packed lower triangle.
  torch::Tensor pack(const torch::Tensor& probs) const;

  int64_t pairs() const { return pairs_; }

 private:
  torch::Tensor rows_;   // [B, 1, n_max, t_max] float64: [w(t)=i] / c(i)
  torch::Tensor cols_;   // [B, 1, t_max, n_max] float64: [w(u)=j]
  torch::Tensor index_;  // [pairs] int64: b * n_max^2 + i * n_max + j of each packed pair
  int64_t n_max_ = 0;
  int64_t pairs_ = 0;
};

}  // namespace lmgaze
