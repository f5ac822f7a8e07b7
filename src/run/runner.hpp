// `lmgaze run` and `lmgaze plan`: walk the stage graph, skip what is done,
// run the rest in-process on every rank.
//
// Every decision (which stages run, whether to stop) is taken on rank 0 and
// broadcast, so all ranks walk the same stages and meet in the same
// collectives. Stages that call analysis commands run on every rank (they split
// sentences over ranks); serial stages (human import, stats, report) run on rank
// 0 while the others wait. Extraction calls run_extraction() on every rank.
//
// Stopping: the first SIGTERM or SIGINT lets the current stage finish (its
// outputs and record are written), then the run stops with exit code 128 +
// signal; a second one abandons the stage at once (default action: the process
// dies; outputs still being written are only PATH.partial files, and the stage
// has no record, so it counts as not done). The next `lmgaze run` resumes.
#pragma once

#include <mpi.h>

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "run/graph.hpp"
#include "run/job.hpp"

namespace lmgaze::run {

// A subcommand entry (cli/commands.hpp: Subcommand::run), looked up by name;
// nullptr when the build has no such command.
using Command = int (*)(const std::vector<std::string>& args);
using CommandLookup = Command (*)(const std::string& name);

struct RunOptions {
  bool force = false;          // re-run every stage (of the --only kinds), done or not
  std::set<std::string> only;  // stage kinds to run (run/select.hpp); empty = every kind
  std::string only_text;       // --only as given, for messages
};

// What each stage will do: empty reason = done (skipped).
struct StageState {
  bool run = false;
  std::string reason;
  bool held = false;  // would run, but is not of a kind --only selected
};

// Decides, on the calling process, which stages run (a stage whose input stage
// runs also runs). `force`: every stage runs, or with `only` every stage of
// those kinds (the others run only when they are not done). Collective use:
// call on rank 0 and broadcast (run_job does).
std::vector<StageState> decide(const Graph& graph, const std::string& out_dir, bool force,
                               const std::set<std::string>& only = {});

// Runs the job; returns the exit code (0, 2 when refused, or 128 + signal when
// stopped). Refused, with one line from rank 0, before any stage starts: another
// run holds OUT/.lmgaze/lock (run/lock.hpp), or --only selects stages whose
// input stages are not done and not selected (run/select.hpp).
// InputError for a job with problems (unset variables, missing inputs).
int run_job(const Job& job, const Graph& graph, CommandLookup commands, const RunOptions& options,
            MPI_Comm comm);

// The stage graph with its state and resources, and the job's problems.
void print_plan(const Job& job, const Graph& graph, const std::vector<StageState>& states,
                int ranks, std::ostream& out);

// "0.4 s", "12.3 s", "4 min 05 s", "2 h 03 min".
std::string format_duration(double seconds);

}  // namespace lmgaze::run
