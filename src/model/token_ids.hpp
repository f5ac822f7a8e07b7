// Checks shared by the architectures' embed(): token ids from a tokenizer that
// does not match the model would index outside the embedding table (on a GPU, a
// device-side assert that kills the process), so they are checked first.
#pragma once

#include <torch/types.h>

#include <string>

#include "common/error.hpp"
#include "model/model_config.hpp"

namespace lmgaze {

// ids [B, T] integer -> ids [B, T] int64 on `device`; InputError naming config.json
// when an id lies outside [0, vocab_size).
inline torch::Tensor checked_token_ids(const torch::Tensor& ids, const ModelConfig& c,
                                       torch::Device device) {
  if (ids.dim() != 2 || torch::isFloatingType(ids.scalar_type()))
    throw std::invalid_argument("token ids must be an integer tensor [B, T]");
  if (ids.numel() > 0) {
    const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= c.vocab_size)
      throw InputError(c.source, "token id " + std::to_string(lo < 0 ? lo : hi) +
                                     " lies outside the vocabulary of " +
                                     std::to_string(c.vocab_size) +
                                     " (tokenizer and model do not match)");
  }
  return ids.to(device, torch::kInt64);
}

}  // namespace lmgaze
