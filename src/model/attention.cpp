#include "model/attention.hpp"

#include <cmath>
#include <limits>

#include "model/precision.hpp"
#include "model/softmax_clock.hpp"

namespace lmgaze {

torch::Tensor split_heads(const torch::Tensor& x, int64_t n_heads) {
  const int64_t B = x.size(0), T = x.size(1), HS = x.size(2) / n_heads;
  return x
      .view({B, T, n_heads, HS})  // [B, T, NH, HS]
      .transpose(1, 2);           // [B, NH, T, HS]
}

torch::Tensor merge_heads(const torch::Tensor& x) {
  const int64_t B = x.size(0), NH = x.size(1), T = x.size(2), HS = x.size(3);
  return x
      .transpose(1, 2)            // [B, T, NH, HS]
      .reshape({B, T, NH * HS});  // [B, T, C]
}

torch::Tensor repeat_kv(const torch::Tensor& x, int64_t n_rep) {
  if (n_rep == 1) return x;
  const int64_t B = x.size(0), NKV = x.size(1), T = x.size(2), HS = x.size(3);
  return x
      .unsqueeze(2)                       // [B, NKV, 1, T, HS]
      .expand({B, NKV, n_rep, T, HS})     // [B, NKV, n_rep, T, HS], no copy yet
      .reshape({B, NKV * n_rep, T, HS});  // [B, NH, T, HS]
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k,
                               const torch::Tensor& v, torch::Tensor* probs, double scale,
                               int64_t window, double softcap) {
  const int64_t T = q.size(2), HS = q.size(3);
  // Scaling q before the product keeps fp16 scores further from overflow.
  if (scale == 0) scale = 1.0 / std::sqrt(static_cast<double>(HS));
  torch::Tensor scores = torch::matmul(q * scale, k.transpose(-2, -1))  // [B, NH, T, T]
                             .to(wide_dtype(q.scalar_type()));
  // Key j > query i is the future. Batches are right-padded, so a real token never
  // sits after padding and this mask alone keeps padding out of real tokens' rows.
  // Gemma 2 squashes the scores into (-softcap, softcap) before the mask and softmax.
  if (softcap > 0) scores = torch::tanh(scores / softcap) * softcap;
  torch::Tensor ones = torch::ones({T, T}, torch::dtype(torch::kBool).device(q.device()));
  torch::Tensor hidden = ones.triu(1);  // [T, T]
  // A sliding window also hides keys `window` or more tokens back (j <= i - window).
  if (window > 0 && window < T) hidden = hidden.logical_or(ones.tril(-window));
  scores.masked_fill_(hidden, -std::numeric_limits<double>::infinity());
  torch::Tensor p =  // [B, NH, T, T] float32 (fp64)
      softmax_clock().time([&] { return torch::softmax(scores, -1); });
  torch::Tensor out = torch::matmul(p.to(v.scalar_type()), v);  // [B, NH, T, HS]
  if (probs) *probs = p;
  return out;
}

}  // namespace lmgaze
