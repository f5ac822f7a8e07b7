#include "analysis/ntp_analysis.hpp"

#include <cmath>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>

#include "analysis/json_numbers.hpp"
#include "analysis/table.hpp"
#include "common/error.hpp"
#include "common/read_file.hpp"

namespace lmgaze::analysis {

std::map<std::string, NtpResult> ntp_analysis(const NtpAnalysisOptions& options, MPI_Comm comm,
                                              std::ostream& log) {
  const std::vector<std::string>& models = options.models;
  const std::vector<std::string>& labels = options.labels;
  if (labels.size() != models.size()) throw std::logic_error("ntp_analysis: one label per model");
  std::vector<NtpResult> results;
  for (const auto& m : models) results.push_back(run_ntp(m, comm));
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (rank != 0) return {};

  std::map<std::string, NtpResult> by_label;
  const auto precision = log.precision();
  for (size_t k = 0; k < models.size(); ++k) {
    by_label[labels[k]] = results[k];
    log << std::setprecision(6) << labels[k] << ": loss " << results[k].loss << " nats/token over "
        << results[k].tokens << " tokens, " << results[k].bits_per_byte << " bits/byte over "
        << results[k].bytes << " bytes, " << results[k].nats_per_word << " nats/word over "
        << results[k].words << " words\n";
  }
  log.precision(precision);
  if (options.out_dir.empty()) return by_label;
  OutputSet set;  // the tables and sidecar appear together
  const std::string& out = options.out_dir;
  Table rows({"model", "loss", "tokens", "bits_per_byte", "nats_per_word", "bytes", "words"});
  rows.comment(options.command_line);
  nlohmann::json inputs = nlohmann::json::array();
  for (size_t k = 0; k < models.size(); ++k) {
    const NtpResult& n = results[k];
    rows.add({labels[k], Table::num(n.loss), Table::integer(n.tokens), Table::num(n.bits_per_byte),
              Table::num(n.nats_per_word), n.bytes > 0 ? Table::integer(n.bytes) : "",
              Table::integer(n.words)});
    inputs.push_back({{"path", models[k]},
                      {"label", labels[k]},
                      {"model_name", n.model_name},
                      {"nll_sum", n.nll_sum},
                      {"tokens", n.tokens},
                      {"loss", number_or_null(n.loss)},
                      {"bytes", n.bytes},
                      {"words", n.words},
                      {"bits_per_byte", number_or_null(n.bits_per_byte)},
                      {"nats_per_word", number_or_null(n.nats_per_word)}});
  }
  rows.write(out + "/ntp.csv");
  nlohmann::json side = sidecar_header("ntp", size);
  side["command_line"] = options.command_line;
  side["models"] = inputs;
  side["definitions"] = {{"loss",
                          "sum over sentences of /ntp/nll_sum divided by the sum of "
                          "/ntp/n_tokens (nats per predicted token)"},
                         {"bits_per_byte",
                          "sum of /ntp/nll_sum / ln 2 / UTF-8 bytes of the sentences (words joined "
                          "by single spaces, no prefix); empty without /sentences/text"},
                         {"nats_per_word", "sum of /ntp/nll_sum / the number of words"}};
  write_json(out + "/ntp.json", side);
  set.commit();
  return by_label;
}

std::map<std::string, NtpResult> read_ntp_scores(const std::string& out_dir) {
  const std::string path = out_dir + "/ntp.json";
  std::map<std::string, NtpResult> by_label;
  try {
    const nlohmann::json side = nlohmann::json::parse(read_whole_file(path));
    for (const nlohmann::json& m : side.at("models")) {
      if (!m.contains("loss"))
        throw InputError(path, "no scores (written by an older lmgaze: run the stage again)");
      NtpResult n;
      n.model_name = m.at("model_name").get<std::string>();
      n.nll_sum = m.at("nll_sum").get<double>();
      n.tokens = m.at("tokens").get<int64_t>();
      n.loss = number_or_nan(m.at("loss"));
      n.bytes = m.at("bytes").get<int64_t>();
      n.words = m.at("words").get<int64_t>();
      n.bits_per_byte = number_or_nan(m.at("bits_per_byte"));
      n.nats_per_word = number_or_nan(m.at("nats_per_word"));
      by_label[m.at("label").get<std::string>()] = n;
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not an ntp sidecar: ") + e.what());
  }
  return by_label;
}

}  // namespace lmgaze::analysis
