// `stats paired` as one typed call: per layer, a paired t-test over the
// readers two tables share (differences b − a), Bonferroni over the layers.
// Prints the table to `log` and, with `out`, writes it as a CSV headed by the
// equivalent command line and the inputs' comments. `lmgaze stats paired`
// fills the options from its command line, `lmgaze run` from the job.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "stats/tables.hpp"

namespace lmgaze::stats {

struct PairedOptions {
  std::string a, b;  // the CSV tables: baseline and compared
  PairedColumns columns;
  double alpha = 0.05;                // family-wise, divided by the number of layers
  std::string out;                    // "": print only
  std::vector<std::string> filter;    // column=value, every table
  std::vector<std::string> filter_a;  // column=value, --a only
  std::vector<std::string> filter_b;  // column=value, --b only

  // InputError for a bad alpha or filter, before anything is read or written.
  void validate() const;
  // "lmgaze stats paired --a A.csv --b B.csv --key layer ...", defaults included.
  std::string command_line() const;
};

LayerwiseComparison paired_analysis(const PairedOptions& options, std::ostream& log);

}  // namespace lmgaze::stats
