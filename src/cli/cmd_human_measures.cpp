// lmgaze human measures: per-word reading measures of a human store as a tidy CSV.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "human/measures_table.hpp"
#include "human/serial.hpp"

namespace lmgaze::cli {

int run_human_measures(const Args& args) {
  CommandSpec spec{"human measures", "human measures HUMAN.h5 --out MEASURES.csv",
                   "Writes the reading measures of every reader on every word of the sentences\n"
                   "the reader has data for (METHODS.md 11): subject, group, article, sentence,\n"
                   "word, text, ffd, gd, trt, nfix, skip, reg_in, reg_out; an empty field is a\n"
                   "missing value (ffd and gd of a word skipped in first pass)."};
  std::string path, out;
  po::options_description options;
  options.add_options()("store", po::value(&path), "the human store (positional)")(
      "out", po::value(&out), "the CSV to write");
  po::positional_options_description positional;
  positional.add("store", 1);
  auto vm = parse_options(spec, options, args, &positional);
  if (!vm) return 0;
  if (path.empty())
    throw InputError("lmgaze human measures: which store? (usage: " + spec.usage + ")");
  if (out.empty()) throw InputError("lmgaze human measures: --out MEASURES.csv is required");
  return human::run_on_rank0([&] {
    const HumanStore store(path);
    human::write_measures_csv(store, out);
    std::cout << "wrote " << out << "\n";
  });
}

}  // namespace lmgaze::cli
