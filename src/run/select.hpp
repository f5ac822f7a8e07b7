// `lmgaze run --only KIND[,KIND...]`: a run restricted to some kinds of stage,
// so that the GPU part (extraction) and the CPU part (everything after it) of
// one job can go to different allocations (slurm/extract.sbatch,
// slurm/analyses.sbatch).
//
// A kind is the part of a stage id before '/', as `lmgaze plan` prints it:
//   simulate human extract ntp noise-ceiling resemblance trivial divergence
//   agreement stats report
// and one name for a group of them:
//   analyses   every kind but extract and report: human data, analysis tables,
//              statistics (the CPU-only stages between extraction and report)
#pragma once

#include <set>
#include <string>
#include <vector>

#include "run/graph.hpp"
#include "run/runner.hpp"

namespace lmgaze::run {

// Every stage kind build_graph() makes, in graph order.
const std::vector<std::string>& stage_kinds();

// "extract,analyses" -> the stage kinds it names, groups expanded. InputError
// (one line, listing the valid names) for an empty list or an unknown name.
std::set<std::string> parse_only(const std::string& list);

// Holds back (StageState::held) every stage that would run but is not of a
// selected kind. Returns the ids of the stages the selected stages still wait
// for: upstream stages that are neither done nor selected, in graph order
// (empty: the selection can run as it is).
std::vector<std::string> hold_unselected(const Graph& graph, const std::set<std::string>& kinds,
                                         std::vector<StageState>& states);

// The one-line refusal for `missing` (non-empty): names the first few stages
// and the --only kinds that would run them.
std::string missing_upstream_message(const std::vector<std::string>& missing,
                                     const std::string& only);

}  // namespace lmgaze::run
