#include "model/rotary.hpp"

#include "model/precision.hpp"

namespace lmgaze {
namespace {

// [x1, x2] -> [-x2, x1] along the last dimension, halves of HS/2 each.
torch::Tensor rotate_half(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

}  // namespace

RotaryTables rotary_tables(int64_t T, int64_t head_dim, double theta,
                           const torch::TensorOptions& options) {
  const auto dtype = options.dtype().toScalarType();
  auto wide = torch::dtype(wide_dtype(dtype)).device(options.device());
  torch::Tensor inv_freq =
      1.0 / torch::pow(theta, torch::arange(0, head_dim, 2, wide) / double(head_dim));  // [HS/2]
  torch::Tensor pos = torch::arange(T, wide);                                           // [T]
  torch::Tensor freqs = torch::outer(pos, inv_freq);                                    // [T, HS/2]
  torch::Tensor angles = torch::cat({freqs, freqs}, -1);                                // [T, HS]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& r) {
  // cos, sin [T, HS] broadcast over [B, H].
  return x * r.cos + rotate_half(x) * r.sin;
}

}  // namespace lmgaze
