// The resemblance analysis as one typed call: computes (resemblance.hpp),
// writes its output set and returns the derived scores. `lmgaze resemblance`
// fills the options from its command line, `lmgaze run` from the job; both
// call resemblance_analysis().
//
//   DIR/resemblance.csv          model, group, layer, subject, r2, r2_cv
//   DIR/resemblance_summary.csv  model, group, layer, mean_r2, sem_r2, mean_r2_cv,
//                                noise_ceiling, resemblance; last row layer = max
//                                (the layer with the highest mean_r2)
//   DIR/resemblance.json         inputs, options, best layer, scores, rank deficiency,
//                                missing data, timing
//   DIR/resemblance_heads.csv    model, group, layer, head, mean_r2, sem_r2: each reader
//                                on one head alone (per-head resemblance)
// With bootstrap B (resamples of readers, percentile 95% intervals):
//   DIR/resemblance_bootstrap.csv  model, group, quantity (mean_r2 | resemblance), layer,
//                                  estimate, low, high, resamples, seed
//   DIR/resemblance_bootstrap_replicates.csv  model, group, resample, seed, readers,
//                                  best_mean_r2, noise_ceiling, resemblance (one row per
//                                  resample; readers = fingerprint of the reader list)
// With cv_folds K (METHODS.md 10, the layer chosen inside the folds):
//   DIR/resemblance_cv_folds.csv    model, group, fold, selected_layer
//   DIR/resemblance_cv_summary.csv  model, group, k, mean_r2_cv, cv_noise_ceiling,
//                                   cv_resemblance
#pragma once

#include <mpi.h>

#include <limits>
#include <ostream>
#include <string>

#include "analysis/resemblance.hpp"

namespace lmgaze::analysis {

struct ResemblanceAnalysisOptions {
  ResemblanceOptions compute;
  std::string label;         // model name in the tables
  std::string out_dir;       // the output set's directory
  std::string command_line;  // the equivalent command line, recorded in every table
};

// The numbers a study is made of (resemblance_summary.csv's max row).
struct ResemblanceScores {
  int best_layer = -1;  // -1: no layer had a defined R²
  double best_mean_r2 = std::numeric_limits<double>::quiet_NaN();
  double ceiling = std::numeric_limits<double>::quiet_NaN();
  double resemblance = std::numeric_limits<double>::quiet_NaN();  // best_mean_r2 / ceiling
  double cv_resemblance = std::numeric_limits<double>::quiet_NaN();
};

// Collective over `comm`. Rank 0 writes the output set, prints a summary to
// `log` and returns the scores; the other ranks return default scores.
ResemblanceScores resemblance_analysis(const ResemblanceAnalysisOptions& options, MPI_Comm comm,
                                       std::ostream& log);

// The scores of an output set written earlier (its resemblance.json), for a
// run that resumes after the stage was done. InputError when absent.
ResemblanceScores read_resemblance_scores(const std::string& out_dir);

}  // namespace lmgaze::analysis
