// Agreement of two reader groups: R² of OLS (with intercept) of group a's mean
// saccade matrices on group b's, over every word pair (tril) of every sentence
// where both means are defined. With one predictor R² = Pearson r², the same
// either way round; the slope and intercept are those of a on b.
//
// It is what a store of group means allows where a noise ceiling (which needs
// the readers one by one) does not: e.g. "L1 mean on L2 mean" for the Reading
// Brain means. For a per-reader store the group means are the reader averages
// per pair (readers without data for a sentence left out), as `human mean`.
//
//   DIR/agreement.csv   store, a, b, view, n_pairs, r2, r, slope, intercept
//   DIR/agreement.json  inputs, readers averaged, definitions
// Serial (one process): `lmgaze run` calls it on rank 0.
#pragma once

#include <string>

namespace lmgaze::analysis {

struct AgreementOptions {
  std::string store_path;  // human store
  std::string a, b;        // the two groups
  std::string view = "count";
  std::string out_dir;
};

void agreement_analysis(const AgreementOptions& options);

}  // namespace lmgaze::analysis
