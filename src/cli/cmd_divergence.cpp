// lmgaze divergence: Jensen–Shannon divergence of two attention files,
// layer by layer or in parts (METHODS.md section 3). Parses the command line
// into the analysis' options; the tables: analysis/divergence_analysis.hpp.
#include <mpi.h>

#include <iostream>

#include "analysis/divergence_analysis.hpp"
#include "analysis/inputs.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"

namespace lmgaze::cli {

int run_divergence(const Args& args) {
  const CommandSpec spec{
      "divergence", "divergence --a A.h5 --b B.h5 [--heads average|per-head] [--parts N] --out DIR",
      "Jensen-Shannon divergence (natural log) of two attention files over the same sentences:\n"
      "per sentence the mean over rows of JS(row of A, row of B), rows normalised by their own\n"
      "sum. Layer l vs layer l when the layer counts match; otherwise (or with --parts) each\n"
      "file's layers in N consecutive parts (numpy.array_split sizes), averaged over layers,\n"
      "then heads. --heads average: heads averaged before JS; per-head: JS per head, then the\n"
      "mean over heads. A row summing to zero in either file is left out of the mean."};
  po::options_description opts;
  opts.add_options()("a", po::value<std::string>()->required(),
                     "attention file A (lmgaze extract)")("b", po::value<std::string>()->required(),
                                                          "attention file B, same sentences")(
      "heads", po::value<std::string>()->default_value("average"), "average | per-head")(
      "parts", po::value<int>(),
      "compare N layer parts (forced); default: 4 parts only when "
      "the layer counts differ")("label-a", po::value<std::string>(),
                                 "name of A in the tables (default: file name)")(
      "label-b", po::value<std::string>(), "name of B in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  analysis::DivergenceOptions o;
  o.a_path = (*vm)["a"].as<std::string>();
  o.b_path = (*vm)["b"].as<std::string>();
  const std::string heads = (*vm)["heads"].as<std::string>();
  if (heads == "average")
    o.heads = analysis::HeadMode::kAverage;
  else if (heads == "per-head")
    o.heads = analysis::HeadMode::kPerHead;
  else
    throw InputError("lmgaze divergence: --heads must be average or per-head, not '" + heads + "'");
  if (vm->count("parts")) {
    o.parts = (*vm)["parts"].as<int>();
    o.force_parts = true;
  }
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string la =
      vm->count("label-a") ? (*vm)["label-a"].as<std::string>() : analysis::file_label(o.a_path);
  const std::string lb =
      vm->count("label-b") ? (*vm)["label-b"].as<std::string>() : analysis::file_label(o.b_path);

  analysis::divergence_analysis({o, la, lb, out, analysis::command_line(spec.name, args)},
                                MPI_COMM_WORLD, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
