#include "model/norm.hpp"

#include "model/precision.hpp"

namespace lmgaze {

torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight,
                         const torch::Tensor& bias, double eps) {
  // LibTorch's kernels accumulate mean and variance in fp32 even for fp16/bf16 input.
  return torch::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  // The mean of squares in fp16 would lose most of its digits (and can overflow).
  torch::Tensor wide = x.to(wide_dtype(x.scalar_type()));                  // [B, T, C]
  torch::Tensor inv_rms = torch::rsqrt(wide.pow(2).mean(-1, true) + eps);  // [B, T, 1]
  return weight * (wide * inv_rms).to(x.scalar_type());
}

torch::Tensor rms_norm_wide_weight(const torch::Tensor& x, const torch::Tensor& weight,
                                   double eps) {
  torch::Tensor wide = x.to(wide_dtype(x.scalar_type()));                  // [B, T, C]
  torch::Tensor inv_rms = torch::rsqrt(wide.pow(2).mean(-1, true) + eps);  // [B, T, 1]
  return (wide * inv_rms * weight.to(wide.scalar_type())).to(x.scalar_type());
}

}  // namespace lmgaze
