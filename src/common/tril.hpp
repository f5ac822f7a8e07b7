// The packed lower-triangle layout shared by every file lmgaze writes.
//
// A word-level matrix M (n x n, "from word i to word j") is stored as its
// lower triangle including the diagonal, row by row:
//   (0,0), (1,0), (1,1), (2,0), (2,1), (2,2), ...
// Sentences are concatenated in corpus order; pair_offset[s] is where sentence
// s starts and pair_offset[n_sentences] is the total number of pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lmgaze {

// Number of (i, j) pairs with j <= i < n.
inline constexpr int64_t tril_size(int64_t n) { return n * (n + 1) / 2; }

// Position of (i, j), j <= i, inside one sentence's packed triangle.
inline constexpr int64_t tril_index(int64_t i, int64_t j) { return i * (i + 1) / 2 + j; }

// Offsets of each sentence's triangle: size n_words.size() + 1.
std::vector<int64_t> tril_offsets(const std::vector<int>& n_words);

}  // namespace lmgaze
