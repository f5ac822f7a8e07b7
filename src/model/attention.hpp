// Causal self-attention core, all heads at once (no per-head loop).
//
// Dimension letters: B batch, T tokens, NH query heads, NKV key/value heads,
// HS head size. The probabilities are what lmgaze is about, so they are always
// materialised (no fused scaled_dot_product_attention, which hides them).
#pragma once

#include <torch/types.h>

namespace lmgaze {

// x [B, T, NH * HS] -> [B, NH, T, HS]
torch::Tensor split_heads(const torch::Tensor& x, int64_t n_heads);

// x [B, NH, T, HS] -> [B, T, NH * HS]
torch::Tensor merge_heads(const torch::Tensor& x);

// Grouped-query attention: x [B, NKV, T, HS] -> [B, NKV * n_rep, T, HS], query head h
// reading key/value head h / n_rep (Hugging Face's repeat_kv).
torch::Tensor repeat_kv(const torch::Tensor& x, int64_t n_rep);

// softmax(scale * q k^T + causal mask) v; scale 0 means 1 / sqrt(HS). With
// window > 0 query i sees only keys i - window < j <= i (Mistral's sliding window).
// With softcap > 0 the scaled scores become softcap * tanh(scores / softcap) first.
// q, k, v [B, NH, T, HS] -> out [B, NH, T, HS] in q's dtype; *probs (when non-null)
// receives the attention probabilities [B, NH, T, T], float32, exact zeros above
// the diagonal. The softmax always runs in float32.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, torch::Tensor* probs, double scale = 0,
                               int64_t window = 0, double softcap = 0);

}  // namespace lmgaze
