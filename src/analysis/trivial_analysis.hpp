// The trivial-pattern analysis as one typed call: reliance of every model head
// or every reader on FIRST, SELF and PREV (trivial.hpp), written as
//   DIR/trivial.csv          source, layer, head, subject, r2, coef_first, coef_self,
//                            coef_prev, intercept   (layer/head empty for readers,
//                            subject empty for heads)
//   DIR/trivial_summary.csv  source, layer, mean_r2, sem_r2, n   (per layer over heads;
//                            one row over readers, layer empty)
//   DIR/trivial.json         inputs and options
// `lmgaze trivial` fills the options from its command line, `lmgaze run` from
// the job.
#pragma once

#include <mpi.h>

#include <ostream>
#include <string>
#include <vector>

#include "analysis/trivial.hpp"

namespace lmgaze::analysis {

struct TrivialAnalysisOptions {
  std::string model_path;  // either an attention file (one row per head) ...
  std::string label;       // ... and its name in the tables,
  std::string human_path;  // or a human store and one of its groups
  std::string group;
  std::string view = "count";
  std::vector<std::string> exclude;
  std::string out_dir;
  std::string command_line;  // the equivalent command line, recorded in every table
};

// Collective over `comm`; rank 0 writes the output set and prints a summary.
void trivial_analysis(const TrivialAnalysisOptions& options, MPI_Comm comm, std::ostream& log);

}  // namespace lmgaze::analysis
