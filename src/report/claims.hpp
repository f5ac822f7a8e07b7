// The paper's qualitative claims, checked against the bootstrap intervals the
// run wrote (METHODS.md 10), one sentence each, worded from the numbers:
//
//   larger models resemble human readers more   scaling slope's interval above 0;
//                                               without it, the largest model's
//                                               resemblance interval above the smallest's
//   instruction tuning does not raise it        the tuned model's interval not above
//                                               its base's
//   one reader group resembled more             the model's intervals for the two groups
//                                               of a store do not overlap
//
// The bootstrap resamples readers only: a slope's interval holds the models
// fixed, so its sentence also gives the fit's own test over the models.
// Two intervals count as different only when they do not overlap (a
// conservative reading: overlapping 95% intervals may still differ). A claim
// whose numbers the run does not have is not mentioned.
#pragma once

#include <string>
#include <vector>

#include "report/study.hpp"

namespace lmgaze::report {

std::vector<std::string> claims_under_intervals(const Study& study);

}  // namespace lmgaze::report
