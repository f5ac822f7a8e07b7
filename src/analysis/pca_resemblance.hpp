// Fixed-capacity resemblance (METHODS.md 10, beside the paper's number): the
// in-sample R² on all heads of a layer grows with the number of heads, so
// models with more heads get more regressors. This variant regresses each
// reader on the first k principal components of the layer's heads, k the same
// for every model (the smallest head count of the study), cross-validated:
//
//   folds by sentence (sentence s in fold s mod K, as the CV resemblance);
//   for fold f and layer l, the components are the eigenvectors of the k
//   largest eigenvalues of the covariance of the heads' attention over the
//   word pairs of the training sentences (every sentence not in f; the
//   attention does not depend on the readers); each reader is fitted (OLS
//   with intercept) on those k scores over its training sentences and scored
//   on its held-out sentences, SST about its training mean;
//   the layer of fold f is the one with the highest mean training R² (ties:
//   the lower layer), R²_cv per reader = 1 − Σ_f SSE_f / Σ_f SST_f
//   (cv_layer_choice.hpp), and the fixed-capacity resemblance is the mean
//   R²_cv over readers divided by the CV noise ceiling (reader on the
//   leave-one-out group mean, same folds).
//
// The scores are a linear map of the heads, so every fit comes from the
// per-fold moments of the full design transformed by blockdiag(1, V_k): one
// pass over the attention, no refit from raw data. Eigenvectors of tied
// eigenvalues at the k-th place are not unique; their span, and so R², is
// then arbitrary within the tie (real attention does not tie).
#pragma once

#include <mpi.h>

#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/cv_layer_choice.hpp"
#include "analysis/inputs.hpp"

namespace lmgaze::analysis {

struct PcaResemblanceOptions {
  std::string model_path, human_path, group;
  std::string view = "count";
  std::vector<std::string> exclude;
  int folds = 0;       // K ≥ 2
  int components = 0;  // k, 1 ≤ k ≤ heads
};

struct PcaResemblanceResult {  // complete on rank 0
  ReaderSelection readers;
  int n_layers = 0, n_heads = 0;
  std::vector<double> layer_mean_r2_cv;  // [layer]: mean over readers, layer fixed in every fold
  CvLayerChoice choice;                  // layer chosen inside each fold, R²_cv per reader
  double cv_ceiling = std::numeric_limits<double>::quiet_NaN();
  double resemblance = std::numeric_limits<double>::quiet_NaN();  // choice mean / cv_ceiling
};

// InputError for K < 2 or above the sentences, k outside [1, heads], fewer
// than 2 readers. Collective over `comm`.
PcaResemblanceResult run_pca_resemblance(const PcaResemblanceOptions& options, MPI_Comm comm);

// Rank 0: writes the variant's tables, each naming it in its comments, and
// prints one line to `log`:
//   DIR/resemblance_pca.csv          model, group, k, layer, mean_r2_cv (layer fixed in every fold)
//   DIR/resemblance_pca_folds.csv    model, group, k, fold, selected_layer
//   DIR/resemblance_pca_summary.csv  model, group, k, folds, mean_r2_cv, cv_noise_ceiling,
//                                    pca_cv_resemblance
void write_pca_resemblance(const PcaResemblanceResult& result, const PcaResemblanceOptions& options,
                           const std::string& label, const std::string& out_dir,
                           const std::string& command_line, std::ostream& log);

// The k leading principal directions (heads × k, by falling variance) of the
// design whose moments (intercept first, as Moments::xtx) are `xtx`.
Eigen::MatrixXd leading_components(const Eigen::Ref<const Eigen::MatrixXd>& xtx, int k);

}  // namespace lmgaze::analysis
