// Rotary position embeddings, Hugging Face LLaMA "rotate-half" convention.
//
// Channel i of the first half of a head pairs with channel i + HS/2 (not with its
// neighbour 2i+1 as in Meta's original complex-number code); checkpoints converted
// to Hugging Face layout have their q/k rows permuted to match this pairing.
#pragma once

#include <torch/types.h>

#include <vector>

namespace lmgaze {

struct RotaryTables {
  torch::Tensor cos;  // [T, D]  D = rotary channels of a head (HS unless partial)
  torch::Tensor sin;  // [T, D]
};

// Angles pos * inv_freq[i] for positions 0..T-1 (inv_freq [D/2] from
// rotary_inv_freq, which applies the config's scaling), computed in fp32 (as
// Hugging Face does; fp64 for a float64 model) and cast to `options`' dtype.
RotaryTables rotary_tables(int64_t T, const std::vector<double>& inv_freq,
                           const torch::TensorOptions& options);

// x [B, H, T, HS] -> the first D channels rotated (x * cos + rotate_half(x) *
// sin), the other HS - D passed through (GPT-NeoX's partial rotary); same shape.
torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& r);

}  // namespace lmgaze
