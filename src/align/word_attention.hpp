// Token-level attention -> word-level attention (METHODS.md 2.3 and 2.5).
//
// Shapes: H heads, T tokens, n words. attention is one layer's [H, T, T]
// row-major probabilities, row = query token ("from"), column = key token.
// For each head:
//   1. drop the rows and columns of tokens with token_word[t] == -1 (BOS, the
//      instruction prefix) WITHOUT renormalising the remaining rows;
//   2. W[i][j] = mean over tokens t of word i of (sum over tokens u of word j
//      of A[t][u]): sum the columns of a word's tokens, average its rows.
// Sums run in double. Only the lower triangle j <= i is kept (for a causal
// model the rest is zero), packed in tril order (common/tril.hpp).
#pragma once

#include <cstdint>
#include <vector>

namespace lmgaze {

// Returns [H, tril_size(n_words)]. token_word has T entries in -1..n_words-1
// and every word has at least one token (else std::invalid_argument).
std::vector<float> merge_attention_to_words(const float* attention, int n_heads, int T,
                                            const std::vector<int>& token_word, int n_words);

// Same, written to out[h * out_stride + tril_index(i, j)], so that a caller
// can place many sentences side by side in one [H, n_pairs] array
// (out = base + pair_offset[s], out_stride = n_pairs).
void merge_attention_to_words_into(const float* attention, int n_heads, int T,
                                   const std::vector<int>& token_word, int n_words, float* out,
                                   int64_t out_stride);

}  // namespace lmgaze
