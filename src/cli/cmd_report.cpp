// lmgaze report: tables and figures of a run, and an index that words the
// statistics (src/report/report.hpp).
//
//   OUT/report/index.md           findings in words, figures, main tables
//   OUT/report/tables/*.csv, *.md
//   OUT/report/figures/*.png, *.svg, *.gp   (gnuplot)
#include <mpi.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "report/report.hpp"
#include "run/job.hpp"

namespace lmgaze::cli {

int run_report(const Args& args) {
  const CommandSpec spec{
      "report",
      "report (--job FILE | --dir OUT) [--no-figures] [--gnuplot PATH] [--layer-axis "
      "auto|layer|depth]"
      " [--quiet]",
      "Reads a run's manifest (OUT/manifest.json, written by `lmgaze run`) and the tables it\n"
      "lists, and writes OUT/report/: index.md (the statistics in words, the figures, the main\n"
      "tables), tables/ (CSV and Markdown) and figures/ (PNG and SVG drawn by gnuplot, with the\n"
      "gnuplot script of each). With --job, OUT is the job's [output] dir."};
  po::options_description opts;
  opts.add_options()("dir", po::value<std::string>(),
                     "run folder OUT (the one with manifest.json); overrides the job's")(
      "no-figures", po::bool_switch(), "tables and index.md only (no gnuplot needed)")(
      "gnuplot", po::value<std::string>(), "gnuplot executable (default: $LMGAZE_GNUPLOT, PATH)")(
      "layer-axis", po::value<std::string>()->default_value("auto"),
      "x of the resemblance-per-layer figures: layer index, relative depth, or auto (depth when "
      "the models differ in depth)")("quiet", po::bool_switch(), "no summary on stdout");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;

  report::ReportOptions options;
  if (vm->count("dir")) {
    options.out_dir = (*vm)["dir"].as<std::string>();
  } else if (vm->count("job")) {
    options.out_dir = run::load_job((*vm)["job"].as<std::string>()).out_dir;
  } else {
    throw InputError("lmgaze report: give --job FILE or --dir OUT (the run folder)");
  }
  options.figures = !(*vm)["no-figures"].as<bool>();
  if (vm->count("gnuplot")) options.gnuplot = (*vm)["gnuplot"].as<std::string>();
  options.layer_axis = (*vm)["layer-axis"].as<std::string>();
  options.generated_by = "lmgaze report";
  for (const auto& a : args) options.generated_by += " " + a;

  // Serial work: under mpirun rank 0 writes the report and the other ranks only
  // wait (in MPI_Finalize). Two ranks clearing and filling OUT/report/ at once
  // would delete each other's figures. `lmgaze run` calls this on rank 0 only.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return 0;

  const report::ReportResult r = report::write_report(options);
  if (!(*vm)["quiet"].as<bool>()) {
    std::cout << "lmgaze report: " << r.dir << "/index.md, " << r.tables.size() << " tables, "
              << r.figures.size() << " figures (PNG and SVG)";
    if (!r.missing.empty()) std::cout << "; " << r.missing.size() << " stage(s) not done yet";
    std::cout << "\n";
    if (r.simulated)
      std::cout << "lmgaze report: WARNING: the readers are SIMULATED (see index.md)\n";
  }
  return 0;
}

}  // namespace lmgaze::cli
