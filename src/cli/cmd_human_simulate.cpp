// lmgaze human simulate: a fixations CSV of SIMULATED readers for the demo.
// The work is human::simulate_fixations (src/human/simulate_fixations.hpp).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "human/serial.hpp"
#include "human/simulate_fixations.hpp"

namespace lmgaze::cli {

int run_human_simulate(const Args& args) {
  CommandSpec spec{
      "human simulate",
      "human simulate --text FILE --out FIXATIONS.csv [--readers L1:N,L2:M] [--seed S]",
      "Writes a fixations CSV of simulated readers (NOT eye-tracking data; every row\n"
      "has simulated = 1, and a store imported from it is marked simulated). Model:\n"
      "src/human/README.md. Deterministic for a given text, readers and seed."};
  human::SimulateOptions o;
  po::options_description options;
  options.add_options()("text", po::value(&o.text), "plain-text corpus to read")(
      "out", po::value(&o.out), "fixations CSV to write")(
      "readers", po::value(&o.readers)->default_value(o.readers),
      "readers per group (L1 and L2 profiles)")("seed", po::value(&o.seed)->default_value(o.seed),
                                                "random seed");
  auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  o.validate();  // on every rank: a bad option stops them all
  return human::run_on_rank0([&] { human::simulate_fixations(o, std::cout); });
}

}  // namespace lmgaze::cli
