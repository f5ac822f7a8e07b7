#include "extract/word_merge.hpp"

#include <algorithm>
#include <stdexcept>

namespace lmgaze {

BatchWordMerge::BatchWordMerge(const std::vector<const std::vector<int>*>& token_word,
                               const std::vector<int>& n_words, int64_t t_max,
                               torch::Device device) {
  const int64_t B = static_cast<int64_t>(token_word.size());
  if (static_cast<int64_t>(n_words.size()) != B)
    throw std::logic_error("BatchWordMerge: one word count per sentence");
  n_max_ = std::max<int64_t>(1, *std::max_element(n_words.begin(), n_words.end()));
  // Built on the host, moved once: a few kilobytes per micro-batch.
  torch::Tensor rows = torch::zeros({B, n_max_, t_max}, torch::kFloat64);  // [B, n_max, T]
  torch::Tensor cols = torch::zeros({B, t_max, n_max_}, torch::kFloat64);  // [B, T, n_max]
  auto r = rows.accessor<double, 3>();
  auto c = cols.accessor<double, 3>();
  std::vector<int64_t> index;
  for (int64_t b = 0; b < B; ++b) {
    const std::vector<int>& w = *token_word[b];
    if (static_cast<int64_t>(w.size()) > t_max)
      throw std::logic_error("BatchWordMerge: sentence longer than t_max");
    std::vector<int> count(n_words[b], 0);
    for (int word : w)
      if (word >= 0) ++count[word];
    for (size_t t = 0; t < w.size(); ++t) {
      if (w[t] < 0) continue;
      r[b][w[t]][t] = 1.0 / count[w[t]];
      c[b][t][w[t]] = 1.0;
    }
    const int64_t base = b * n_max_ * n_max_;
    for (int64_t i = 0; i < n_words[b]; ++i)
      for (int64_t j = 0; j <= i; ++j) index.push_back(base + i * n_max_ + j);
  }
  pairs_ = static_cast<int64_t>(index.size());
  rows_ = rows.unsqueeze(1).to(device);  // [B, 1, n_max, T]: broadcast over heads
  cols_ = cols.unsqueeze(1).to(device);  // [B, 1, T, n_max]
  index_ = torch::tensor(index, torch::kInt64).to(device);
}

torch::Tensor BatchWordMerge::pack(const torch::Tensor& probs) const {
  const int64_t B = probs.size(0), H = probs.size(1);
  torch::Tensor words = torch::matmul(torch::matmul(rows_, probs.to(torch::kFloat64)),  // [B,H,n,T]
                                      cols_);  // [B, H, n_max, n_max]
  return words
      .transpose(0, 1)                    // [H, B, n_max, n_max]
      .reshape({H, B * n_max_ * n_max_})  // [H, B * n_max^2]
      .index_select(1, index_)            // [H, pairs]
      .to(torch::kFloat32);
}

}  // namespace lmgaze
