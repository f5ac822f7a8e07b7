#include "analysis/divergence_analysis.hpp"

#include <nlohmann/json.hpp>

#include "analysis/summary.hpp"
#include "analysis/table.hpp"

namespace lmgaze::analysis {

void divergence_analysis(const DivergenceAnalysisOptions& options, MPI_Comm comm,
                         std::ostream& log) {
  const DivergenceOptions& o = options.compute;
  const std::string &la = options.label_a, &lb = options.label_b, &out = options.out_dir;
  const std::string heads = o.heads == HeadMode::kPerHead ? "per-head" : "average";
  const DivergenceResult r = run_divergence(o, comm);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (rank != 0) return;
  OutputSet set;  // the tables and sidecar appear together

  const std::string how = "mode " + r.mode + ", heads " + heads +
                          (r.mode == "part" ? ", parts " + std::to_string(r.n_index()) : "");
  Table rows({"a", "b", "mode", "index", "sentence", "js"});
  Table summary({"a", "b", "mode", "index", "mean", "sem", "n"});
  for (Table* t : {&rows, &summary}) {
    t->comment(options.command_line);
    t->comment(how);
  }
  nlohmann::json parts = nlohmann::json::array();
  for (size_t k = 0; k < r.n_index(); ++k) {
    std::vector<double> values(r.js.begin() + static_cast<long>(k * r.n_sentences),
                               r.js.begin() + static_cast<long>((k + 1) * r.n_sentences));
    for (size_t s = 0; s < r.n_sentences; ++s)
      rows.add({la, lb, r.mode, Table::integer(static_cast<long long>(k)),
                Table::integer(static_cast<long long>(s)), Table::num(values[s])});
    const MeanSem m = mean_sem(values);
    summary.add({la, lb, r.mode, Table::integer(static_cast<long long>(k)), Table::num(m.mean),
                 Table::num(m.sem), Table::integer(m.n)});
    parts.push_back({{"index", k},
                     {"a_layers", {r.a_layers[k].first, r.a_layers[k].second}},
                     {"b_layers", {r.b_layers[k].first, r.b_layers[k].second}},
                     {"rows_skipped", r.rows_skipped[k]}});
  }
  rows.write(out + "/divergence.csv");
  summary.write(out + "/divergence_summary.csv");
  nlohmann::json side = sidecar_header("divergence", size);
  side["command_line"] = options.command_line;
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
  write_json(out + "/divergence.json", side);
  set.commit();
  log << "divergence " << la << " vs " << lb << " (" << how << "): " << r.n_index() << " indices x "
      << r.n_sentences << " sentences -> " << out << "/divergence.csv\n";
}

}  // namespace lmgaze::analysis
