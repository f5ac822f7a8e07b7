// Seeded random draws that give the same numbers on every platform and rank.
//
// std::uniform_int_distribution is implementation-defined, so a recorded seed
// would not reproduce a result elsewhere; these draws use only the 64-bit
// Mersenne Twister, whose output the C++ standard fixes, with rejection
// sampling against modulo bias.
#pragma once

#include <cstdint>
#include <limits>
#include <random>

namespace lmgaze {

// A uniform integer in [0, bound), bound ≥ 1.
inline uint64_t draw_below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - max % bound;
  uint64_t x;
  do x = rng();
  while (x >= limit);
  return x % bound;
}

}  // namespace lmgaze
