#include "human/saccades.hpp"

#include <algorithm>

#include "common/tril.hpp"

namespace lmgaze::human {

TrialMatrices saccade_matrices(std::vector<Fixation> fixations, int n_words) {
  std::sort(fixations.begin(), fixations.end(),
            [](const Fixation& a, const Fixation& b) { return a.order < b.order; });
  TrialMatrices t;
  t.n = n_words;
  const size_t n = static_cast<size_t>(n_words);
  t.count.assign(n * n, 0.0);
  t.duration.assign(n * n, 0.0);
  t.fixations = static_cast<int64_t>(fixations.size());
  for (size_t k = 0; k < fixations.size(); ++k) {
    const Fixation& g = fixations[k];
    if (g.word < 0) ++t.off_word_fixations;
    if (k == 0) continue;
    const Fixation& f = fixations[k - 1];
    if (f.word < 0 || g.word < 0 || g.order != f.order + 1) {
      ++t.uncounted;
      continue;
    }
    const size_t cell = static_cast<size_t>(f.word) * n + static_cast<size_t>(g.word);
    t.count[cell] += 1.0;
    t.duration[cell] += g.duration_ms;
  }
  return t;
}

void pack_lower(const double* m, int n, double* out) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) out[tril_index(i, j)] = m[static_cast<size_t>(i) * n + j];
}

void pack_upper(const double* m, int n, double* out) {
  for (int a = 0; a < n; ++a)
    for (int b = 0; b <= a; ++b) out[tril_index(a, b)] = m[static_cast<size_t>(b) * n + a];
}

}  // namespace lmgaze::human
