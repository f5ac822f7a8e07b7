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

RotaryTables rotary_tables(int64_t T, const std::vector<double>& inv_freq,
                           const torch::TensorOptions& options) {
  const auto dtype = options.dtype().toScalarType();
  auto wide = torch::dtype(wide_dtype(dtype)).device(options.device());
  torch::Tensor inv = torch::tensor(inv_freq, torch::dtype(torch::kFloat64)).to(wide);  // [D/2]
  torch::Tensor pos = torch::arange(T, wide);                                           // [T]
  torch::Tensor freqs = torch::outer(pos, inv);                                         // [T, D/2]
  torch::Tensor angles = torch::cat({freqs, freqs}, -1);                                // [T, D]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& r) {
  // cos, sin [T, D] broadcast over [B, H].
  const int64_t D = r.cos.size(-1);
  if (D == x.size(-1)) return x * r.cos + rotate_half(x) * r.sin;
  torch::Tensor rot = x.slice(-1, 0, D);                                            // [B, H, T, D]
  return torch::cat({rot * r.cos + rotate_half(rot) * r.sin, x.slice(-1, D)}, -1);  // [B,H,T,HS]
}

}  // namespace lmgaze
