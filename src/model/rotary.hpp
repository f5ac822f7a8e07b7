// Rotary position embeddings, Hugging Face LLaMA "rotate-half" convention.
//
// Channel i of the first half of a head pairs with channel i + HS/2 (not with its
// neighbour 2i+1 as in Meta's original complex-number code); checkpoints converted
// to Hugging Face layout have their q/k rows permuted to match this pairing.
#pragma once

#include <torch/types.h>

namespace lmgaze {

struct RotaryTables {
  torch::Tensor cos;  // [T, HS]
  torch::Tensor sin;  // [T, HS]
};

// Angles pos * theta^(-2i/HS) for positions 0..T-1, computed in fp32 (as Hugging
// Face does) and cast to `options`' dtype.
RotaryTables rotary_tables(int64_t T, int64_t head_dim, double theta,
                           const torch::TensorOptions& options);

// x [B, H, T, HS] -> x * cos + rotate_half(x) * sin, same shape.
torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& r);

}  // namespace lmgaze
