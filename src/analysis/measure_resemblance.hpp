// Resemblance of a model to a per-word reading measure (METHODS.md 11):
// for each layer l and reader r, OLS with intercept of the reader's measure
// (trt, gd, ffd, nfix, skip, reg_in or reg_out; human/reading_measures.hpp)
// over the words of every sentence on the attention each word receives from
// each head of layer l (received_attention.hpp); R²(l, r) in sample and, with
// K ≥ 2 folds, cross-validated (sentence s in fold s mod K; 1 − Σ held-out
// SSE / Σ squares about each fold's training mean), as for saccades.
//
// A word where the reader's measure is missing (ffd and gd of a word skipped
// in first pass, a sentence the reader did not read) is left out of that
// reader's fit only, so each reader has its own moments: per fold, reader,
//   XᵀX (heads+1)², Xᵀy, Σy²
// summed over the rank's words, then over ranks with one MPI sum, and solved
// on rank 0 (analysis/ols.hpp). Ranks split the sentences as every analysis does.
//
// Output (rank 0):
//   DIR/resemblance_<measure>.csv          model, group, measure, layer, subject,
//                                          n_words, r2, r2_cv
//   DIR/resemblance_<measure>_summary.csv  model, group, measure, layer, readers,
//                                          mean_r2, mean_r2_cv
#pragma once

#include <mpi.h>

#include <ostream>
#include <string>
#include <vector>

namespace lmgaze::analysis {

struct MeasureResemblanceOptions {
  std::string model_path;
  std::string human_path;
  std::string group;
  std::string measure;  // a name of kMeasureNames
  std::vector<std::string> exclude;
  int cv_folds = 0;  // 0: in-sample only; K ≥ 2: also R²_cv
};

struct MeasureResemblanceResult {  // complete on rank 0
  std::string model_name;
  std::vector<std::string> subjects;
  int n_layers = 0, n_heads = 0;
  std::vector<double> r2;             // [layer][reader]
  std::vector<double> r2_cv;          // [layer][reader]; empty without CV
  std::vector<double> n_words;        // [reader]: words with a value
  std::vector<std::string> excluded;  // readers left out on request
  bool simulated = false;             // the store's readers are simulated
};

// InputError naming an unknown measure, a store without measures, or files
// about different sentences. Collective over `comm`.
MeasureResemblanceResult run_measure_resemblance(const MeasureResemblanceOptions& options,
                                                 MPI_Comm comm);

// Runs it and writes the two tables (rank 0), a summary line to `log`.
void measure_resemblance_analysis(const MeasureResemblanceOptions& options,
                                  const std::string& label, const std::string& out_dir,
                                  const std::string& command_line, MPI_Comm comm,
                                  std::ostream& log);

}  // namespace lmgaze::analysis
