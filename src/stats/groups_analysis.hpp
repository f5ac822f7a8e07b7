// `stats groups` as one typed call: mean(b) − mean(a) over the rows of two
// tables, by Student's and Welch's t and by a seeded permutation test
// (METHODS.md 8, 10). Prints the tests to `log` and, with `out`, writes them as
// a CSV headed by the equivalent command line and the inputs' comments.
// `lmgaze stats groups` fills the options from its command line, `lmgaze run`
// from the job.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace lmgaze::stats {

struct GroupsOptions {
  std::string a, b;  // the CSV tables of the two samples
  std::string value = "r2";
  long permutations = 10000;
  uint64_t seed = 1;
  std::string out;                                      // "": print only
  std::vector<std::string> filter, filter_a, filter_b;  // column=value

  void validate() const;  // InputError before anything is read or written
  // The equivalent command line; the permutations and seed are recorded in
  // the table's second comment instead.
  std::string command_line() const;
};

void groups_analysis(const GroupsOptions& options, std::ostream& log);

}  // namespace lmgaze::stats
