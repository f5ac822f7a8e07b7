// lmgaze trivial: reliance on the trivial patterns FIRST, SELF, PREV of every
// model head or every reader (METHODS.md section 6; analysis/trivial.hpp).
//
//   DIR/trivial.csv          source, layer, head, subject, r2, coef_first, coef_self,
//                            coef_prev, intercept   (layer/head empty for readers,
//                            subject empty for heads)
//   DIR/trivial_summary.csv  source, layer, mean_r2, sem_r2, n   (per layer over heads;
//                            one row over readers, layer empty)
//   DIR/trivial.json         inputs and options
#include <mpi.h>

#include <iomanip>
#include <iostream>

#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "analysis/trivial.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"

namespace lmgaze::cli {

int run_trivial(const Args& args) {
  const CommandSpec spec{
      "trivial", "trivial (--model M.h5 | --human H.h5 --group G) --out DIR",
      "OLS (with intercept) of each model head's (or each reader's) tril matrices on the\n"
      "patterns FIRST (i,0), SELF (i,i) and PREV (i,i-1) over all sentences; R² is the\n"
      "reliance. A reader's sentences with NaN are left out of its fit."};
  po::options_description opts;
  opts.add_options()("model", po::value<std::string>(), "attention file: one row per head")(
      "human", po::value<std::string>(), "human store: one row per reader of --group")(
      "group", po::value<std::string>(), "reader group (with --human)")(
      "view", po::value<std::string>()->default_value("count"), "count | duration (--human)")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated subjects of the group to leave out (--human)")(
      "label", po::value<std::string>(), "model name in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  const bool model = vm->count("model") > 0, human = vm->count("human") > 0;
  if (model == human)
    throw InputError("lmgaze trivial: give either --model or --human (with --group)");
  if (human && !vm->count("group")) throw InputError("lmgaze trivial: --human needs --group");
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string view = (*vm)["view"].as<std::string>();
  const std::string exclude = (*vm)["exclude"].as<std::string>();

  analysis::TrivialResult r;
  std::string source, input;
  if (model) {
    input = (*vm)["model"].as<std::string>();
    source = vm->count("label") ? (*vm)["label"].as<std::string>() : analysis::file_label(input);
    r = analysis::run_trivial_model(input, MPI_COMM_WORLD);
  } else {
    input = (*vm)["human"].as<std::string>();
    source = (*vm)["group"].as<std::string>();
    r = analysis::run_trivial_human(input, source, view, analysis::split_list(exclude),
                                    MPI_COMM_WORLD);
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != 0) return 0;
  analysis::OutputSet set;  // the tables and sidecar appear together

  using analysis::Table;
  Table rows({"source", "layer", "head", "subject", "r2", "coef_first", "coef_self", "coef_prev",
              "intercept"});
  Table summary({"source", "layer", "mean_r2", "sem_r2", "n"});
  for (Table* t : {&rows, &summary}) {
    t->comment(analysis::command_line(spec.name, args));
    if (human) t->comment("view " + view + ", excluded [" + exclude + "]");
  }
  std::vector<double> layer_r2;
  auto flush_summary = [&](const std::string& layer) {
    const analysis::MeanSem m = analysis::mean_sem(layer_r2);
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

  nlohmann::json side = analysis::sidecar_header(spec.name, size);
  side["command_line"] = analysis::command_line(spec.name, args);
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
  analysis::write_json(out + "/trivial.json", side);
  set.commit();
  std::cout << std::setprecision(4) << "trivial-pattern reliance of " << source << ": "
            << r.rows.size() << (model ? " heads" : " readers") << " -> " << out
            << "/trivial.csv\n";
  if (human && r.readers.simulated) std::cout << "note: the human data are SIMULATED\n";
  if (deficient) std::cout << "note: " << deficient << " rank-deficient fit(s)\n";
  return 0;
}

}  // namespace lmgaze::cli
