// What a config.json says about rotary position embeddings, and the inverse
// frequencies it implies. Torch-free: the numbers are worked out in double here
// and only turned into cos/sin tables by rotary.cpp.
//
// Scalings follow transformers' modeling_rope_utils.py:
//   default  inv_freq[i] = base^(-2i/D), D = rotary dimensions of a head
//   linear   inv_freq / factor (positions divided by factor)
//   dynamic  NTK-aware base growth once a sequence exceeds the trained context;
//            within original_max_positions it is exactly `default`, and lmgaze
//            refuses longer sequences rather than follow the growing base
//   llama3   Llama 3.1's band-wise rescaling (_compute_llama3_parameters)
// Anything else (yarn, longrope, ...) is refused by name when the config is read.
#pragma once

#include <string>
#include <vector>

namespace lmgaze {

struct RotarySpec {
  double base = 10000.0;            // rope_theta (GPT-NeoX: rotary_emb_base)
  std::string scaling = "default";  // "default", "linear", "dynamic" or "llama3"
  double factor = 1.0;              // linear, dynamic, llama3
  double low_freq_factor = 0;       // llama3
  double high_freq_factor = 0;      // llama3
  int original_max_positions = 0;   // llama3, dynamic: the context trained on
  double fraction = 1.0;            // share of a head's channels that rotate (partial rotary)

  // Channels of a head that rotate: int(head_dim * fraction), as transformers computes it.
  int rotary_dim(int head_dim) const;
  // Longest sequence computed exactly; 0 = no limit (dynamic: original_max_positions).
  int max_exact_positions() const;
};

// inv_freq [rotary_dim / 2] of the spec for heads of `head_dim` channels.
std::vector<double> rotary_inv_freq(const RotarySpec& spec, int head_dim);

}  // namespace lmgaze
