// An independent forward pass in plain double loops (no torch), llm.c style,
// for GPT-2 and LLaMA TinyModels: the ground truth lmgaze's runtime is held to.
#pragma once

#include <cstdint>
#include <vector>

#include "tiny_checkpoint.hpp"

namespace lmgaze::testing {

struct ReferenceOutput {
  // attention[l][(h * T + i) * T + j]: layer l, head h, from token i to token j
  std::vector<std::vector<double>> attention;
  std::vector<double> logits;  // [T * V]
  std::vector<double> nll;     // [T - 1]: -log p(ids[t + 1] | ids[..t])
};

// One sequence (no batch): ids [T].
ReferenceOutput reference_forward(const TinyModel& m, const std::vector<int64_t>& ids);

}  // namespace lmgaze::testing
