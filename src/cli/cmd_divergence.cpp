// lmgaze divergence: Jensen–Shannon divergence of two attention files,
// layer by layer or in parts (METHODS.md section 3; analysis/divergence.hpp).
//
//   DIR/divergence.csv          a, b, mode, index, sentence, js
//   DIR/divergence_summary.csv  a, b, mode, index, mean, sem, n
//   DIR/divergence.json         inputs, options, layers of each part, skipped rows
#include <mpi.h>

#include <iostream>

#include "analysis/divergence.hpp"
#include "analysis/inputs.hpp"
#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"

namespace lmgaze::cli {

int run_divergence(const Args& args) {
  const CommandSpec spec{
      "divergence", "divergence --a A.h5 --b B.h5 [--heads average|per-head] [--parts N] --out DIR",
      "Jensen-Shannon divergence (natural log) of two attention files over the same sentences:\n"
      "per sentence the mean over rows of JS(row of A, row of B), rows normalised by their own\n"
      "sum. Layer l vs layer l when the layer counts match; otherwise (or with --parts) each\n"
      "file's layers in N consecutive parts (numpy.array_split sizes), averaged over layers,\n"
      "then heads. --heads average: heads averaged before JS; per-head: JS per head, then the\n"
      "mean over heads. A row summing to zero in either file is left out of the mean."};
  po::options_description opts;
  opts.add_options()("a", po::value<std::string>()->required(),
                     "attention file A (lmgaze extract)")("b", po::value<std::string>()->required(),
                                                          "attention file B, same sentences")(
      "heads", po::value<std::string>()->default_value("average"), "average | per-head")(
      "parts", po::value<int>(),
      "compare N layer parts (forced); default: 4 parts only when "
      "the layer counts differ")("label-a", po::value<std::string>(),
                                 "name of A in the tables (default: file name)")(
      "label-b", po::value<std::string>(), "name of B in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  analysis::DivergenceOptions o;
  o.a_path = (*vm)["a"].as<std::string>();
  o.b_path = (*vm)["b"].as<std::string>();
  const std::string heads = (*vm)["heads"].as<std::string>();
  if (heads == "average")
    o.heads = analysis::HeadMode::kAverage;
  else if (heads == "per-head")
    o.heads = analysis::HeadMode::kPerHead;
  else
    throw InputError("lmgaze divergence: --heads must be average or per-head, not '" + heads + "'");
  if (vm->count("parts")) {
    o.parts = (*vm)["parts"].as<int>();
    o.force_parts = true;
  }
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string la =
      vm->count("label-a") ? (*vm)["label-a"].as<std::string>() : analysis::file_label(o.a_path);
  const std::string lb =
      vm->count("label-b") ? (*vm)["label-b"].as<std::string>() : analysis::file_label(o.b_path);

  const analysis::DivergenceResult r = analysis::run_divergence(o, MPI_COMM_WORLD);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != 0) return 0;
  analysis::OutputSet set;  // the tables and sidecar appear together

  using analysis::Table;
  const std::string how = "mode " + r.mode + ", heads " + heads +
                          (r.mode == "part" ? ", parts " + std::to_string(r.n_index()) : "");
  Table rows({"a", "b", "mode", "index", "sentence", "js"});
  Table summary({"a", "b", "mode", "index", "mean", "sem", "n"});
  for (Table* t : {&rows, &summary}) {
    t->comment(analysis::command_line(spec.name, args));
    t->comment(how);
  }
  nlohmann::json parts = nlohmann::json::array();
  for (size_t k = 0; k < r.n_index(); ++k) {
    std::vector<double> values(r.js.begin() + static_cast<long>(k * r.n_sentences),
                               r.js.begin() + static_cast<long>((k + 1) * r.n_sentences));
    for (size_t s = 0; s < r.n_sentences; ++s)
      rows.add({la, lb, r.mode, Table::integer(static_cast<long long>(k)),
                Table::integer(static_cast<long long>(s)), Table::num(values[s])});
    const analysis::MeanSem m = analysis::mean_sem(values);
    summary.add({la, lb, r.mode, Table::integer(static_cast<long long>(k)), Table::num(m.mean),
                 Table::num(m.sem), Table::integer(m.n)});
    parts.push_back({{"index", k},
                     {"a_layers", {r.a_layers[k].first, r.a_layers[k].second}},
                     {"b_layers", {r.b_layers[k].first, r.b_layers[k].second}},
                     {"rows_skipped", r.rows_skipped[k]}});
  }
  rows.write(out + "/divergence.csv");
  summary.write(out + "/divergence_summary.csv");
  nlohmann::json side = analysis::sidecar_header(spec.name, size);
  side["command_line"] = analysis::command_line(spec.name, args);
  side["a"] = {{"path", o.a_path}, {"label", la}, {"model_name", r.a_model}};
  side["b"] = {{"path", o.b_path}, {"label", lb}, {"model_name", r.b_model}};
  side["options"] = {{"mode", r.mode}, {"heads", heads}, {"parts_forced", o.force_parts}};
  side["indices"] = parts;
  side["definitions"] = {
      {"js",
       "natural log; each row divided by its own sum; 0 log 0 = 0; per sentence the mean "
       "over rows"},
      {"zero_rows",
       "a row summing to zero in A or B is left out of the sentence mean "
       "(rows_skipped); a sentence with no such row has no value"},
      {"parts",
       "consecutive parts, sizes differing by at most one, first parts longer "
       "(numpy.array_split); averaged over layers then heads"},
      {"sentence", "0-based position in the corpus (the files' /sentences order)"}};
  analysis::write_json(out + "/divergence.json", side);
  set.commit();
  std::cout << "divergence " << la << " vs " << lb << " (" << how << "): " << r.n_index()
            << " indices x " << r.n_sentences << " sentences -> " << out << "/divergence.csv\n";
  return 0;
}

}  // namespace lmgaze::cli
