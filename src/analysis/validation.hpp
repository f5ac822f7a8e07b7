// What an analysis' options can be checked against before it runs: facts
// known from the inputs' headers (or, for `lmgaze run`, from the job file and
// the inputs before any stage has made them). The command line reports a
// problem as "--OPTION: what"; the runner as "JOB:LINE: what", the line of the
// job key the option came from.
#pragma once

#include <string>
#include <vector>

namespace lmgaze::analysis {

struct OptionProblem {
  std::string option;  // the command-line option without dashes: "cv"
  std::string what;    // the problem, naming the value
};

// Throws InputError("--OPTION: what") for the first problem, if any.
void refuse_first(const std::vector<OptionProblem>& problems);

}  // namespace lmgaze::analysis
