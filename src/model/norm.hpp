// Normalisation blocks. Shapes: x [B, T, C], weight and bias [C] -> [B, T, C].
#pragma once

#include <torch/types.h>

namespace lmgaze {

// GPT-2's LayerNorm: (x - mean) / sqrt(var + eps) * weight + bias over C.
torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight,
                         const torch::Tensor& bias, double eps);

// LLaMA's RMSNorm: x / sqrt(mean(x^2) + eps) * weight over C, computed in fp32
// and cast back before the weight, exactly as Hugging Face's LlamaRMSNorm does.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The same, with the weight applied before the cast back, in fp32 (fp64 for a
// float64 model): OLMo 2's RMSNorm, and Gemma's when `weight` is 1 + w.
torch::Tensor rms_norm_wide_weight(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace lmgaze
