// The divergence analysis as one typed call: Jensen-Shannon divergence of two
// attention files by layer or part (divergence.hpp), written as
//   DIR/divergence.csv          a, b, mode (layer | part), index, sentence, js
//   DIR/divergence_summary.csv  a, b, mode, index, mean, sem, n
//   DIR/divergence.json         inputs, options, the layers of each index
// `lmgaze divergence` fills the options from its command line, `lmgaze run`
// from the job.
#pragma once

#include <mpi.h>

#include <ostream>
#include <string>

#include "analysis/divergence.hpp"

namespace lmgaze::analysis {

struct DivergenceAnalysisOptions {
  DivergenceOptions compute;
  std::string label_a, label_b;  // names of A and B in the tables
  std::string out_dir;
  std::string command_line;  // the equivalent command line, recorded in every table
};

// Collective over `comm`; rank 0 writes the output set and prints a summary.
void divergence_analysis(const DivergenceAnalysisOptions& options, MPI_Comm comm,
                         std::ostream& log);

}  // namespace lmgaze::analysis
