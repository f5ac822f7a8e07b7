// The next-token-loss analysis as one typed call: every model's loss
// (ntp.hpp), printed, and with an output directory written as
//   DIR/ntp.csv   model, loss, tokens, bits_per_byte, nats_per_word, bytes, words
//   DIR/ntp.json  inputs, each model's scores, definitions
// `lmgaze ntp` fills the options from its command line, `lmgaze run` from the job.
#pragma once

#include <mpi.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/ntp.hpp"

namespace lmgaze::analysis {

struct NtpAnalysisOptions {
  std::vector<std::string> models;  // attention files
  std::vector<std::string> labels;  // one per model: its name in the table
  std::string out_dir;              // "": print only
  std::string command_line;         // the equivalent command line, recorded in the table
};

// Collective over `comm`. Rank 0 prints one line per model, writes the output
// set and returns the results by label; the other ranks return an empty map.
std::map<std::string, NtpResult> ntp_analysis(const NtpAnalysisOptions& options, MPI_Comm comm,
                                              std::ostream& log);

// The results of an output set written earlier (its ntp.json), by label, for
// a run that resumes after the stage was done. InputError when absent.
std::map<std::string, NtpResult> read_ntp_scores(const std::string& out_dir);

}  // namespace lmgaze::analysis
