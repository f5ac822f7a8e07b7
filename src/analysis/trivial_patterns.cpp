#include "analysis/trivial_patterns.hpp"

#include "common/tril.hpp"

namespace lmgaze::analysis {

const char* trivial_pattern_name(int pattern) {
  static const char* names[] = {"first", "self", "prev"};
  return names[pattern];
}

std::vector<double> trivial_patterns(const std::vector<int>& n_words) {
  int64_t total = 0;
  for (int n : n_words) total += tril_size(n);
  std::vector<double> out(static_cast<size_t>(kTrivialPatterns * total), 0.0);
  double* first = out.data();
  double* self = first + total;
  double* prev = self + total;
  int64_t base = 0;
  for (int n : n_words) {
    for (int i = 0; i < n; ++i) {
      first[base + tril_index(i, 0)] = 1;
      self[base + tril_index(i, i)] = 1;
      if (i > 0) prev[base + tril_index(i, i - 1)] = 1;
    }
    base += tril_size(n);
  }
  return out;
}

}  // namespace lmgaze::analysis
