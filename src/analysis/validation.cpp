#include "analysis/validation.hpp"

#include "common/error.hpp"

namespace lmgaze::analysis {

void refuse_first(const std::vector<OptionProblem>& problems) {
  if (!problems.empty())
    throw InputError("--" + problems.front().option + ": " + problems.front().what);
}

}  // namespace lmgaze::analysis
