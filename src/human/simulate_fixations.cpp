#include "human/simulate_fixations.hpp"

#include <fstream>

#include "common/corpus.hpp"
#include "common/error.hpp"
#include "human/simulate.hpp"
#include "io/atomic_output.hpp"

namespace lmgaze::human {

void SimulateOptions::validate() const {
  if (text.empty() || out.empty())
    throw InputError("lmgaze human simulate: --text and --out are required");
  parse_reader_counts(readers);
}

void simulate_fixations(const SimulateOptions& options, std::ostream& log) {
  options.validate();
  const auto counts = parse_reader_counts(options.readers);
  const Corpus corpus = read_corpus(options.text);
  AtomicOutput output(options.out);
  int64_t rows = 0;
  {
    std::ofstream csv(output.temp_path(), std::ios::binary);
    if (!csv) throw InputError(options.out, "cannot write fixations CSV");
    rows = simulate_readers(corpus, counts, options.seed, csv);
    csv.close();
    if (!csv) throw InputError(options.out, "write failed");
  }
  output.commit();
  log << "wrote " << options.out << ": " << rows << " fixations of SIMULATED readers (";
  for (size_t i = 0; i < counts.size(); ++i)
    log << (i ? ", " : "") << counts[i].group << " " << counts[i].count;
  log << "; seed " << options.seed << ") on " << corpus.sentences.size()
      << " sentences; not eye-tracking data\n";
}

}  // namespace lmgaze::human
