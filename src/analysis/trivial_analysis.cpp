#include "analysis/trivial_analysis.hpp"

#include <iomanip>
#include <nlohmann/json.hpp>

#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "common/strings.hpp"

namespace lmgaze::analysis {

void trivial_analysis(const TrivialAnalysisOptions& options, MPI_Comm comm, std::ostream& log) {
  const bool model = !options.model_path.empty();
  const bool human = !model;
  const std::string& out = options.out_dir;
  const std::string& view = options.view;
  const std::string exclude = join(options.exclude, ",");
  TrivialResult r;
  std::string source, input;
  if (model) {
    input = options.model_path;
    source = options.label;
    r = run_trivial_model(input, comm);
  } else {
    input = options.human_path;
    source = options.group;
    r = run_trivial_human(input, source, view, options.exclude, comm);
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (rank != 0) return;
  OutputSet set;  // the tables and sidecar appear together

  Table rows({"source", "layer", "head", "subject", "r2", "coef_first", "coef_self", "coef_prev",
              "intercept"});
  Table summary({"source", "layer", "mean_r2", "sem_r2", "n"});
  for (Table* t : {&rows, &summary}) {
    t->comment(options.command_line);
    if (human) t->comment("view " + view + ", excluded [" + exclude + "]");
  }
  std::vector<double> layer_r2;
  auto flush_summary = [&](const std::string& layer) {
    const MeanSem m = mean_sem(layer_r2);
    summary.add({source, layer, Table::num(m.mean), Table::num(m.sem), Table::integer(m.n)});
    layer_r2.clear();
  };
  int deficient = 0;
  for (const auto& row : r.rows) {
    const auto& f = row.fit;
    deficient += f.rank_deficient() ? 1 : 0;
    rows.add({source, row.layer >= 0 ? Table::integer(row.layer) : "",
              row.head >= 0 ? Table::integer(row.head) : "",
              row.subject >= 0 ? r.readers.subjects[static_cast<size_t>(row.subject)] : "",
              Table::num(f.r2), Table::num(f.coef(0)), Table::num(f.coef(1)), Table::num(f.coef(2)),
              Table::num(f.intercept)});
    layer_r2.push_back(f.r2);
    if (model && row.head == r.n_heads - 1) flush_summary(Table::integer(row.layer));
  }
  if (human) flush_summary("");
  rows.write(out + "/trivial.csv");
  summary.write(out + "/trivial_summary.csv");

  nlohmann::json side = sidecar_header("trivial", size);
  side["command_line"] = options.command_line;
  if (model)
    side["model"] = {{"path", input},
                     {"label", source},
                     {"model_name", r.model_name},
                     {"n_layers", r.n_layers},
                     {"n_heads", r.n_heads}};
  else
    side["human"] = {{"path", input},
                     {"group", source},
                     {"view", view},
                     {"subjects", r.readers.subjects},
                     {"simulated", r.readers.simulated},
                     {"excluded_in_store", r.readers.store_excluded},
                     {"excluded_here", r.readers.excluded},
                     {"missing_reader_sentences", r.missing.reader_sentences},
                     {"missing_pairs", r.missing.pairs}};
  side["rank_deficient_fits"] = deficient;
  side["definitions"] = {
      {"patterns",
       "FIRST[i][0] = 1, SELF[i][i] = 1, PREV[i][i-1] = 1 on the tril of each "
       "sentence (row 0: FIRST and SELF coincide)"},
      {"r2", "OLS with intercept of the target's tril on the three patterns, in sample"},
      {"missing", "a reader's sentence with any NaN is left out of that reader's fit"}};
  write_json(out + "/trivial.json", side);
  set.commit();
  log << std::setprecision(4) << "trivial-pattern reliance of " << source << ": " << r.rows.size()
      << (model ? " heads" : " readers") << " -> " << out << "/trivial.csv\n";
  if (human && r.readers.simulated) log << "note: the human data are SIMULATED\n";
  if (deficient) log << "note: " << deficient << " rank-deficient fit(s)\n";
}

}  // namespace lmgaze::analysis
