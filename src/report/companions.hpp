// The honest companions of the paper's numbers, shown beside them when the run
// has them (METHODS.md 10 and 11):
//
//   resemblance_cv          the paper's score (best layer in sample, reader-on-mean
//                           ceiling) beside the cross-validated score with the layer
//                           chosen inside the folds, and the layers the folds chose
//   noise_ceiling_split_half the split-half reliability of the group mean beside the
//                           paper's reader-on-mean ceiling
//   resemblance_pca         the fixed-capacity variant (first k principal components)
//   measure.R.S.G (figure)  reading-measure R² (`resemblance --target R`) per layer,
//                           one line per model
//
// and in words whether the order of the models by the paper's score survives
// cross-validation. Nothing is computed beyond ranks: every number is a table's.
#pragma once

#include <string>
#include <vector>

#include "report/gnuplot.hpp"
#include "report/study.hpp"
#include "report/tables.hpp"

namespace lmgaze::report {

// The tables above that have rows in this run (none when the run has no companions).
std::vector<OutTable> companion_tables(const Study& study);

// One sentence per store and group with at least two models scored both ways:
// the order of the models by the paper's score and by the cross-validated score,
// and whether it is the same (else which pairs change places). The scale models
// of the job when at least two of them are scored, otherwise every scored model.
std::vector<std::string> ordering_words(const Study& study);

// One figure per reading measure, store and group.
std::vector<Figure> measure_figures(const Study& study);

}  // namespace lmgaze::report
