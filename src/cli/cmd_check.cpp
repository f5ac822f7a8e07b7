// lmgaze check: a job's fresh tables against stored expected tables (run/check.hpp).
#include <mpi.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "run/check.hpp"
#include "run/graph.hpp"
#include "run/job.hpp"

namespace lmgaze::cli {

int run_check(const Args& args) {
  const run::Tolerance def;
  const CommandSpec spec{
      "check", "check --job FILE --expected DIR [--rtol R] [--atol A] [--store]",
      "Compares every CSV table the job writes under OUT/analysis and OUT/stats with the table\n"
      "at the same path under DIR: same columns and rows, text equal, numbers within\n"
      "|fresh - expected| <= atol + rtol |expected| (comment lines are not compared). Prints\n"
      "each value that moved and a verdict; exit 1 on a regression (a moved value, a changed\n"
      "shape, an expected table not written), 0 otherwise. Run the job first (lmgaze run).\n"
      "--store copies the job's current tables into DIR instead: the expected tables.\n"
      "rtol and atol may also come from the job's [check] section."};
  po::options_description opts;
  opts.add_options()("expected", po::value<std::string>()->required(),
                     "directory of expected tables (OUT layout)")(
      "rtol", po::value<double>()->default_value(def.rtol), "relative tolerance")(
      "atol", po::value<double>()->default_value(def.atol), "absolute tolerance")(
      "store", po::bool_switch(), "write the current tables to DIR as the expected ones");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  if (!vm->count("job")) throw InputError("lmgaze check: --job FILE is required (see --help)");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return 0;
  run::Tolerance tol;
  tol.rtol = (*vm)["rtol"].as<double>();
  tol.atol = (*vm)["atol"].as<double>();
  if (!(tol.rtol >= 0) || !(tol.atol >= 0))
    throw InputError("lmgaze check: --rtol and --atol must be >= 0");
  const run::Job job = run::load_job((*vm)["job"].as<std::string>());
  const run::Graph graph = run::build_graph(job, false);
  const std::string expected = (*vm)["expected"].as<std::string>();
  if ((*vm)["store"].as<bool>()) {
    run::store_expected(job, graph, expected, std::cout);
    return 0;
  }
  return run::check_tables(job, graph, expected, tol, std::cout).regression() ? 1 : 0;
}

}  // namespace lmgaze::cli
