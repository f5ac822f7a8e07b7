// lmgaze trivial: reliance on the trivial patterns FIRST, SELF, PREV of every
// model head or every reader (METHODS.md section 6). Parses the command line
// into the analysis' options; the tables: analysis/trivial_analysis.hpp.
#include <mpi.h>

#include <iostream>

#include "analysis/table.hpp"
#include "analysis/trivial_analysis.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace lmgaze::cli {

int run_trivial(const Args& args) {
  const CommandSpec spec{
      "trivial", "trivial (--model M.h5 | --human H.h5 --group G) --out DIR",
      "OLS (with intercept) of each model head's (or each reader's) tril matrices on the\n"
      "patterns FIRST (i,0), SELF (i,i) and PREV (i,i-1) over all sentences; R² is the\n"
      "reliance. A reader's sentences with NaN are left out of its fit."};
  po::options_description opts;
  opts.add_options()("model", po::value<std::string>(), "attention file: one row per head")(
      "human", po::value<std::string>(), "human store: one row per reader of --group")(
      "group", po::value<std::string>(), "reader group (with --human)")(
      "view", po::value<std::string>()->default_value("count"), "count | duration (--human)")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated subjects of the group to leave out (--human)")(
      "label", po::value<std::string>(), "model name in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  const bool model = vm->count("model") > 0, human = vm->count("human") > 0;
  if (model == human)
    throw InputError("lmgaze trivial: give either --model or --human (with --group)");
  if (human && !vm->count("group")) throw InputError("lmgaze trivial: --human needs --group");
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string view = (*vm)["view"].as<std::string>();
  const std::string exclude = (*vm)["exclude"].as<std::string>();

  analysis::TrivialAnalysisOptions call;
  if (model) {
    call.model_path = (*vm)["model"].as<std::string>();
    call.label = vm->count("label") ? (*vm)["label"].as<std::string>()
                                    : analysis::file_label(call.model_path);
  } else {
    call.human_path = (*vm)["human"].as<std::string>();
    call.group = (*vm)["group"].as<std::string>();
    call.view = view;
    call.exclude = split_list(exclude);
  }
  call.out_dir = out;
  call.command_line = analysis::command_line(spec.name, args);
  analysis::trivial_analysis(call, MPI_COMM_WORLD, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
