// lmgaze noise-ceiling: how well a group's own mean predicts each reader
// (METHODS.md section 5). Parses the command line into the analysis' options;
// the tables it writes are listed in analysis/noise_ceiling_analysis.hpp.
#include <mpi.h>

#include <iostream>

#include "analysis/noise_ceiling_analysis.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace lmgaze::cli {

int run_noise_ceiling(const Args& args) {
  const CommandSpec spec{
      "noise-ceiling",
      "noise-ceiling --human H.h5 --group G [--leave-one-out] [--exclude S,..] --out DIR",
      "Per reader: OLS (with intercept) of the reader's tril saccade matrices on the group-mean\n"
      "matrices over the sentences the reader has; R² per reader, and the ceiling = mean R².\n"
      "The group mean of a sentence averages the readers with data there and, as in METHODS.md,\n"
      "includes the reader; --leave-one-out averages the other readers only. Needs >= 2 readers.\n"
      "--split-half B also estimates the reliability of the group mean (METHODS.md 10): B seeded\n"
      "random splits into halves, Pearson r of the half-means, Spearman-Brown 2r / (1 + r)."};
  po::options_description opts;
  opts.add_options()("human", po::value<std::string>()->required(), "human store")(
      "group", po::value<std::string>()->required(), "reader group, e.g. L1")(
      "view", po::value<std::string>()->default_value("count"), "count | duration")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated subjects of the group to leave out")("leave-one-out", po::bool_switch(),
                                                            "group mean without the reader itself")(
      "split-half", po::value<int>()->default_value(0),
      "B >= 1: also the split-half reliability over B random splits")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the split-half splits")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  analysis::NoiseCeilingOptions o;
  const std::string human = (*vm)["human"].as<std::string>();
  o.group = (*vm)["group"].as<std::string>();
  o.view = (*vm)["view"].as<std::string>();
  o.exclude = split_list((*vm)["exclude"].as<std::string>());
  o.leave_one_out = (*vm)["leave-one-out"].as<bool>();
  const std::string out = (*vm)["out"].as<std::string>();

  analysis::NoiseCeilingAnalysisOptions call{human,
                                             o,
                                             (*vm)["split-half"].as<int>(),
                                             (*vm)["seed"].as<uint64_t>(),
                                             out,
                                             analysis::command_line(spec.name, args)};
  analysis::refuse_first(analysis::validate(call, {}));
  analysis::noise_ceiling_analysis(call, MPI_COMM_WORLD, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
