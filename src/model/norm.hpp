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

}  // namespace lmgaze
