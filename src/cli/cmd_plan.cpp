// lmgaze plan: a job's stage graph, what is done, and what each stage needs.
#include <mpi.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "run/graph.hpp"
#include "run/job.hpp"
#include "run/runner.hpp"

namespace lmgaze::cli {

int run_plan(const Args& args) {
  const CommandSpec spec{
      "plan", "plan --job FILE [--ranks N]",
      "Prints the job's models (parameters and shape from config.json, or from the job's\n"
      "shape/params where there are no weights), its stage graph with what each stage waits\n"
      "for and whether it is done or would run (and why), the GPU memory of every pipeline\n"
      "stage of every extraction for the job's layout, and what is missing for `lmgaze run`\n"
      "(unset variables, absent checkpoints or data). Runs nothing; exit 0 even when the job\n"
      "cannot run yet."};
  po::options_description opts;
  opts.add_options()("ranks", po::value<int>(),
                     "MPI ranks the run will have (default: this command's ranks)");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  if (!vm->count("job")) throw InputError("lmgaze plan: --job FILE is required (see --help)");
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int ranks = vm->count("ranks") ? (*vm)["ranks"].as<int>() : size;
  if (ranks < 1) throw InputError("lmgaze plan: --ranks must be >= 1");
  if (rank != 0) return 0;
  bool report = false;
  for (const auto& c : subcommands()) report |= std::string(c.name) == "report";
  const run::Job job = run::load_job((*vm)["job"].as<std::string>());
  const run::Graph graph = run::build_graph(job, report);
  run::print_plan(job, graph, run::decide(graph, job.out_dir, false), ranks, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
