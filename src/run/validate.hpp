// What `lmgaze run` checks before its first stage, beyond what load_job finds
// in the file alone: the job's text is a corpus, simulated readers make the
// groups the analyses use, and every typed analysis' options pass its
// validate() with the facts known from the job and its inputs (e.g. `cv = 100`
// with a text of 32 sentences). Each problem names the job file's line the
// value came from. `lmgaze plan` lists them, `lmgaze run` refuses the job.
#pragma once

#include <vector>

#include "run/graph.hpp"
#include "run/job.hpp"

namespace lmgaze::run {

std::vector<Problem> validate_stages(const Job& job, const Graph& graph);

// job.problems followed by validate_stages().
std::vector<Problem> all_problems(const Job& job, const Graph& graph);

}  // namespace lmgaze::run
