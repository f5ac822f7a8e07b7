#include "report/study.hpp"

#include <cmath>
#include <filesystem>
#include <regex>

#include "common/error.hpp"
#include "stats/csv.hpp"

namespace lmgaze::report {

namespace fs = std::filesystem;
using stats::CsvRow;
using stats::CsvTable;

const TrivialSeries* Study::trivial_of(const std::string& model) const {
  for (const auto& t : trivial)
    if (t.model == model) return &t;
  return nullptr;
}

const NoiseCeiling* Study::ceiling_of(const std::string& store, const std::string& group) const {
  for (const auto& c : ceilings)
    if (c.store == store && c.group == group) return &c;
  return nullptr;
}

const ResemblanceSeries* Study::resemblance_of(const std::string& model, const std::string& store,
                                               const std::string& group) const {
  for (const auto& r : resemblance)
    if (r.model == model && r.store == store && r.group == group) return &r;
  return nullptr;
}

bool Study::simulated(const std::string& store) const {
  const HumanInfo* h = manifest.store(store);
  return h && h->simulated;
}

namespace {

// The CSV of a table entry: the first of `roles` listed, else the first .csv file.
std::string csv_of(const TableInfo& t, const std::vector<std::string>& roles) {
  std::string f = t.first_file(roles);
  if (!f.empty()) return f;
  for (const auto& [role, path] : t.files)
    if (fs::path(path).extension() == ".csv" && role != "points") return path;
  return "";
}

// Reads a listed table; InputError when the file is not there.
CsvTable load(const Manifest& m, const TableInfo& t, const std::string& path) {
  if (path.empty())
    throw InputError(m.path,
                     "stage " + t.stage + " lists no CSV file for its " + t.kind + " table");
  if (!fs::exists(path))
    throw InputError(path, "listed in the manifest as done (stage " + t.stage +
                               ") but not there; rerun `lmgaze run`");
  return stats::read_csv(path);
}

std::string text(const CsvTable& c, const CsvRow& r, const std::string& column) {
  return r.fields[c.column(column)];
}
double num(const CsvTable& c, const CsvRow& r, const std::string& column) {
  return c.number(r, c.column(column));
}
// A column that may be absent (NaN then).
double num_or_nan(const CsvTable& c, const CsvRow& r, const std::string& column) {
  return c.has_column(column) ? c.number(r, c.column(column)) : std::nan("");
}

bool is_integer(const std::string& s) {
  return !s.empty() && s.find_first_not_of("-0123456789") == std::string::npos;
}

// Mean and standard error of the mean of the finite values.
void mean_sem(const std::vector<double>& v, double* mean, double* sem, long* n) {
  double s = 0, ss = 0;
  long k = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      s += x;
      ++k;
    }
  *n = k;
  *mean = k ? s / k : std::nan("");
  for (double x : v)
    if (std::isfinite(x)) ss += (x - *mean) * (x - *mean);
  *sem = k > 1 ? std::sqrt(ss / (k - 1) / k) : std::nan("");
}

std::string comment_match(const CsvTable& c, const std::regex& re) {
  std::smatch m;
  for (const auto& line : c.comments)
    if (std::regex_search(line, m, re)) return m[1];
  return "";
}

// The part of a stage id after "kind/": "divergence/prefix.toy-m.noise" -> "prefix.toy-m.noise".
std::vector<std::string> stage_fields(const std::string& stage) {
  std::vector<std::string> out;
  const auto slash = stage.find('/');
  std::string rest = slash == std::string::npos ? stage : stage.substr(slash + 1);
  size_t start = 0;
  while (true) {
    const auto dot = rest.find('.', start);
    out.push_back(rest.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

void read_divergence(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"summary"}));
  DivergenceSeries d;
  d.file = c.path;
  const auto fields = stage_fields(t.stage);
  d.kind = t.field("divergence");
  if (d.kind.empty() && !fields.empty()) d.kind = fields[0];
  d.condition = t.field("condition");
  d.heads = t.field("heads");
  if (d.heads.empty()) d.heads = comment_match(c, std::regex("heads ([a-z-]+)"));
  for (const auto& r : c.rows) {
    if (d.a.empty()) {
      d.a = text(c, r, "a");
      d.b = text(c, r, "b");
      d.mode = text(c, r, "mode");
    }
    d.values.push_back(
        {static_cast<int>(num(c, r, "index")), num(c, r, "mean"), num_or_nan(c, r, "sem")});
  }
  if (!t.field("a").empty()) d.a = t.field("a");
  if (!t.field("b").empty()) d.b = t.field("b");
  if (d.kind == "prefix") {
    d.model = !t.model.empty() ? t.model : (fields.size() > 1 ? fields[1] : d.a);
    if (d.condition.empty() && fields.size() > 2) d.condition = fields[2];
    if (d.condition.empty()) {
      const auto dot = d.b.rfind('.');
      d.condition = dot == std::string::npos ? d.b : d.b.substr(dot + 1);
    }
    // The table's b names the file ("toy-m.instruction"); the model is a.
    if (d.a.find('.') != std::string::npos) d.a = d.a.substr(0, d.a.find('.'));
    d.b = d.model + " + " + d.condition + " prefix";
  } else {
    d.model = !t.model.empty() ? t.model : d.b;
  }
  s->divergence.push_back(std::move(d));
}

// resemblance_heads.csv: layer, head, mean_r2 (each reader on one head alone).
void read_heads(const CsvTable& c, ResemblanceSeries* r) {
  for (const auto& row : c.rows) {
    const std::string layer = text(c, row, "layer"), head = text(c, row, "head");
    if (!is_integer(layer) || !is_integer(head))
      throw InputError(c.path, row.line, "layer and head must be numbers");
    r->heads.push_back({std::stoi(layer), std::stoi(head), num(c, row, "mean_r2")});
  }
}

// resemblance_bootstrap.csv: the interval of each layer's mean R² and of the
// resemblance (layer "max"); resamples and seed as recorded.
void read_bootstrap(const CsvTable& c, ResemblanceSeries* r) {
  for (const auto& row : c.rows) {
    const std::string quantity = text(c, row, "quantity"), layer = text(c, row, "layer");
    const Interval interval{num(c, row, "low"), num(c, row, "high")};
    r->resamples = static_cast<long>(num(c, row, "resamples"));
    r->seed = text(c, row, "seed");
    if (quantity == "resemblance") {
      r->best.interval = interval;
    } else if (quantity == "mean_r2") {
      if (!is_integer(layer))
        throw InputError(c.path, row.line, "layer '" + layer + "' is not a number");
      for (auto& l : r->layers)
        if (l.layer == std::stoi(layer)) l.interval = interval;
    } else {
      throw InputError(c.path, row.line, "unknown quantity '" + quantity + "'");
    }
  }
}

// resemblance_cv_summary.csv (one row) and resemblance_cv_folds.csv (a row per fold).
void read_cv(const CsvTable& summary, const CsvTable* folds, CvResemblance* cv) {
  if (summary.rows.size() != 1)
    throw InputError(summary.path,
                     "expected one row, found " + std::to_string(summary.rows.size()));
  const CsvRow& r = summary.rows.front();
  cv->present = true;
  cv->k = static_cast<int>(num(summary, r, "k"));
  cv->mean_r2_cv = num(summary, r, "mean_r2_cv");
  cv->cv_noise_ceiling = num(summary, r, "cv_noise_ceiling");
  cv->cv_resemblance = num(summary, r, "cv_resemblance");
  if (!folds) return;
  for (const auto& row : folds->rows) {
    const std::string layer = text(*folds, row, "selected_layer");
    if (!layer.empty() && !is_integer(layer))
      throw InputError(folds->path, row.line, "selected_layer '" + layer + "' is not a number");
    cv->fold_layers.push_back(layer.empty() ? -1 : std::stoi(layer));
  }
}

void read_resemblance(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"summary"}));
  ResemblanceSeries r;
  r.file = c.path;
  r.store = t.store;
  for (const auto& row : c.rows) {
    if (r.model.empty()) {
      r.model = text(c, row, "model");
      r.group = text(c, row, "group");
    }
    ResemblanceRow v;
    const std::string layer = text(c, row, "layer");
    v.mean_r2 = num(c, row, "mean_r2");
    v.sem_r2 = num_or_nan(c, row, "sem_r2");
    v.mean_r2_cv = num_or_nan(c, row, "mean_r2_cv");
    v.noise_ceiling = num_or_nan(c, row, "noise_ceiling");
    v.resemblance = num_or_nan(c, row, "resemblance");
    if (layer == "max") {
      r.best = v;
      r.best.layer = -1;
    } else {
      if (!is_integer(layer))
        throw InputError(c.path, row.line, "layer '" + layer + "' is not a number");
      v.layer = std::stoi(layer);
      r.layers.push_back(v);
    }
  }
  if (!t.model.empty()) r.model = t.model;
  if (!t.group.empty()) r.group = t.group;
  if (r.layers.empty()) throw InputError(c.path, "no layers in the resemblance summary");
  // The best layer: the one the "max" row repeats (highest mean R²).
  int best = 0;
  for (size_t k = 1; k < r.layers.size(); ++k)
    if (r.layers[k].mean_r2 > r.layers[best].mean_r2) best = static_cast<int>(k);
  if (r.best.layer < 0 || r.best.mean_r2 == 0) r.best = r.layers[best];
  r.best.layer = r.layers[best].layer;
  if (!t.file("heads").empty()) read_heads(load(m, t, t.file("heads")), &r);
  if (!t.file("bootstrap").empty()) read_bootstrap(load(m, t, t.file("bootstrap")), &r);
  if (!t.file("cv_summary").empty()) {
    const CsvTable summary = load(m, t, t.file("cv_summary"));
    if (t.file("cv_folds").empty()) {
      read_cv(summary, nullptr, &r.cv);
    } else {
      const CsvTable folds = load(m, t, t.file("cv_folds"));
      read_cv(summary, &folds, &r.cv);
    }
  }
  s->resemblance.push_back(std::move(r));
}

void read_trivial_model(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"summary"}));
  TrivialSeries tr;
  tr.file = c.path;
  for (const auto& row : c.rows) {
    if (tr.model.empty()) tr.model = text(c, row, "source");
    const std::string layer = text(c, row, "layer");
    if (!is_integer(layer)) continue;
    tr.layers.push_back({std::stoi(layer), num(c, row, "mean_r2"), num_or_nan(c, row, "sem_r2")});
  }
  if (!t.model.empty()) tr.model = t.model;
  s->trivial.push_back(std::move(tr));
}

void read_trivial_human(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows"}));
  HumanReliance h;
  h.file = c.path;
  h.store = t.store;
  h.group = t.group;
  std::vector<double> values;
  for (const auto& row : c.rows) {
    if (h.group.empty()) h.group = text(c, row, "source");
    const double v = num(c, row, "r2");
    h.readers.emplace_back(text(c, row, "subject"), v);
    values.push_back(v);
  }
  mean_sem(values, &h.mean, &h.sem, &h.n);
  s->human_reliance.push_back(std::move(h));
}

void read_noise_ceiling(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows"}));
  NoiseCeiling nc;
  nc.store = t.store;
  nc.group = t.group;
  std::vector<double> values;
  for (const auto& row : c.rows) {
    if (nc.group.empty()) nc.group = text(c, row, "group");
    values.push_back(num(c, row, "r2"));
  }
  mean_sem(values, &nc.mean, &nc.sem, &nc.n);
  if (!t.file("split_half").empty()) {
    const CsvTable h = load(m, t, t.file("split_half"));
    if (h.rows.size() != 1)
      throw InputError(h.path, "expected one row, found " + std::to_string(h.rows.size()));
    const CsvRow& r = h.rows.front();
    nc.split_half = {true,
                     static_cast<long>(num(h, r, "n_readers")),
                     static_cast<long>(num(h, r, "splits")),
                     num(h, r, "r_half_mean"),
                     num(h, r, "reliability_mean"),
                     num_or_nan(h, r, "reliability_sd")};
  }
  s->ceilings.push_back(nc);
}

void read_stats_paired(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows", "table"}));
  TuningTest tt;
  tt.file = c.path;
  const auto fields = stage_fields(t.stage);  // tuning.<tuned>.<store>.<group>
  tt.tuned = !t.model.empty() ? t.model : (fields.size() > 1 ? fields[1] : "");
  tt.base = t.field("base");
  if (tt.base.empty())
    if (const ModelInfo* mi = m.model(tt.tuned)) tt.base = mi->base;
  tt.store = !t.store.empty() ? t.store : (fields.size() > 2 ? fields[2] : "");
  tt.group = !t.group.empty() ? t.group : (fields.size() > 3 ? fields[3] : "");
  tt.value = comment_match(c, std::regex("--value ([A-Za-z0-9_]+)"));
  if (tt.value.empty()) tt.value = "r2";
  const std::string alpha = comment_match(c, std::regex("--alpha ([0-9.eE+-]+)"));
  if (!alpha.empty()) tt.alpha = std::stod(alpha);
  for (const auto& row : c.rows) {
    TuningLayer l;
    l.layer = text(c, row, "layer");
    l.n = static_cast<long>(num(c, row, "n"));
    l.mean_a = num(c, row, "mean_a");
    l.mean_b = num(c, row, "mean_b");
    l.mean_diff = num(c, row, "mean_diff");
    l.t = num(c, row, "t");
    l.df = num(c, row, "df");
    l.p = num(c, row, "p");
    l.p_bonferroni = num_or_nan(c, row, "p_bonferroni");
    l.significant = num(c, row, "significant") != 0;
    if (l.significant) (l.mean_diff > 0 ? tt.higher : tt.lower) += 1;
    tt.layers.push_back(l);
  }
  s->tuning.push_back(std::move(tt));
}

void read_stats_groups(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows", "table"}));
  GroupTest g;
  g.file = c.path;
  const auto fields = stage_fields(t.stage);  // trivial_groups.<store>.<a>.<b>
  g.store = !t.store.empty() ? t.store : (fields.size() > 1 ? fields[1] : "");
  g.a = !t.field("a").empty() ? t.field("a") : (fields.size() > 2 ? fields[2] : "a");
  g.b = !t.field("b").empty() ? t.field("b") : (fields.size() > 3 ? fields[3] : "b");
  g.header = c.header;
  const CsvRow* chosen = nullptr;
  for (const auto& row : c.rows) {
    g.rows.push_back(row.fields);
    if (text(c, row, "test") == "permutation") {
      g.permutation_p = num(c, row, "p");
      continue;
    }
    if (!chosen || text(c, row, "test") == "welch") chosen = &row;
  }
  if (!chosen) throw InputError(c.path, "no test in the table");
  g.test = text(c, *chosen, "test");
  g.n_a = static_cast<long>(num(c, *chosen, "n_a"));
  g.n_b = static_cast<long>(num(c, *chosen, "n_b"));
  g.mean_a = num(c, *chosen, "mean_a");
  g.mean_b = num(c, *chosen, "mean_b");
  g.mean_diff = num(c, *chosen, "mean_diff");
  g.t = num(c, *chosen, "t");
  g.df = num(c, *chosen, "df");
  g.p = num(c, *chosen, "p");
  s->group_tests.push_back(std::move(g));
}

void read_stats_fit(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows", "table", "fit"}));
  if (c.rows.empty()) throw InputError(c.path, "no fit in the table");
  const CsvRow& r = c.rows.front();
  Fit f;
  f.file = c.path;
  const auto fields = stage_fields(t.stage);  // scaling.<store>.<group> | ntp.<store>.<group>
  f.what = t.field("what");
  if (f.what.empty() && !fields.empty()) f.what = fields[0];
  f.store = !t.store.empty() ? t.store : (fields.size() > 1 ? fields[1] : "");
  f.group = !t.group.empty() ? t.group : (fields.size() > 2 ? fields[2] : "");
  f.x = text(c, r, "x");
  f.y = text(c, r, "y");
  f.n = static_cast<long>(num(c, r, "n"));
  f.slope = num(c, r, "slope");
  f.slope_se = num_or_nan(c, r, "slope_se");
  f.intercept = num(c, r, "intercept");
  f.r = num(c, r, "r");
  f.r_squared = num_or_nan(c, r, "r_squared");
  f.t = num(c, r, "t");
  f.df = num(c, r, "df");
  f.p = num(c, r, "p");
  if (c.has_column("slope_low")) {
    f.slope_interval = {num(c, r, "slope_low"), num(c, r, "slope_high")};
    f.resamples = static_cast<long>(num(c, r, "resamples"));
    f.seed = text(c, r, "seed");
  }
  const std::string points = t.file("points");
  if (!points.empty() && fs::exists(points)) {
    const CsvTable pc = stats::read_csv(points);
    const bool named = pc.has_column("model");
    for (const auto& row : pc.rows)
      f.points.push_back(
          {named ? text(pc, row, "model") : "", num(pc, row, f.x), num(pc, row, f.y)});
  }
  s->fits.push_back(std::move(f));
}

void read_ntp(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows", "table"}));
  for (const auto& row : c.rows) {
    NtpRow n{text(c, row, "model"), num(c, row, "loss"),
             c.has_column("tokens") ? static_cast<long>(num(c, row, "tokens")) : 0};
    // Older tables lack the columns; a file without its text leaves them empty.
    if (c.has_column("bits_per_byte") && !text(c, row, "bits_per_byte").empty())
      n.bits_per_byte = num(c, row, "bits_per_byte");
    if (c.has_column("nats_per_word") && !text(c, row, "nats_per_word").empty())
      n.nats_per_word = num(c, row, "nats_per_word");
    s->ntp.push_back(n);
  }
}

void read_agreement(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"rows", "table"}));
  Agreement a;
  a.file = c.path;
  const auto fields = stage_fields(t.stage);
  a.store = !t.store.empty() ? t.store : (fields.size() > 0 ? fields[0] : "");
  a.a = !t.field("a").empty() ? t.field("a") : (fields.size() > 1 ? fields[1] : "");
  a.b = !t.field("b").empty() ? t.field("b") : (fields.size() > 2 ? fields[2] : "");
  a.header = c.header;
  for (const auto& row : c.rows) a.rows.push_back(row.fields);
  s->agreement.push_back(std::move(a));
}

void read_pca(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"summary"}));
  for (const auto& row : c.rows) {
    PcaResemblance p;
    p.file = c.path;
    p.model = !t.model.empty() ? t.model : text(c, row, "model");
    p.store = t.store;
    p.group = !t.group.empty() ? t.group : text(c, row, "group");
    p.k = static_cast<long>(num(c, row, "k"));
    p.folds = static_cast<long>(num(c, row, "folds"));
    p.mean_r2_cv = num(c, row, "mean_r2_cv");
    p.cv_noise_ceiling = num(c, row, "cv_noise_ceiling");
    p.resemblance = num(c, row, "pca_cv_resemblance");
    s->pca.push_back(p);
  }
}

void read_measure(const Manifest& m, const TableInfo& t, Study* s) {
  const CsvTable c = load(m, t, csv_of(t, {"summary"}));
  MeasureSeries ms;
  ms.file = c.path;
  ms.model = t.model;
  ms.store = t.store;
  ms.group = t.group;
  ms.measure = t.field("measure");
  for (const auto& row : c.rows) {
    if (ms.model.empty()) ms.model = text(c, row, "model");
    if (ms.group.empty()) ms.group = text(c, row, "group");
    if (ms.measure.empty()) ms.measure = text(c, row, "measure");
    const std::string layer = text(c, row, "layer");
    if (!is_integer(layer))
      throw InputError(c.path, row.line, "layer '" + layer + "' is not a number");
    ms.layers.push_back({std::stoi(layer), static_cast<long>(num(c, row, "readers")),
                         num(c, row, "mean_r2"), num_or_nan(c, row, "mean_r2_cv")});
  }
  if (ms.layers.empty()) throw InputError(c.path, "no layers in the reading-measure summary");
  s->measures.push_back(std::move(ms));
}

}  // namespace

Study read_study(const Manifest& manifest) {
  Study s;
  s.manifest = manifest;
  for (const auto& t : manifest.tables) {
    if (!t.done) {
      s.missing.push_back(t.stage.empty() ? t.kind : t.stage);
      continue;
    }
    if (t.kind == "divergence")
      read_divergence(manifest, t, &s);
    else if (t.kind == "resemblance")
      read_resemblance(manifest, t, &s);
    else if (t.kind == "trivial_model")
      read_trivial_model(manifest, t, &s);
    else if (t.kind == "trivial_human")
      read_trivial_human(manifest, t, &s);
    else if (t.kind == "noise_ceiling")
      read_noise_ceiling(manifest, t, &s);
    else if (t.kind == "stats_paired")
      read_stats_paired(manifest, t, &s);
    else if (t.kind == "stats_groups")
      read_stats_groups(manifest, t, &s);
    else if (t.kind == "stats_fit")
      read_stats_fit(manifest, t, &s);
    else if (t.kind == "ntp")
      read_ntp(manifest, t, &s);
    else if (t.kind == "agreement")
      read_agreement(manifest, t, &s);
    else if (t.kind == "resemblance_pca")
      read_pca(manifest, t, &s);
    else if (t.kind == "resemblance_measure")
      read_measure(manifest, t, &s);
    // Other kinds (added later) are listed in the manifest but not drawn.
  }
  return s;
}

}  // namespace lmgaze::report
