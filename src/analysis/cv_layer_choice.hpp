// Cross-validated resemblance with the layer chosen inside the folds
// (METHODS.md section 10).
//
// For each fold k the layer l*_k is the one with the highest mean over
// readers of the in-sample R² on the training sentences of fold k (the other
// folds); ties go to the lower layer. Each reader is then scored on fold k's
// held-out sentences at l*_k only:
//   R²_cv(r) = 1 − Σ_k SSE_k(l*_k, r) / Σ_k SST_k(l*_k, r),
// SST_k about the training mean of fold k. No held-out value takes part in
// choosing the layer that scores it.
#pragma once

#include <vector>

#include "analysis/moments.hpp"
#include "analysis/summary.hpp"

namespace lmgaze::analysis {

struct CvLayerChoice {
  std::vector<int> layer_of_fold;  // [K] l*_k; -1 when no layer has a defined training R²
  std::vector<double> r2_cv;       // [readers]; NaN when the reader's Σ SST is 0
  MeanSem mean_r2_cv;              // over readers with a defined R²_cv
};

// scores: [layer][fold][reader] as Moments::fold_scores gives them per layer.
CvLayerChoice choose_layers_in_folds(const std::vector<Moments::FoldScore>& scores, int n_layers,
                                     int n_folds, int n_readers);

}  // namespace lmgaze::analysis
