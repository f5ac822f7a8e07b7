#include "align/word_attention.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "common/tril.hpp"

namespace lmgaze {
namespace {

// Number of tokens of each word; checks token_word against T and n_words.
std::vector<int> tokens_per_word(const std::vector<int>& token_word, int T, int n_words) {
  if (static_cast<int>(token_word.size()) != T) {
    throw std::invalid_argument("merge_attention_to_words: token_word has " +
                                std::to_string(token_word.size()) + " entries for " +
                                std::to_string(T) + " tokens");
  }
  std::vector<int> count(n_words, 0);
  for (int w : token_word) {
    if (w < -1 || w >= n_words) {
      throw std::invalid_argument("merge_attention_to_words: word index " + std::to_string(w) +
                                  " outside -1.." + std::to_string(n_words - 1));
    }
    if (w >= 0) ++count[w];
  }
  for (int w = 0; w < n_words; ++w) {
    if (count[w] == 0) {
      throw std::invalid_argument("merge_attention_to_words: word " + std::to_string(w) +
                                  " has no token");
    }
  }
  return count;
}

}  // namespace

void merge_attention_to_words_into(const float* attention, int n_heads, int T,
                                   const std::vector<int>& token_word, int n_words, float* out,
                                   int64_t out_stride) {
  const std::vector<int> count = tokens_per_word(token_word, T, n_words);
  std::vector<double> sum(static_cast<size_t>(n_words) * n_words);  // [n, n], "from i to j"

  for (int h = 0; h < n_heads; ++h) {
    const float* head = attention + static_cast<int64_t>(h) * T * T;  // [T, T]
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int t = 0; t < T; ++t) {
      const int i = token_word[t];
      if (i < 0) continue;  // dropped row
      const float* row = head + static_cast<int64_t>(t) * T;
      double* sum_row = sum.data() + static_cast<size_t>(i) * n_words;
      for (int u = 0; u < T; ++u) {
        const int j = token_word[u];
        if (j >= 0) sum_row[j] += row[u];  // dropped columns simply never enter
      }
    }
    float* out_head = out + h * out_stride;
    for (int i = 0; i < n_words; ++i) {
      for (int j = 0; j <= i; ++j) {
        out_head[tril_index(i, j)] =
            static_cast<float>(sum[static_cast<size_t>(i) * n_words + j] / count[i]);
      }
    }
  }
}

std::vector<float> merge_attention_to_words(const float* attention, int n_heads, int T,
                                            const std::vector<int>& token_word, int n_words) {
  const int64_t pairs = tril_size(n_words);
  std::vector<float> out(static_cast<size_t>(n_heads) * pairs);
  merge_attention_to_words_into(attention, n_heads, T, token_word, n_words, out.data(), pairs);
  return out;
}

}  // namespace lmgaze
