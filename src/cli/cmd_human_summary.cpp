// lmgaze human summary: readers, coverage, saccade statistics of a human store.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "human/serial.hpp"
#include "human/summary.hpp"

namespace lmgaze::cli {

int run_human_summary(const Args& args) {
  CommandSpec spec{"human summary", "human summary HUMAN.h5",
                   "Prints per group: readers, sentences covered, NaN (skipped) values, mean\n"
                   "saccades per sentence, share of regressions (j < i) and refixations (j == i),\n"
                   "off-word fixations, and readers without data for some sentences."};
  std::string path;
  po::options_description options;
  options.add_options()("store", po::value(&path), "the human store (positional)");
  po::positional_options_description positional;
  positional.add("store", 1);
  auto vm = parse_options(spec, options, args, &positional);
  if (!vm) return 0;
  if (path.empty())
    throw InputError("lmgaze human summary: which store? (usage: " + spec.usage + ")");
  return human::run_on_rank0([&] { human::print_summary(HumanStore(path), std::cout); });
}

}  // namespace lmgaze::cli
