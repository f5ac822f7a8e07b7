// lmgaze human simulate: a fixations CSV of SIMULATED readers for the demo.
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "human/serial.hpp"
#include "human/simulate.hpp"
#include "io/atomic_output.hpp"

namespace lmgaze::cli {

int run_human_simulate(const Args& args) {
  CommandSpec spec{
      "human simulate",
      "human simulate --text FILE --out FIXATIONS.csv [--readers L1:N,L2:M] [--seed S]",
      "Writes a fixations CSV of simulated readers (NOT eye-tracking data; every row\n"
      "has simulated = 1, and a store imported from it is marked simulated). Model:\n"
      "src/human/README.md. Deterministic for a given text, readers and seed."};
  std::string text, out, readers = "L1:20,L2:20";
  uint64_t seed = 1;
  po::options_description options;
  options.add_options()("text", po::value(&text), "plain-text corpus to read")(
      "out", po::value(&out), "fixations CSV to write")("readers",
                                                        po::value(&readers)->default_value(readers),
                                                        "readers per group (L1 and L2 profiles)")(
      "seed", po::value(&seed)->default_value(seed), "random seed");
  auto vm = parse_options(spec, options, args);
  if (!vm) return 0;
  if (text.empty() || out.empty())
    throw InputError("lmgaze human simulate: --text and --out are required");
  return human::run_on_rank0([&] {
    const auto counts = human::parse_reader_counts(readers);
    const Corpus corpus = read_corpus(text);
    AtomicOutput output(out);
    int64_t rows = 0;
    {
      std::ofstream csv(output.temp_path(), std::ios::binary);
      if (!csv) throw InputError(out, "cannot write fixations CSV");
      rows = human::simulate_readers(corpus, counts, seed, csv);
      csv.close();
      if (!csv) throw InputError(out, "write failed");
    }
    output.commit();
    std::cout << "wrote " << out << ": " << rows << " fixations of SIMULATED readers (";
    for (size_t i = 0; i < counts.size(); ++i)
      std::cout << (i ? ", " : "") << counts[i].group << " " << counts[i].count;
    std::cout << "; seed " << seed << ") on " << corpus.sentences.size()
              << " sentences; not eye-tracking data\n";
  });
}

}  // namespace lmgaze::cli
