// Which dtype the numerically sensitive steps run in, given the model's dtype.
//
// Softmax, norms, rotary angles and logits run in float32 for fp32/fp16/bf16
// models (as Hugging Face does). A float64 model runs them in float64: that is
// the reference precision in which two code paths that compute the same thing
// (GQA vs repeated K/V heads, N ranks vs one) must agree to double round-off,
// whatever BLAS kernels the CPU picks.
#pragma once

#include <torch/types.h>

namespace lmgaze {

inline torch::Dtype wide_dtype(torch::Dtype model_dtype) {
  return model_dtype == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
}

}  // namespace lmgaze
