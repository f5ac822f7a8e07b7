// Saccade matrices from one reader's fixations on one sentence (METHODS.md 4).
//
// Fixations are taken in the order of their fixation number. Each pair of
// consecutive fixations (f, g) on words i and j is one saccade i -> j
// (i == j: a refixation), provided that
//   - both fixations are on a word (an off-word fixation, word -1, counts
//     for neither the saccade into it nor the one out of it: i -> off -> j
//     is NOT a saccade i -> j), and
//   - their fixation numbers are consecutive (a gap means fixations were
//     removed from the export, so what happened in between is unknown).
// Every transition that fails either test is counted in `uncounted`.
//
// Duration view: saccade i -> j is credited with the duration of the fixation
// it lands on (g, on word j), i.e. D[i][j] is the time spent on word j right
// after arriving from word i. The first fixation of a trial has no saccade
// into it, so its duration is in no cell.
#pragma once

#include <cstdint>
#include <vector>

namespace lmgaze::human {

struct Fixation {
  int64_t order = 0;         // fixation number within the trial
  int word = -1;             // 0-based word index, -1 for a fixation off the words
  double duration_ms = 0.0;  // >= 0
  long line = 0;             // source line (errors)
};

struct TrialMatrices {
  int n = 0;                     // words in the sentence
  std::vector<double> count;     // [n, n] row-major: S[i][j] saccades from word i to word j
  std::vector<double> duration;  // [n, n] row-major: landing-fixation ms summed per i -> j
  int64_t fixations = 0;         // all fixations of the trial
  int64_t off_word_fixations = 0;
  int64_t uncounted = 0;  // consecutive-fixation transitions not counted (off-word or gap)
};

// `fixations` need not be sorted; fixation numbers must be distinct and word
// indices < n_words (the importer validates both with line numbers first).
TrialMatrices saccade_matrices(std::vector<Fixation> fixations, int n_words);

// Packs a full n x n row-major matrix into the lmgaze tril layout
// (common/tril.hpp): out[tril_index(i, j)] = m[i][j] for j <= i.
void pack_lower(const double* m, int n, double* out);
// Packs the upper triangle into the same layout by transposing:
// out[tril_index(a, b)] = m[b][a] for b <= a, i.e. forward saccades b -> a
// (the diagonal repeats the refixations).
void pack_upper(const double* m, int n, double* out);

}  // namespace lmgaze::human
