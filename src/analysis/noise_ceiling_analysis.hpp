// The noise-ceiling analysis as one typed call: the group's noise ceiling
// (noise_ceiling.hpp) and, with split_half B, the split-half reliability of
// the group mean (split_half.hpp), written as
//   DIR/noise_ceiling.csv   group, subject, r2
//   DIR/noise_ceiling.json  inputs, options, mean, sem, n, missing data
//   DIR/noise_ceiling_split_half.csv (split_half B)  group, n_readers, splits,
//       r_half_mean, reliability_mean, reliability_sd
// `lmgaze noise-ceiling` fills the options from its command line, `lmgaze run`
// from the job.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/noise_ceiling.hpp"
#include "analysis/validation.hpp"

namespace lmgaze::analysis {

struct NoiseCeilingAnalysisOptions {
  std::string human_path;
  NoiseCeilingOptions compute;
  int split_half = 0;  // B >= 1: also the split-half reliability over B splits
  uint64_t seed = 1;   // of the splits
  std::string out_dir;
  std::string command_line;  // the equivalent command line, recorded in every table
};

// What is known before the analysis runs; -1: not known.
struct NoiseCeilingFacts {
  long n_readers = -1;  // readers of the group
};

// The options' problems given the facts (empty: none).
std::vector<OptionProblem> validate(const NoiseCeilingAnalysisOptions& options,
                                    const NoiseCeilingFacts& facts);

// Collective over `comm`. Rank 0 writes the output set, prints a summary to
// `log` and returns the result; the other ranks return an empty one.
NoiseCeilingResult noise_ceiling_analysis(const NoiseCeilingAnalysisOptions& options, MPI_Comm comm,
                                          std::ostream& log);

}  // namespace lmgaze::analysis
