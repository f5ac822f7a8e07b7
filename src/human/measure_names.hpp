// The names of the per-word reading measures (METHODS.md 11), in the order
// of their columns everywhere (store, CSV): on their own, so that job files
// can check a name without the human library.
#pragma once

#include <array>
#include <cstddef>

namespace lmgaze::human {

inline constexpr std::array<const char*, 7> kMeasureNames = {"ffd",  "gd",     "trt",    "nfix",
                                                             "skip", "reg_in", "reg_out"};
inline constexpr size_t kMeasures = kMeasureNames.size();

}  // namespace lmgaze::human
