// The three context-free attention patterns (METHODS.md section 6).
//
// For an n-word sentence, as packed tril (common/tril.hpp):
//   FIRST[i][0] = 1     every word looks at the first word
//   SELF[i][i]  = 1     every word looks at itself
//   PREV[i][i-1] = 1    every word looks at the previous word (none for i = 0)
// all other entries 0.
#pragma once

#include <cstdint>
#include <vector>

namespace lmgaze::analysis {

enum TrivialPattern { kFirst = 0, kSelf = 1, kPrev = 2, kTrivialPatterns = 3 };

// Names as used in table columns: "first", "self", "prev".
const char* trivial_pattern_name(int pattern);

// Patterns of sentences with the given word counts, concatenated in order:
// [kTrivialPatterns][sum of tril_size(n)] row-major (pattern-major).
std::vector<double> trivial_patterns(const std::vector<int>& n_words);

}  // namespace lmgaze::analysis
