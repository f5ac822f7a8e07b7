// Jensen–Shannon divergence of attention rows (METHODS.md section 3).
//
// Pure functions on packed lower triangles (common/tril.hpp): row i of an
// n-word sentence is the i+1 values (i,0)..(i,i). Each row is first divided
// by its own sum; natural log; 0·log 0 = 0, so JS lies in [0, ln 2].
#pragma once

#include <cstddef>
#include <cstdint>

namespace lmgaze::analysis {

// JS(p, q) of two non-negative rows of length n, each normalised by its own
// sum. Returns NaN when either row sums to zero (no distribution to compare).
double js_divergence(const double* p, const double* q, size_t n);

struct SentenceJs {
  double mean = 0;       // mean over the rows that have a distribution; NaN if none
  int rows_used = 0;     // rows entering the mean
  int rows_skipped = 0;  // rows where X or Y sums to zero: left out of the mean
};

// Per-sentence JS of two word-level matrices X, Y given as packed tril
// (tril_size(n_words) values each): mean over rows i of JS(X_i, Y_i).
// A row that sums to zero in X or in Y carries no distribution and is left
// out of the mean (counted in rows_skipped).
SentenceJs js_divergence_rows(const double* x_tril, const double* y_tril, int n_words);

}  // namespace lmgaze::analysis
