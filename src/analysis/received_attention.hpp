// The word-level model counterpart of a reading measure (METHODS.md 11): the
// attention word j receives from one head, the column sum of W over the rows
// that can attend to it (i >= j), divided by their number (n - j).
#pragma once

namespace lmgaze::analysis {

// tril: one head's packed tril of one sentence of n words (common/tril.hpp:
// (0,0), (1,0), (1,1), ...); out: n values.
void received_attention(const float* tril, int n, double* out);

}  // namespace lmgaze::analysis
