// lmgaze human mean: the group-mean store (subject "mean") of a per-reader store.
// The work is human::group_means (src/human/mean.hpp).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "human/mean.hpp"
#include "human/serial.hpp"

namespace lmgaze::cli {

int run_human_mean(const Args& args) {
  CommandSpec spec{"human mean", "human mean HUMAN.h5 --out MEAN.h5",
                   "Averages the readers of every group into one subject, \"mean\"; a reader\n"
                   "without data for a sentence (NaN) is left out of that sentence's mean."};
  human::MeanOptions o;
  po::options_description options;
  options.add_options()("store", po::value(&o.store), "the per-reader human store (positional)")(
      "out", po::value(&o.out), "the group-mean store to write");
  po::positional_options_description positional;
  positional.add("store", 1);
  auto vm = parse_options(spec, options, args, &positional);
  if (!vm) return 0;
  o.validate();  // on every rank: a bad option stops them all
  return human::run_on_rank0([&] { human::group_means(o, std::cout); });
}

}  // namespace lmgaze::cli
