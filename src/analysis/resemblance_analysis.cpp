#include "analysis/resemblance_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <nlohmann/json.hpp>

#include "analysis/json_numbers.hpp"
#include "analysis/summary.hpp"
#include "analysis/table.hpp"
#include "common/error.hpp"
#include "common/read_file.hpp"
#include "common/strings.hpp"

namespace lmgaze::analysis {

namespace {

nlohmann::json scores_json(const ResemblanceScores& s) {
  return {{"best_layer", s.best_layer},
          {"best_mean_r2", number_or_null(s.best_mean_r2)},
          {"noise_ceiling", number_or_null(s.ceiling)},
          {"resemblance", number_or_null(s.resemblance)},
          {"cv_resemblance", number_or_null(s.cv_resemblance)}};
}

}  // namespace

ResemblanceScores resemblance_analysis(const ResemblanceAnalysisOptions& options, MPI_Comm comm,
                                       std::ostream& log) {
  const ResemblanceOptions& o = options.compute;
  const std::string& out = options.out_dir;
  const std::string& label = options.label;
  const ResemblanceResult r = run_resemblance(o, comm);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (rank != 0) return {};
  OutputSet set;  // the tables and sidecar appear together

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
    t->comment(options.command_line);
    t->comment("view " + o.view + ", cv folds " +
               (cv ? std::to_string(o.cv_folds) + " (sentence s in fold s mod K)" : "none") +
               ", excluded [" + join(o.exclude, ",") + "], noise ceiling " + ceiling_how);
  }
  int best = -1;
  std::vector<MeanSem> layer_r2, layer_cv;
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
    layer_r2.push_back(mean_sem(v));
    layer_cv.push_back(cv ? mean_sem(c) : MeanSem{});
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
  heads.comment(options.command_line);
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
      const MeanSem m = mean_sem(std::vector<double>(at, at + static_cast<long>(n)));
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
    boot.comment(options.command_line);
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
    // Every resample's value, for slopes across models (`stats fit --bootstrap`):
    // the resamples depend only on the seed and the reader list, so the tables of
    // several models with equal seed and readers fingerprint share them.
    Table reps({"model", "group", "resample", "seed", "readers", "best_mean_r2", "noise_ceiling",
                "resemblance"});
    reps.comment(options.command_line);
    reps.comment(
        "bootstrap over readers, one row per resample; readers = fingerprint of the "
        "ordered reader list (equal seed and readers: the same resamples)");
    const std::string fingerprint = readers_fingerprint(r.readers.subjects);
    const auto& replicates = r.replicates;
    for (size_t b = 0; b < replicates.size(); ++b)
      reps.add({label, o.group, Table::integer(static_cast<long long>(b)), std::to_string(o.seed),
                fingerprint, Table::num(replicates[b].best_mean_r2),
                Table::num(replicates[b].ceiling), Table::num(replicates[b].resemblance)});
    reps.write(out + "/resemblance_bootstrap_replicates.csv");
  }
  if (cv) {
    Table folds({"model", "group", "fold", "selected_layer"});
    Table cv_summary({"model", "group", "k", "mean_r2_cv", "cv_noise_ceiling", "cv_resemblance"});
    for (Table* t : {&folds, &cv_summary}) {
      t->comment(options.command_line);
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
  nlohmann::json side = sidecar_header("resemblance", size);
  side["command_line"] = options.command_line;
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
  ResemblanceScores scores;
  scores.best_layer = best;
  scores.ceiling = r.ceiling;
  scores.cv_resemblance = r.cv_resemblance;
  if (best >= 0) {
    scores.best_mean_r2 = layer_r2[static_cast<size_t>(best)].mean;
    scores.resemblance = scores.best_mean_r2 / r.ceiling;
  }
  side["scores"] = scores_json(scores);
  write_json(out + "/resemblance.json", side);
  set.commit();

  const auto precision = log.precision();

  log << std::setprecision(4) << "resemblance " << label << " vs " << o.group << " (" << n
      << " readers, " << r.n_layers << " layers): ";
  if (best >= 0)
    log << "best layer " << best << ", mean R² " << layer_r2[static_cast<size_t>(best)].mean
        << ", noise ceiling " << r.ceiling << " (" << ceiling_how << "), resemblance "
        << layer_r2[static_cast<size_t>(best)].mean / r.ceiling << "\n";
  else
    log << "no defined R²\n";
  if (o.bootstrap > 0 && best >= 0)
    log << "bootstrap (" << o.bootstrap << " resamples of readers, seed " << o.seed
        << "): resemblance 95% interval [" << r.resemblance_interval.low << ", "
        << r.resemblance_interval.high << "]\n";
  if (!ranked.empty()) {
    log << "top heads (mean R² on one head):";
    for (const Head& h : ranked) log << " L" << h.layer << "H" << h.head << " " << h.mean;
    log << "\n";
  }
  if (cv)
    log << "cross-validated (" << o.cv_folds << " folds, layer chosen inside each fold): "
        << "mean R²_cv " << r.cv_choice.mean_r2_cv.mean << ", cv noise ceiling " << r.cv_ceiling
        << ", cv resemblance " << r.cv_resemblance << "\n";
  if (!deficient.empty())
    log << "note: " << deficient.size()
        << " layer(s) have a rank-deficient head design (see resemblance.json)\n";
  if (r.readers.simulated) log << "note: the human data are SIMULATED\n";
  if (r.missing.reader_sentences > 0)
    log << "note: " << r.missing.reader_sentences << " reader-sentences (" << r.missing.pairs
        << " pairs) without data were left out\n";
  log << "time: io " << r.time.io << " s, arithmetic " << r.time.math << " s, reduce "
      << r.time.reduce << " s, solve " << r.time.solve << " s\n";
  log.precision(precision);
  return scores;
}

ResemblanceScores read_resemblance_scores(const std::string& out_dir) {
  const std::string path = out_dir + "/resemblance.json";
  nlohmann::json side;
  try {
    side = nlohmann::json::parse(read_whole_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not a resemblance sidecar: ") + e.what());
  }
  if (!side.contains("scores") || !side["scores"].is_object())
    throw InputError(path, "no \"scores\" (written by an older lmgaze: run the stage again)");
  const nlohmann::json& j = side["scores"];
  ResemblanceScores s;
  s.best_layer = j.value("best_layer", -1);
  s.best_mean_r2 = number_or_nan(j["best_mean_r2"]);
  s.ceiling = number_or_nan(j["noise_ceiling"]);
  s.resemblance = number_or_nan(j["resemblance"]);
  s.cv_resemblance = number_or_nan(j["cv_resemblance"]);
  return s;
}

}  // namespace lmgaze::analysis
