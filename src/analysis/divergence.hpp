// Attention divergence between two attention files (METHODS.md section 3).
//
// Per sentence: mean over rows of JS(row of X, row of Y) (js.hpp).
// - layer mode (same layer count, parts not forced): layer l vs layer l;
// - part mode: each file's layers cut into `parts` consecutive parts whose
//   sizes differ by at most one, the first (n_layers mod parts) parts one layer
//   longer (numpy.array_split); inside a part the matrices are averaged over
//   layers, then over heads; part k vs part k.
// Heads: kAverage averages the heads' matrices before JS (head counts may
// differ); kPerHead takes JS per head (same head counts needed) and then the
// mean over heads of the sentence values.
// Ranks split the sentences; each rank reads only its sentences' attention.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lmgaze::analysis {

enum class HeadMode { kAverage, kPerHead };

struct DivergenceOptions {
  std::string a_path, b_path;
  HeadMode heads = HeadMode::kAverage;
  int parts = 4;             // used in part mode
  bool force_parts = false;  // part mode even when the layer counts match
};

// Layer ranges [begin, end) of `parts` consecutive parts of n_layers layers.
std::vector<std::pair<int, int>> layer_parts(int n_layers, int parts);

struct DivergenceResult {                               // complete on rank 0
  std::string mode;                                     // "layer" | "part"
  std::string a_model, b_model;                         // model_name attributes
  std::vector<std::pair<int, int>> a_layers, b_layers;  // per index: layers averaged
  size_t n_sentences = 0;
  std::vector<double> js;             // [index][sentence]; NaN when no row had a distribution
  std::vector<int64_t> rows_skipped;  // per index: rows left out (zero sum), over heads in per-head
  size_t n_index() const { return a_layers.size(); }
};

DivergenceResult run_divergence(const DivergenceOptions& options, MPI_Comm comm);

}  // namespace lmgaze::analysis
