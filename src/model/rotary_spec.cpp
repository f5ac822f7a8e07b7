#include "model/rotary_spec.hpp"

#include <cmath>

namespace lmgaze {

int RotarySpec::rotary_dim(int head_dim) const {
  return static_cast<int>(static_cast<double>(head_dim) * fraction);
}

int RotarySpec::max_exact_positions() const {
  return scaling == "dynamic" ? original_max_positions : 0;
}

std::vector<double> rotary_inv_freq(const RotarySpec& s, int head_dim) {
  const int D = s.rotary_dim(head_dim);
  std::vector<double> inv(static_cast<size_t>(D / 2));
  for (int i = 0; i < D / 2; ++i) inv[i] = std::pow(s.base, -2.0 * i / D);
  if (s.scaling == "linear") {
    for (double& f : inv) f /= s.factor;
  } else if (s.scaling == "llama3") {
    // Wavelengths longer than the trained context / low_freq_factor are slowed
    // by `factor`; shorter than context / high_freq_factor kept; between, a
    // linear blend in context / wavelength.
    const double ctx = s.original_max_positions;
    const double low_wavelen = ctx / s.low_freq_factor, high_wavelen = ctx / s.high_freq_factor;
    for (double& f : inv) {
      const double wavelen = 2 * M_PI / f;
      if (wavelen > low_wavelen) {
        f /= s.factor;
      } else if (wavelen >= high_wavelen) {
        const double smooth =
            (ctx / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        f = (1 - smooth) * f / s.factor + smooth * f;
      }
    }
  }
  // "default" and "dynamic" (within its exact range) keep base^(-2i/D).
  return inv;
}

}  // namespace lmgaze
