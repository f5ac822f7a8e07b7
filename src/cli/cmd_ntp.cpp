// lmgaze ntp: next-token-prediction loss of one or more attention files
// (METHODS.md section 7; analysis/ntp.hpp).
//
//   stdout                one line per model: loss (nats/token) and tokens
//   DIR/ntp.csv (--out)   model, loss, tokens, bits_per_byte, nats_per_word, bytes, words
//   DIR/ntp.json          inputs
#include <mpi.h>

#include <iomanip>
#include <iostream>

#include "analysis/inputs.hpp"
#include "analysis/ntp.hpp"
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
  std::vector<analysis::NtpResult> results;
  for (const auto& m : models) results.push_back(analysis::run_ntp(m, MPI_COMM_WORLD));
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != 0) return 0;

  for (size_t k = 0; k < models.size(); ++k)
    std::cout << std::setprecision(6) << labels[k] << ": loss " << results[k].loss
              << " nats/token over " << results[k].tokens << " tokens, " << results[k].bits_per_byte
              << " bits/byte over " << results[k].bytes << " bytes, " << results[k].nats_per_word
              << " nats/word over " << results[k].words << " words\n";
  if (!vm->count("out")) return 0;
  const std::string out = (*vm)["out"].as<std::string>();
  using analysis::Table;
  Table rows({"model", "loss", "tokens", "bits_per_byte", "nats_per_word", "bytes", "words"});
  rows.comment(analysis::command_line(spec.name, args));
  nlohmann::json inputs = nlohmann::json::array();
  for (size_t k = 0; k < models.size(); ++k) {
    const analysis::NtpResult& n = results[k];
    rows.add({labels[k], Table::num(n.loss), Table::integer(n.tokens), Table::num(n.bits_per_byte),
              Table::num(n.nats_per_word), n.bytes > 0 ? Table::integer(n.bytes) : "",
              Table::integer(n.words)});
    inputs.push_back({{"path", models[k]},
                      {"label", labels[k]},
                      {"model_name", results[k].model_name},
                      {"nll_sum", results[k].nll_sum}});
  }
  rows.write(out + "/ntp.csv");
  nlohmann::json side = analysis::sidecar_header(spec.name, size);
  side["command_line"] = analysis::command_line(spec.name, args);
  side["models"] = inputs;
  side["definitions"] = {{"loss",
                          "sum over sentences of /ntp/nll_sum divided by the sum of "
                          "/ntp/n_tokens (nats per predicted token)"},
                         {"bits_per_byte",
                          "sum of /ntp/nll_sum / ln 2 / UTF-8 bytes of the sentences (words joined "
                          "by single spaces, no prefix); empty without /sentences/text"},
                         {"nats_per_word", "sum of /ntp/nll_sum / the number of words"}};
  analysis::write_json(out + "/ntp.json", side);
  return 0;
}

}  // namespace lmgaze::cli
