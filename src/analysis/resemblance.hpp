// Human resemblance of a model (METHODS.md section 5).
//
// For each layer l and reader r: y = tril(S_r) over every sentence the reader
// has (corpus order), X = one column per head h, tril(W[l][h]) on the same
// pairs; OLS with intercept; R²(l, r) in sample, and with cv_folds = K ≥ 2 the
// cross-validated R² of Moments::r2_cv_all (sentence s in fold s mod K).
// Resemblance = max over layers of mean_r R²(l, r), divided by the group's
// noise ceiling (noise_ceiling.hpp, or a value given by the user).
// With K ≥ 2 folds, also the cross-validated resemblance of METHODS.md 10:
// the layer chosen inside each fold (cv_layer_choice.hpp) divided by the
// cross-validated ceiling (reader on the leave-one-out group mean, same folds).
//
// Distribution: ranks split the sentences (balanced by word pairs); each rank
// reads only its own sentences' attention and reader values, accumulates
// per-layer moments (moments.hpp) and one MPI sum per layer brings them to
// rank 0, which solves the (heads+1)² systems.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "analysis/bootstrap.hpp"
#include "analysis/cv_layer_choice.hpp"
#include "analysis/inputs.hpp"
#include "analysis/noise_ceiling.hpp"
#include "analysis/validation.hpp"

namespace lmgaze::analysis {

struct ResemblanceOptions {
  std::string model_path;
  std::string human_path;
  std::string group;
  std::string view = "count";
  std::vector<std::string> exclude;
  int cv_folds = 0;   // 0: in-sample only; K ≥ 2: also R²_cv
  int bootstrap = 0;  // B ≥ 1: percentile intervals over B resamples of readers
  uint64_t seed = 1;  // of the bootstrap resamples
  // Noise ceiling: NaN = compute from the group (needs ≥ 2 readers; with
  // fewer it is left empty); otherwise the value given.
  double ceiling = std::numeric_limits<double>::quiet_NaN();
  bool ceiling_leave_one_out = false;
};

struct Timing {
  double io = 0;      // reading attention and reader values
  double math = 0;    // accumulating moments
  double reduce = 0;  // MPI sums
  double solve = 0;   // rank 0: solving the small systems
};

struct ResemblanceResult {  // complete on rank 0
  std::string model_name;   // the file's model_name attribute
  ReaderSelection readers;
  int n_layers = 0;
  int n_heads = 0;
  std::vector<double> r2;     // [layer][reader]
  std::vector<double> r2_cv;  // [layer][reader]; empty without CV (layer fixed in every fold)
  CvLayerChoice cv_choice;    // with CV: the layer chosen inside each fold, R²_cv per reader
  double cv_ceiling = std::numeric_limits<double>::quiet_NaN();  // NaN: < 2 readers
  double cv_resemblance = std::numeric_limits<double>::quiet_NaN();
  std::vector<int> min_rank;    // per layer: lowest design rank over readers (of n_heads)
  std::vector<double> head_r2;  // [layer][head][reader]: R² on that head alone (with intercept)
  // With bootstrap ≥ 1 (bootstrap.hpp): 95% percentile intervals of each
  // layer's mean R² and of the resemblance (max over layers / ceiling).
  std::vector<Interval> layer_r2_interval;  // [layer]
  Interval resemblance_interval;
  std::vector<ResemblanceReplicate> replicates;  // [resample], those intervals' values
  double ceiling = std::numeric_limits<double>::quiet_NaN();
  std::string ceiling_source;         // "computed", "given" or "none (...)"
  NoiseCeilingResult ceiling_detail;  // when computed
  MissingSummary missing;
  Timing time;
};

// What is known before the analysis runs; -1: not known.
struct ResemblanceFacts {
  long n_sentences = -1;  // sentences of the text both inputs are on
};

// The options' problems given the facts (empty: none), checked by the command
// and by `lmgaze run` before its first stage.
std::vector<OptionProblem> validate(const ResemblanceOptions& options,
                                    const ResemblanceFacts& facts);

ResemblanceResult run_resemblance(const ResemblanceOptions& options, MPI_Comm comm);

}  // namespace lmgaze::analysis
