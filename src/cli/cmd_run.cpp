// lmgaze run: one job file, end to end (run/runner.hpp; format: jobs/README.md).
#include <mpi.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "run/graph.hpp"
#include "run/job.hpp"
#include "run/runner.hpp"
#include "run/select.hpp"

namespace lmgaze::cli {

namespace {

run::Command find_command(const std::string& name) {
  for (const auto& c : subcommands())
    if (name == c.name) return c.run;
  return nullptr;
}

}  // namespace

int run_run(const Args& args) {
  const CommandSpec spec{
      "run", "run --job FILE [--force] [--only KIND[,KIND...]]",
      "Builds the job's stage graph (human data -> extraction per model and prefix -> analyses\n"
      "-> statistics -> report) and runs every stage that is not done, in-process on every MPI\n"
      "rank. A stage is done when its record in OUT/.lmgaze/stages/ matches the job's options\n"
      "and the inputs and outputs it recorded are unchanged; a changed option re-runs exactly\n"
      "the stages it affects and those that read from them. SIGTERM/SIGINT: the current stage\n"
      "finishes, the run stops (exit 128 + signal), and the next run resumes; a second signal\n"
      "abandons the stage (nothing of it is marked complete). `lmgaze plan` shows the graph.\n"
      "--only runs the pending stages of some kinds (the part of a stage id before '/', or\n"
      "`analyses` for everything but extract and report) and refuses, before running\n"
      "anything, when they read from a stage that is neither done nor selected. A second\n"
      "`lmgaze run` on the same output directory is refused while one runs\n"
      "(OUT/.lmgaze/lock)."};
  po::options_description opts;
  opts.add_options()("force", po::bool_switch(),
                     "re-run every stage (with --only: of those kinds), done or not")(
      "only", po::value<std::string>(),
      "run only the stages of these kinds (comma-separated): extract, analyses, report, "
      "simulate, human, ntp, noise-ceiling, resemblance, trivial, divergence, agreement, stats");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  if (!vm->count("job")) throw InputError("lmgaze run: --job FILE is required (see --help)");
  run::RunOptions options;
  options.force = (*vm)["force"].as<bool>();
  if (vm->count("only")) {
    options.only_text = (*vm)["only"].as<std::string>();
    options.only = run::parse_only(options.only_text);
  }
  const run::Job job = run::load_job((*vm)["job"].as<std::string>());
  const run::Graph graph = run::build_graph(job, find_command("report") != nullptr);
  return run::run_job(job, graph, find_command, options, MPI_COMM_WORLD);
}

}  // namespace lmgaze::cli
