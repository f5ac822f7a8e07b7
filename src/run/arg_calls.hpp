// The typed calls of the stages the stage graph describes by their command
// line only (Stage::command and Stage::args, which the stage record and
// `lmgaze plan` show): `stats paired|groups|fit` and `human simulate`. The
// runner reads their options from it here and calls stats::paired_analysis /
// groups_analysis / fit_analysis and human::simulate_fixations directly,
// without the command-line parser.
#pragma once

#include <optional>
#include <ostream>
#include <variant>

#include "human/simulate_fixations.hpp"
#include "run/graph.hpp"
#include "stats/fit_analysis.hpp"
#include "stats/groups_analysis.hpp"
#include "stats/paired_analysis.hpp"

namespace lmgaze::run {

using StatsCall = std::variant<stats::PairedOptions, stats::GroupsOptions, stats::FitOptions>;

// The options of a "stats paired|groups|fit" stage; nullopt for any other
// stage. Validated, so that a bad option stops the stage before it writes
// anything (the points table of a fit included). InputError for an option
// the graph does not give these stages.
std::optional<StatsCall> stats_call(const Stage& s);

// The options of a "human simulate" stage, validated; nullopt for any other stage.
std::optional<human::SimulateOptions> simulate_call(const Stage& s);

// Runs the call (rank 0's work), printing to `log`.
void run_stats_call(const StatsCall& call, std::ostream& log);

}  // namespace lmgaze::run
