// `stats fit` as one typed call: the least-squares line y = intercept +
// slope · x, Pearson r and the test of r = 0, with --bootstrap a percentile
// interval of the slope over the models' shared resamples of readers
// (METHODS.md 8, 10). Prints the fit to `log` and, with `out`, writes it as a
// CSV headed by the equivalent command line and the inputs' comments.
// `lmgaze stats fit` fills the options from its command line, `lmgaze run`
// from the job (after writing the points table it fits).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "stats/regression.hpp"

namespace lmgaze::stats {

struct FitOptions {
  std::string csv;   // one table holding both columns; x and y are then column names
  std::string x, y;  // COLUMN (with csv), FILE:COLUMN, or a list of numbers "1,2,3"
  std::string join;  // column pairing the rows of two different files
  bool log10_x = false;
  std::string out;        // "": print only
  std::string bootstrap;  // replicate tables of the models, comma-separated
  std::vector<std::string> filter, filter_x, filter_y;  // column=value

  // InputError for axes, filters and combinations that cannot work, before
  // anything is read or written.
  void validate() const;
  std::string command_line() const;  // the equivalent command line
};

LineFit fit_analysis(const FitOptions& options, std::ostream& log);

}  // namespace lmgaze::stats
