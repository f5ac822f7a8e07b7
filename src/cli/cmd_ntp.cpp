// lmgaze ntp: next-token-prediction loss of one or more attention files
// (METHODS.md section 7). Parses the command line into the analysis' options;
// what it prints and writes: analysis/ntp_analysis.hpp.
#include <mpi.h>

#include <iostream>

#include "analysis/inputs.hpp"
#include "analysis/ntp_analysis.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"

namespace lmgaze::cli {

int run_ntp(const Args& args) {
  const CommandSpec spec{
      "ntp", "ntp --model M.h5 [--model M2.h5 ...] [--label NAME ...] [--out DIR]",
      "Mean next-token cross-entropy (nats per token) over all predicted tokens of the corpus:\n"
      "the sum of the per-sentence losses / the number of predicted tokens. Comparable across\n"
      "tokenizers: bits per byte (the summed loss in bits / the UTF-8 bytes of the sentences,\n"
      "one space between words) and nats per word."};
  po::options_description opts;
  opts.add_options()("model", po::value<std::vector<std::string>>()->multitoken()->required(),
                     "attention files (several after one --model, or repeated)")(
      "label", po::value<std::vector<std::string>>()->multitoken(),
      "names in the table, one per --model (default: file names)")("out", po::value<std::string>(),
                                                                   "output directory for ntp.csv");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  const auto models = (*vm)["model"].as<std::vector<std::string>>();
  std::vector<std::string> labels;
  if (vm->count("label")) {
    labels = (*vm)["label"].as<std::vector<std::string>>();
    if (labels.size() != models.size())
      throw InputError("lmgaze ntp: give one --label per --model (" +
                       std::to_string(models.size()) + " models, " + std::to_string(labels.size()) +
                       " labels)");
  } else {
    for (const auto& m : models) labels.push_back(analysis::file_label(m));
  }
  const std::string out = vm->count("out") ? (*vm)["out"].as<std::string>() : "";
  analysis::ntp_analysis({models, labels, out, analysis::command_line(spec.name, args)},
                         MPI_COMM_WORLD, std::cout);
  return 0;
}

}  // namespace lmgaze::cli
