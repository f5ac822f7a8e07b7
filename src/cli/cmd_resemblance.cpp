// lmgaze resemblance: per layer and reader, R² of the reader's saccade
// matrices regressed on the layer's heads (METHODS.md section 5;
// analysis/resemblance.hpp).
//
//   DIR/resemblance.csv          model, group, layer, subject, r2, r2_cv
//   DIR/resemblance_summary.csv  model, group, layer, mean_r2, sem_r2, mean_r2_cv,
//                                noise_ceiling, resemblance; last row layer = max
//                                (the layer with the highest mean_r2)
//   DIR/resemblance.json         inputs, options, best layer, rank deficiency,
//                                missing data, timing
//   DIR/resemblance_heads.csv    model, group, layer, head, mean_r2, sem_r2: each reader
//                                on one head alone (per-head resemblance)
// With --bootstrap B (resamples of readers, percentile 95% intervals):
//   DIR/resemblance_bootstrap.csv  model, group, quantity (mean_r2 | resemblance), layer,
//                                  estimate, low, high, resamples, seed
// With --cv K (METHODS.md 10, the layer chosen inside the folds):
//   DIR/resemblance_cv_folds.csv    model, group, fold, selected_layer
//   DIR/resemblance_cv_summary.csv  model, group, k, mean_r2_cv, cv_noise_ceiling,
//                                   cv_resemblance
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "analysis/resemblance.hpp"
#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "common/error.hpp"

namespace lmgaze::cli {

int run_resemblance(const Args& args) {
  const CommandSpec spec{
      "resemblance",
      "resemblance --model M.h5 --human H.h5 --group G [--cv K] [--exclude S,..] --out DIR",
      "For every layer and reader: OLS (with intercept) of the reader's tril saccade matrices\n"
      "on the layer's heads over all sentences, R² in sample; with --cv K also a cross-\n"
      "validated R² (sentence s in fold s mod K; 1 - sum of held-out SSE / sum of squares about\n"
      "each fold's training mean). A reader's sentences with NaN are left out of its fit.\n"
      "Resemblance = mean R² of a layer / the group's noise ceiling (mean over readers of the\n"
      "R² of the reader on the group mean), or the ceiling given with --ceiling.\n"
      "With --cv K also the cross-validated resemblance (METHODS.md 10): in each fold the layer\n"
      "with the best training R² is chosen and scored on the held-out sentences; divided by the\n"
      "cross-validated ceiling (each reader on the group mean without that reader)."};
  po::options_description opts;
  opts.add_options()("model", po::value<std::string>()->required(), "attention file")(
      "human", po::value<std::string>()->required(), "human store (lmgaze human import)")(
      "group", po::value<std::string>()->required(), "reader group, e.g. L1")(
      "view", po::value<std::string>()->default_value("count"), "count | duration")(
      "exclude", po::value<std::string>()->default_value(""),
      "comma-separated subjects of the group to leave out")(
      "cv", po::value<int>()->default_value(0), "K >= 2: also cross-validated R² with K folds")(
      "bootstrap", po::value<int>()->default_value(0),
      "B >= 1: 95% percentile intervals over B resamples of readers (1000 is usual)")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the bootstrap resamples")(
      "ceiling", po::value<double>(), "use this noise ceiling instead of computing it")(
      "ceiling-leave-one-out", po::bool_switch(),
      "computed ceiling: group mean without the reader itself (default: with it)")(
      "label", po::value<std::string>(), "model name in the tables (default: file name)")(
      "out", po::value<std::string>()->required(), "output directory");
  const auto vm = parse_options(spec, opts, args);
  if (!vm) return 0;
  analysis::ResemblanceOptions o;
  o.model_path = (*vm)["model"].as<std::string>();
  o.human_path = (*vm)["human"].as<std::string>();
  o.group = (*vm)["group"].as<std::string>();
  o.view = (*vm)["view"].as<std::string>();
  o.exclude = analysis::split_list((*vm)["exclude"].as<std::string>());
  o.cv_folds = (*vm)["cv"].as<int>();
  o.bootstrap = (*vm)["bootstrap"].as<int>();
  if (o.bootstrap < 0) throw InputError("lmgaze resemblance: --bootstrap must be at least 1");
  o.seed = (*vm)["seed"].as<uint64_t>();
  if (vm->count("ceiling")) {
    o.ceiling = (*vm)["ceiling"].as<double>();
    if (!(o.ceiling > 0 && o.ceiling <= 1))
      throw InputError("lmgaze resemblance: --ceiling must be in (0, 1]");
  }
  o.ceiling_leave_one_out = (*vm)["ceiling-leave-one-out"].as<bool>();
  const std::string out = (*vm)["out"].as<std::string>();
  const std::string label =
      vm->count("label") ? (*vm)["label"].as<std::string>() : analysis::file_label(o.model_path);

  const analysis::ResemblanceResult r = analysis::run_resemblance(o, MPI_COMM_WORLD);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank != 0) return 0;

  using analysis::Table;
  const size_t n = r.readers.subjects.size();
  const bool cv = !r.r2_cv.empty();
  const std::string ceiling_how =
      r.ceiling_source == "computed"
          ? std::string("computed, group mean ") +
                (o.ceiling_leave_one_out ? "without the reader" : "including the reader")
          : r.ceiling_source;
  Table rows({"model", "group", "layer", "subject", "r2", "r2_cv"});
  Table summary({"model", "group", "layer", "mean_r2", "sem_r2", "mean_r2_cv", "noise_ceiling",
                 "resemblance"});
  for (Table* t : {&rows, &summary}) {
    t->comment(analysis::command_line(spec.name, args));
    t->comment("view " + o.view + ", cv folds " +
               (cv ? std::to_string(o.cv_folds) + " (sentence s in fold s mod K)" : "none") +
               ", excluded [" + (*vm)["exclude"].as<std::string>() + "], noise ceiling " +
               ceiling_how);
  }
  int best = -1;
  std::vector<analysis::MeanSem> layer_r2, layer_cv;
  for (int l = 0; l < r.n_layers; ++l) {
    const auto at = r.r2.begin() + static_cast<long>(static_cast<size_t>(l) * n);
    const std::vector<double> v(at, at + static_cast<long>(n));
    std::vector<double> c;
    if (cv) {
      const auto cat = r.r2_cv.begin() + static_cast<long>(static_cast<size_t>(l) * n);
      c.assign(cat, cat + static_cast<long>(n));
    }
    for (size_t k = 0; k < n; ++k)
      rows.add({label, o.group, Table::integer(l), r.readers.subjects[k], Table::num(v[k]),
                cv ? Table::num(c[k]) : ""});
    layer_r2.push_back(analysis::mean_sem(v));
    layer_cv.push_back(cv ? analysis::mean_sem(c) : analysis::MeanSem{});
    if (!std::isnan(layer_r2.back().mean) &&
        (best < 0 || layer_r2.back().mean > layer_r2[static_cast<size_t>(best)].mean))
      best = l;
  }
  auto summary_row = [&](const std::string& layer, int l) {
    const auto& m = layer_r2[static_cast<size_t>(l)];
    summary.add({label, o.group, layer, Table::num(m.mean), Table::num(m.sem),
                 cv ? Table::num(layer_cv[static_cast<size_t>(l)].mean) : "", Table::num(r.ceiling),
                 Table::num(m.mean / r.ceiling)});
  };
  for (int l = 0; l < r.n_layers; ++l) summary_row(std::to_string(l), l);
  if (best >= 0) summary_row("max", best);
  rows.write(out + "/resemblance.csv");
  summary.write(out + "/resemblance_summary.csv");
  // Per-head resemblance: mean over readers of R² on one head alone.
  Table heads({"model", "group", "layer", "head", "mean_r2", "sem_r2"});
  heads.comment(analysis::command_line(spec.name, args));
  heads.comment("per head: OLS with intercept of each reader on that head alone, in sample");
  struct Head {
    int layer, head;
    double mean;
  };
  std::vector<Head> ranked;
  for (int l = 0; l < r.n_layers; ++l)
    for (int h = 0; h < r.n_heads; ++h) {
      const auto at =
          r.head_r2.begin() + static_cast<long>((static_cast<size_t>(l) * r.n_heads + h) * n);
      const analysis::MeanSem m =
          analysis::mean_sem(std::vector<double>(at, at + static_cast<long>(n)));
      heads.add({label, o.group, Table::integer(l), Table::integer(h), Table::num(m.mean),
                 Table::num(m.sem)});
      if (!std::isnan(m.mean)) ranked.push_back({l, h, m.mean});
    }
  heads.write(out + "/resemblance_heads.csv");
  std::sort(ranked.begin(), ranked.end(), [](const Head& a, const Head& b) {
    return a.mean > b.mean ||
           (a.mean == b.mean && (a.layer < b.layer || (a.layer == b.layer && a.head < b.head)));
  });
  if (ranked.size() > 5) ranked.resize(5);
  if (o.bootstrap > 0) {
    Table boot(
        {"model", "group", "quantity", "layer", "estimate", "low", "high", "resamples", "seed"});
    boot.comment(analysis::command_line(spec.name, args));
    boot.comment(
        "bootstrap over readers, 95% percentile intervals; a computed ceiling is "
        "resampled with the readers (each reader's R² on the full group mean)");
    for (int l = 0; l < r.n_layers; ++l) {
      const auto& i = r.layer_r2_interval[static_cast<size_t>(l)];
      boot.add({label, o.group, "mean_r2", Table::integer(l),
                Table::num(layer_r2[static_cast<size_t>(l)].mean), Table::num(i.low),
                Table::num(i.high), Table::integer(o.bootstrap), std::to_string(o.seed)});
    }
    if (best >= 0)
      boot.add({label, o.group, "resemblance", "max",
                Table::num(layer_r2[static_cast<size_t>(best)].mean / r.ceiling),
                Table::num(r.resemblance_interval.low), Table::num(r.resemblance_interval.high),
                Table::integer(o.bootstrap), std::to_string(o.seed)});
    boot.write(out + "/resemblance_bootstrap.csv");
  }
  if (cv) {
    Table folds({"model", "group", "fold", "selected_layer"});
    Table cv_summary({"model", "group", "k", "mean_r2_cv", "cv_noise_ceiling", "cv_resemblance"});
    for (Table* t : {&folds, &cv_summary}) {
      t->comment(analysis::command_line(spec.name, args));
      t->comment("cross-validated, layer chosen inside each fold (sentence s in fold s mod " +
                 std::to_string(o.cv_folds) +
                 "); ceiling: reader on the group mean without the reader, same folds");
    }
    for (size_t k = 0; k < r.cv_choice.layer_of_fold.size(); ++k)
      folds.add(
          {label, o.group, Table::integer(static_cast<long long>(k)),
           r.cv_choice.layer_of_fold[k] < 0 ? "" : Table::integer(r.cv_choice.layer_of_fold[k])});
    cv_summary.add({label, o.group, Table::integer(o.cv_folds),
                    Table::num(r.cv_choice.mean_r2_cv.mean), Table::num(r.cv_ceiling),
                    Table::num(r.cv_resemblance)});
    folds.write(out + "/resemblance_cv_folds.csv");
    cv_summary.write(out + "/resemblance_cv_summary.csv");
  }

  nlohmann::json deficient = nlohmann::json::array();
  for (int l = 0; l < r.n_layers; ++l)
    if (r.min_rank[static_cast<size_t>(l)] < r.n_heads)
      deficient.push_back({{"layer", l}, {"rank", r.min_rank[static_cast<size_t>(l)]}});
  nlohmann::json side = analysis::sidecar_header(spec.name, size);
  side["command_line"] = analysis::command_line(spec.name, args);
  side["model"] = {{"path", o.model_path},
                   {"label", label},
                   {"model_name", r.model_name},
                   {"n_layers", r.n_layers},
                   {"n_heads", r.n_heads}};
  side["human"] = {{"path", o.human_path},
                   {"group", o.group},
                   {"view", o.view},
                   {"subjects", r.readers.subjects},
                   {"simulated", r.readers.simulated},
                   {"excluded_in_store", r.readers.store_excluded},
                   {"excluded_here", r.readers.excluded}};
  side["options"] = {{"cv_folds", o.cv_folds}, {"ceiling", ceiling_how}};
  side["best_layer"] = best;
  side["top_heads"] = nlohmann::json::array();
  for (const Head& h : ranked)
    side["top_heads"].push_back({{"layer", h.layer}, {"head", h.head}, {"mean_r2", h.mean}});
  if (o.bootstrap > 0)
    side["bootstrap"] = {{"resamples", o.bootstrap},
                         {"seed", o.seed},
                         {"resemblance_low", r.resemblance_interval.low},
                         {"resemblance_high", r.resemblance_interval.high}};
  if (cv)
    side["cross_validated"] = {{"k", o.cv_folds},
                               {"selected_layer_of_fold", r.cv_choice.layer_of_fold},
                               {"subjects", r.readers.subjects},
                               {"r2_cv", r.cv_choice.r2_cv},
                               {"mean_r2_cv", r.cv_choice.mean_r2_cv.mean},
                               {"cv_noise_ceiling", r.cv_ceiling},
                               {"cv_resemblance", r.cv_resemblance}};
  side["noise_ceiling"] = {{"value", r.ceiling}, {"source", ceiling_how}};
  if (r.ceiling_source == "computed") side["noise_ceiling"]["sem"] = r.ceiling_detail.ceiling.sem;
  side["rank_deficient_layers"] = deficient;
  side["missing"] = {{"reader_sentences", r.missing.reader_sentences}, {"pairs", r.missing.pairs}};
  side["seconds"] = {{"io", r.time.io},
                     {"arithmetic", r.time.math},
                     {"reduce", r.time.reduce},
                     {"solve", r.time.solve}};
  side["definitions"] = {
      {"r2", "OLS with intercept of tril(S_r) on the heads' tril(W[l][h]), in sample"},
      {"r2_cv",
       "sentence s in fold s mod K; 1 - sum_f SSE_f / sum_f sum_{i in f} "
       "(y_i - training mean of fold f)^2"},
      {"missing", "a reader's sentence with any NaN is left out of that reader's regressions"},
      {"rank",
       "numerical rank of the centred, unit-scaled head design; constant or collinear "
       "heads lower it and get coefficient 0, R² unaffected"},
      {"cv_resemblance",
       "METHODS.md 10: per fold the layer with the highest mean training R², each reader "
       "scored on the held-out fold at that layer, R²_cv = 1 - sum SSE / sum SST; divided by "
       "the same held-out R² of the reader on the leave-one-out group mean"},
      {"max_row",
       "the summary row with layer = max repeats the layer with the highest mean_r2 "
       "(best_layer here)"}};
  analysis::write_json(out + "/resemblance.json", side);

  std::cout << std::setprecision(4) << "resemblance " << label << " vs " << o.group << " (" << n
            << " readers, " << r.n_layers << " layers): ";
  if (best >= 0)
    std::cout << "best layer " << best << ", mean R² " << layer_r2[static_cast<size_t>(best)].mean
              << ", noise ceiling " << r.ceiling << " (" << ceiling_how << "), resemblance "
              << layer_r2[static_cast<size_t>(best)].mean / r.ceiling << "\n";
  else
    std::cout << "no defined R²\n";
  if (o.bootstrap > 0 && best >= 0)
    std::cout << "bootstrap (" << o.bootstrap << " resamples of readers, seed " << o.seed
              << "): resemblance 95% interval [" << r.resemblance_interval.low << ", "
              << r.resemblance_interval.high << "]\n";
  if (!ranked.empty()) {
    std::cout << "top heads (mean R² on one head):";
    for (const Head& h : ranked) std::cout << " L" << h.layer << "H" << h.head << " " << h.mean;
    std::cout << "\n";
  }
  if (cv)
    std::cout << "cross-validated (" << o.cv_folds << " folds, layer chosen inside each fold): "
              << "mean R²_cv " << r.cv_choice.mean_r2_cv.mean << ", cv noise ceiling "
              << r.cv_ceiling << ", cv resemblance " << r.cv_resemblance << "\n";
  if (!deficient.empty())
    std::cout << "note: " << deficient.size()
              << " layer(s) have a rank-deficient head design (see resemblance.json)\n";
  if (r.readers.simulated) std::cout << "note: the human data are SIMULATED\n";
  if (r.missing.reader_sentences > 0)
    std::cout << "note: " << r.missing.reader_sentences << " reader-sentences (" << r.missing.pairs
              << " pairs) without data were left out\n";
  std::cout << "time: io " << r.time.io << " s, arithmetic " << r.time.math << " s, reduce "
            << r.time.reduce << " s, solve " << r.time.solve << " s\n";
  return 0;
}

}  // namespace lmgaze::cli
