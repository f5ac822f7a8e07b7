// Trivial-pattern reliance (METHODS.md section 6).
//
// A target (one model head of one layer, or one reader) is regressed with
// intercept on the three patterns FIRST, SELF, PREV (trivial_patterns.hpp)
// over the tril of every sentence it has; R² is its reliance. Readers' missing
// sentences are handled as in moments.hpp. Ranks split the sentences; one MPI
// sum per layer (models) or one in all (readers).
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

#include "analysis/inputs.hpp"
#include "analysis/ols.hpp"
#include "human/human_store.hpp"

namespace lmgaze::analysis {

struct TrivialRow {
  int layer = -1;    // models only
  int head = -1;     // models only
  int subject = -1;  // readers only: index into TrivialResult::readers.subjects
  OlsFit fit;        // coef: first, self, prev
};

struct TrivialResult {      // complete on rank 0
  std::string model_name;   // models: the file's model_name attribute
  ReaderSelection readers;  // readers: the group
  int n_layers = 0, n_heads = 0;
  std::vector<TrivialRow> rows;  // layer-major then head, or reader order
  MissingSummary missing;
};

TrivialResult run_trivial_model(const std::string& model_path, MPI_Comm comm);
TrivialResult run_trivial_human(const std::string& human_path, const std::string& group,
                                const std::string& view, const std::vector<std::string>& exclude,
                                MPI_Comm comm);

}  // namespace lmgaze::analysis
