#include "report/report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>

#include "common/error.hpp"
#include "lmgaze_version.hpp"
#include "report/claims.hpp"
#include "report/companions.hpp"
#include "report/figures.hpp"
#include "report/gnuplot.hpp"
#include "report/manifest.hpp"
#include "report/study.hpp"
#include "report/tables.hpp"

namespace lmgaze::report {

namespace fs = std::filesystem;

namespace {

std::string integer(long v) { return std::to_string(v); }
std::string signed_brief(double v) { return (v > 0 ? "+" : "") + brief(v, 3); }
double mean_of(const std::vector<Point>& values) {
  double s = 0;
  for (const auto& v : values) s += v.mean;
  return values.empty() ? std::nan("") : s / values.size();
}
// "readers L1 [SIMULATED]": a group of a store, flagged when simulated.
std::string sg(const Study& s, const std::string& store, const std::string& group) {
  return store + " " + group + (s.simulated(store) ? " [SIMULATED]" : "");
}
// A parameter count as written in tables: an integer when it is one.
std::string count_text(double v) {
  if (v > 0 && v < 9e15 && std::floor(v) == v) return std::to_string(static_cast<long long>(v));
  return full(v);
}
// "t(19) = 2.77, p = 0.012"
std::string t_text(double t, double df, double p) {
  return "t(" + brief(df, 3) + ") = " + brief(t, 3) + ", " + p_text(p);
}
double fit_alpha(const Study& s) { return s.tuning.empty() ? 0.05 : s.tuning.front().alpha; }

const DivergenceSeries* reference_of(const Study& s) {
  for (const auto& d : s.divergence)
    if (d.kind == "reference") return &d;
  return nullptr;
}

// ---- tables ---------------------------------------------------------------------------------

std::vector<OutTable> make_tables(const Study& s) {
  std::vector<OutTable> out;
  const Manifest& m = s.manifest;
  std::map<std::string, const NtpRow*> ntp;
  for (const auto& n : s.ntp) ntp[n.model] = &n;

  OutTable models{"models", "Models", "as the job describes them; loss from the ntp stage", {}, {}};
  models.header = {"model",        "family",   "role",    "base",    "n_params",
                   "log10_params", "n_layers", "n_heads", "ntp_loss"};
  for (const auto& mi : m.models) {
    const auto it = ntp.find(mi.name);
    models.rows.push_back(
        {mi.name, mi.family, mi.role, mi.base, mi.n_params > 0 ? count_text(mi.n_params) : "",
         mi.n_params > 0 ? full(std::log10(mi.n_params)) : "",
         mi.n_layers ? integer(mi.n_layers) : "", mi.n_heads ? integer(mi.n_heads) : "",
         it != ntp.end() ? full(it->second->loss) : ""});
  }
  out.push_back(models);

  const DivergenceSeries* ref = reference_of(s);
  const double ref_mean = ref ? mean_of(ref->values) : std::nan("");
  OutTable div{"divergence",
               "Attention divergence per layer or part",
               "mean JS divergence (nats) over sentences; sem = standard error over sentences",
               {"kind", "a", "b", "condition", "mode", "heads", "index", "mean", "sem"},
               {}};
  OutTable div_sum{
      "divergence_summary",
      "Attention divergence, summarised",
      "mean and max over layers/parts; above_reference counts layers (same depth "
      "as the reference: layer by layer) or parts (against the reference's mean)",
      {"kind", "a", "b", "condition", "mode", "heads", "units", "mean", "max", "above_reference"},
      {}};
  for (const auto& d : s.divergence) {
    double mx = -INFINITY;
    int above = 0;
    const bool by_layer =
        ref && d.kind != "prefix" && d.mode == ref->mode && d.values.size() == ref->values.size();
    for (size_t k = 0; k < d.values.size(); ++k) {
      const auto& v = d.values[k];
      div.rows.push_back({d.kind, d.a, d.b, d.condition, d.mode, d.heads, integer(v.index),
                          full(v.mean), full(v.sem)});
      mx = std::max(mx, v.mean);
      if (ref) above += v.mean > (by_layer ? ref->values[k].mean : ref_mean);
    }
    div_sum.rows.push_back(
        {d.kind, d.a, d.b, d.condition, d.mode, d.heads,
         integer(static_cast<long>(d.values.size())), full(mean_of(d.values)), full(mx),
         ref && d.kind != "reference" && d.kind != "prefix" ? integer(above) : ""});
  }
  out.push_back(div);
  out.push_back(div_sum);

  OutTable res{"resemblance",
               "Human resemblance per layer",
               "mean_r2: in-sample R² of a reader's saccades on the layer's heads, mean over "
               "readers; mean_r2_cv: cross-validated by sentence folds; resemblance = mean_r2 / "
               "noise_ceiling",
               {"model", "store", "group", "simulated", "layer", "mean_r2", "sem_r2", "mean_r2_cv",
                "noise_ceiling", "resemblance"},
               {}};
  OutTable best{
      "resemblance_best",
      "Human resemblance of each model's best layer",
      "best layer = highest mean in-sample R² (METHODS.md 5); resemblance_low and "
      "_high: its 95% bootstrap interval over readers, when the run has one",
      {"model", "store", "group", "simulated", "n_params", "log10_params", "best_layer", "mean_r2",
       "mean_r2_cv", "noise_ceiling", "resemblance", "resemblance_low", "resemblance_high"},
      {}};
  for (const auto& r : s.resemblance) {
    const std::string sim = s.simulated(r.store) ? "yes" : "no";
    for (const auto& l : r.layers)
      res.rows.push_back({r.model, r.store, r.group, sim, integer(l.layer), full(l.mean_r2),
                          full(l.sem_r2), full(l.mean_r2_cv), full(l.noise_ceiling),
                          full(l.resemblance)});
    const ModelInfo* mi = m.model(r.model);
    const double np = mi ? mi->n_params : 0;
    best.rows.push_back({r.model, r.store, r.group, sim, np > 0 ? count_text(np) : "",
                         np > 0 ? full(std::log10(np)) : "", integer(r.best.layer),
                         full(r.best.mean_r2), full(r.best.mean_r2_cv), full(r.best.noise_ceiling),
                         full(r.best.resemblance), full(r.best.interval.low),
                         full(r.best.interval.high)});
  }
  out.push_back(res);
  out.push_back(best);

  OutTable ceil{"noise_ceiling",
                "Noise ceilings",
                "mean over readers of the R² of a reader on the group mean",
                {"store", "group", "simulated", "n", "mean", "sem"},
                {}};
  for (const auto& c : s.ceilings)
    ceil.rows.push_back({c.store, c.group, s.simulated(c.store) ? "yes" : "no", integer(c.n),
                         full(c.mean), full(c.sem)});
  out.push_back(ceil);

  OutTable tune{"tuning_tests",
                "Instruction tuning vs base model, per layer",
                "paired t-test over readers of the per-reader value (tuned - base); significant: "
                "p < alpha / layers (Bonferroni)",
                {"tuned", "base", "store", "group", "value", "layer", "n", "mean_base",
                 "mean_tuned", "mean_diff", "t", "df", "p", "p_bonferroni", "significant"},
                {}};
  OutTable tune_sum{"tuning_summary",
                    "Instruction tuning: significant layers",
                    "layers where tuning raises (higher) or lowers (lower) the value "
                    "significantly, Bonferroni-corrected",
                    {"tuned", "base", "store", "group", "value", "layers", "alpha", "threshold",
                     "higher", "lower"},
                    {}};
  for (const auto& t : s.tuning) {
    for (const auto& l : t.layers)
      tune.rows.push_back({t.tuned, t.base, t.store, t.group, t.value, l.layer, integer(l.n),
                           full(l.mean_a), full(l.mean_b), full(l.mean_diff), full(l.t), full(l.df),
                           full(l.p), full(l.p_bonferroni), l.significant ? "1" : "0"});
    const long n = static_cast<long>(t.layers.size());
    tune_sum.rows.push_back({t.tuned, t.base, t.store, t.group, t.value, integer(n), full(t.alpha),
                             full(n ? t.alpha / n : std::nan("")), integer(t.higher),
                             integer(t.lower)});
  }
  out.push_back(tune);
  out.push_back(tune_sum);

  OutTable fits{"fits",
                "Least-squares lines across models",
                "scaling: resemblance on log10(parameters); ntp: resemblance on next-token loss "
                "(bits per byte); "
                "t and p test r = 0",
                {"what", "store", "group", "x", "y", "n", "slope", "slope_se", "intercept", "r",
                 "r_squared", "t", "df", "p"},
                {}};
  for (const auto& f : s.fits)
    fits.rows.push_back({f.what, f.store, f.group, f.x, f.y, integer(f.n), full(f.slope),
                         full(f.slope_se), full(f.intercept), full(f.r), full(f.r_squared),
                         full(f.t), full(f.df), full(f.p)});
  out.push_back(fits);

  OutTable ntp_t{"ntp",
                 "Next-token-prediction loss",
                 "mean cross-entropy (nats) per predicted token of the corpus; bits per byte "
                 "and nats per word compare models across tokenizers",
                 {"model", "loss", "tokens", "bits_per_byte", "nats_per_word"},
                 {}};
  for (const auto& n : s.ntp)
    ntp_t.rows.push_back(
        {n.model, full(n.loss), integer(n.tokens), full(n.bits_per_byte), full(n.nats_per_word)});
  out.push_back(ntp_t);

  OutTable triv{"trivial_models",
                "Trivial-pattern reliance of the models per layer",
                "R² of a head on the FIRST, SELF and PREV patterns, mean over the layer's heads",
                {"model", "layer", "mean_r2", "sem_r2"},
                {}};
  for (const auto& t : s.trivial)
    for (const auto& v : t.layers)
      triv.rows.push_back({t.model, integer(v.index), full(v.mean), full(v.sem)});
  out.push_back(triv);

  OutTable change{"trivial_change",
                  "Trivial-pattern reliance: base vs instruction-tuned",
                  "change = tuned - base, per layer",
                  {"tuned", "base", "layer", "base_r2", "tuned_r2", "change"},
                  {}};
  for (const auto& mi : m.models) {
    const TrivialSeries* tuned = s.trivial_of(mi.name);
    const TrivialSeries* base = mi.base.empty() ? nullptr : s.trivial_of(mi.base);
    if (!tuned || !base || tuned->layers.size() != base->layers.size()) continue;
    for (size_t k = 0; k < tuned->layers.size(); ++k)
      change.rows.push_back({mi.name, mi.base, integer(tuned->layers[k].index),
                             full(base->layers[k].mean), full(tuned->layers[k].mean),
                             full(tuned->layers[k].mean - base->layers[k].mean)});
  }
  out.push_back(change);

  OutTable readers{"trivial_readers",
                   "Trivial-pattern reliance of the readers",
                   "R² of a reader's saccades on the FIRST, SELF and PREV patterns; mean and "
                   "standard error over readers",
                   {"store", "group", "simulated", "n", "mean", "sem"},
                   {}};
  for (const auto& h : s.human_reliance)
    readers.rows.push_back({h.store, h.group, s.simulated(h.store) ? "yes" : "no", integer(h.n),
                            full(h.mean), full(h.sem)});
  out.push_back(readers);

  OutTable groups{
      "trivial_groups",
      "Trivial-pattern reliance: group b vs group a",
      "independent two-sample t-tests over readers; mean_diff and t are b - a",
      {"store", "a", "b", "test", "n_a", "n_b", "mean_a", "mean_b", "mean_diff", "t", "df", "p"},
      {}};
  for (const auto& g : s.group_tests) {
    auto col = [&g](const std::vector<std::string>& row, const char* name) {
      for (size_t k = 0; k < g.header.size(); ++k)
        if (g.header[k] == name) return row[k];
      return std::string();
    };
    for (const auto& row : g.rows)
      groups.rows.push_back({g.store, g.a, g.b, col(row, "test"), col(row, "n_a"), col(row, "n_b"),
                             col(row, "mean_a"), col(row, "mean_b"), col(row, "mean_diff"),
                             col(row, "t"), col(row, "df"), col(row, "p")});
  }
  out.push_back(groups);

  for (const auto& a : s.agreement) {
    OutTable t{"agreement." + a.store + "." + a.a + "." + a.b,
               "Agreement of group means: " + a.store + " " + a.a + " and " + a.b,
               "as written by the agreement stage (" + fs::path(a.file).filename().string() + ")",
               a.header, a.rows};
    out.push_back(t);
  }
  for (OutTable t : companion_tables(s)) out.push_back(std::move(t));
  out.erase(std::remove_if(out.begin(), out.end(), [](const OutTable& t) { return t.empty(); }),
            out.end());
  return out;
}

// ---- the findings in words ------------------------------------------------------------------

struct Words {
  std::vector<std::string> divergence, prefix, resemblance, tuning, scaling, ntp, trivial, groups;
  std::vector<std::string> claims;  // the paper's claims under the bootstrap intervals
};

// "L2H3 0.0123, L0H1 0.0101": the k heads with the highest mean R² alone.
std::string top_heads(const ResemblanceSeries& r, size_t k) {
  std::vector<HeadR2> heads = r.heads;
  std::stable_sort(heads.begin(), heads.end(),
                   [](const HeadR2& a, const HeadR2& b) { return a.mean_r2 > b.mean_r2; });
  std::string out;
  for (size_t i = 0; i < heads.size() && i < k; ++i)
    out += (i ? ", " : "") + std::string("layer ") + std::to_string(heads[i].layer) + " head " +
           std::to_string(heads[i].head) + " " + brief(heads[i].mean_r2, 3);
  return out;
}

Words findings(const Study& s, const ReportOptions& options) {
  Words w;
  const Manifest& m = s.manifest;
  const double alpha = fit_alpha(s);

  // Divergence.
  const DivergenceSeries* ref = reference_of(s);
  const double ref_mean = ref ? mean_of(ref->values) : std::nan("");
  if (ref)
    w.divergence.push_back("Reference pair " + ref->a + " vs " + ref->b + ": mean JS divergence " +
                           brief(ref_mean, 3) + " over " + std::to_string(ref->values.size()) +
                           " " + ref->mode + "s (heads " + ref->heads + ").");
  for (const auto& d : s.divergence) {
    if (d.kind == "reference" || d.kind == "prefix") continue;
    std::string text =
        d.a + " vs " + d.b + " (" + d.kind + "): mean JS divergence " + brief(mean_of(d.values), 3);
    if (ref) {
      const bool by_layer = d.mode == ref->mode && d.values.size() == ref->values.size();
      int above = 0;
      for (size_t k = 0; k < d.values.size(); ++k)
        above += d.values[k].mean > (by_layer ? ref->values[k].mean : ref_mean);
      text += ", above the reference" + std::string(by_layer ? "" : "'s mean") + " in " +
              std::to_string(above) + " of " + std::to_string(d.values.size()) + " " + d.mode + "s";
    }
    w.divergence.push_back(text + ".");
  }

  // Prefixes: per model, each condition's mean; instruction vs noise layer by layer.
  std::map<std::string, std::vector<const DivergenceSeries*>> by_model;
  std::vector<std::string> order;
  for (const auto& d : s.divergence)
    if (d.kind == "prefix") {
      if (!by_model.count(d.model)) order.push_back(d.model);
      by_model[d.model].push_back(&d);
    }
  for (const auto& model : order) {
    const auto& list = by_model[model];
    std::string text = model + ": ";
    for (size_t k = 0; k < list.size(); ++k)
      text += (k ? ", " : "") + std::string("the ") + list[k]->condition +
              " prefix moves attention by mean JS " + brief(mean_of(list[k]->values), 3);
    if (list.size() == 2 && list[0]->values.size() == list[1]->values.size()) {
      int more = 0;
      for (size_t k = 0; k < list[0]->values.size(); ++k)
        more += list[0]->values[k].mean > list[1]->values[k].mean;
      text += "; " + list[0]->condition + " above " + list[1]->condition + " in " +
              std::to_string(more) + " of " + std::to_string(list[0]->values.size()) + " layers";
    }
    w.prefix.push_back(text + ".");
  }

  // Resemblance: ceilings and best layers.
  for (const auto& c : s.ceilings)
    w.resemblance.push_back("Noise ceiling of " + sg(s, c.store, c.group) + ": " +
                            brief(c.mean, 3) + " ± " + brief(c.sem, 2) +
                            " (n = " + std::to_string(c.n) + " readers).");
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : s.resemblance)
    if (std::find(keys.begin(), keys.end(), std::make_pair(r.store, r.group)) == keys.end())
      keys.emplace_back(r.store, r.group);
  for (const auto& [store, group] : keys) {
    const ResemblanceSeries* top = nullptr;
    std::string list;
    for (const auto& r : s.resemblance) {
      if (r.store != store || r.group != group) continue;
      if (!top || r.best.mean_r2 > top->best.mean_r2) top = &r;
      list += (list.empty() ? "" : ", ") + r.model + " " +
              brief(std::isfinite(r.best.resemblance) ? r.best.resemblance : r.best.mean_r2, 3) +
              " (layer " + std::to_string(r.best.layer) + ")";
    }
    if (!top) continue;
    const bool normalised = std::isfinite(top->best.resemblance);
    w.resemblance.push_back(
        "Best layer, " + sg(s, store, group) + ": " + top->model + " layer " +
        std::to_string(top->best.layer) + ", mean R² " + brief(top->best.mean_r2, 3) +
        (normalised ? " = " + brief(top->best.resemblance, 3) + " of the noise ceiling" : "") +
        (std::isfinite(top->best.mean_r2_cv)
             ? " (cross-validated R² " + brief(top->best.mean_r2_cv, 3) + ")"
             : "") +
        ". " + (normalised ? "Resemblance" : "Best-layer R²") + " of every model: " + list + ".");
    w.resemblance.push_back(
        std::string("The per-layer figure of ") + sg(s, store, group) + " plots " +
        (relative_depth(s, options.layer_axis, store, group)
             ? "relative depth, (layer + 0.5) / layers" +
                   std::string(options.layer_axis == "auto" ? ", because the models differ in depth"
                                                            : "")
             : "the layer index" + std::string(options.layer_axis == "auto"
                                                   ? ", because the models have the same depth"
                                                   : "")) +
        ".");
    for (const auto& r : s.resemblance)
      if (r.store == store && r.group == group && !r.heads.empty())
        w.resemblance.push_back("Top heads of " + r.model + " (" + sg(s, store, group) +
                                ", mean R² of a reader on one head alone): " + top_heads(r, 5) +
                                ".");
  }

  w.claims = claims_under_intervals(s);

  // Instruction tuning: the sentence the issue asks for.
  for (const auto& t : s.tuning) {
    const size_t n = t.layers.size();
    const long readers = t.layers.empty() ? 0 : t.layers.front().n;
    const std::string what = t.value == "r2_cv" ? "cross-validated resemblance" : "resemblance";
    w.tuning.push_back(
        "Instruction tuning (" + t.base + " → " + t.tuned + ", " + sg(s, t.store, t.group) +
        ") lowers " + what + " significantly in " + std::to_string(t.lower) + " of " +
        std::to_string(n) + " layers, raises it in " + std::to_string(t.higher) +
        " (paired t-test over " + std::to_string(readers) + " readers per layer, Bonferroni: p < " +
        brief(t.alpha, 3) + "/" + std::to_string(n) + " = " + brief(n ? t.alpha / n : 0, 3) + ").");
  }

  // Fits.
  for (const auto& f : s.fits) {
    const bool sig = f.p < alpha;
    const std::string stats = "r = " + brief(f.r, 3) + ", slope " + brief(f.slope, 3) + ", " +
                              t_text(f.t, f.df, f.p) + ", n = " + std::to_string(f.n) + " models";
    const std::string verdict =
        sig ? "significant at α = " + brief(alpha, 3) : "not significant at α = " + brief(alpha, 3);
    if (f.what == "scaling") {
      w.scaling.push_back("Across model sizes (" + sg(s, f.store, f.group) + "), " + f.y + " " +
                          (f.slope > 0 ? "rises" : "falls") + " by " +
                          brief(std::fabs(f.slope), 3) + " per tenfold increase in parameters (" +
                          stats + "; " + verdict + ").");
    } else {
      w.ntp.push_back(
          "Next-token loss" + std::string(f.x == "bits_per_byte" ? " (bits per byte)" : "") +
          " against " + f.y + " (" + sg(s, f.store, f.group) + "): lower loss goes with " +
          (f.r < 0 ? "higher" : "lower") + " " + f.y + " (" + stats + "; " + verdict + ").");
    }
  }

  // Trivial patterns: models, the change with tuning, the groups.
  if (!s.trivial.empty()) {
    std::string text = "Mean reliance over layers (deepest layer):";
    for (size_t k = 0; k < s.trivial.size(); ++k) {
      const auto& t = s.trivial[k];
      text += std::string(k ? "," : "") + " " + t.model + " " + brief(mean_of(t.layers), 3) +
              (t.layers.empty() ? "" : " (" + brief(t.layers.back().mean, 3) + ")");
    }
    w.trivial.push_back(text + ".");
  }
  for (const auto& mi : m.models) {
    const TrivialSeries* tuned = s.trivial_of(mi.name);
    const TrivialSeries* base = mi.base.empty() ? nullptr : s.trivial_of(mi.base);
    if (!tuned || !base || tuned->layers.size() != base->layers.size() || tuned->layers.empty())
      continue;
    double sum = 0, largest = 0;
    int at = 0;
    for (size_t k = 0; k < tuned->layers.size(); ++k) {
      const double d = tuned->layers[k].mean - base->layers[k].mean;
      sum += d;
      if (std::fabs(d) > std::fabs(largest)) {
        largest = d;
        at = tuned->layers[k].index;
      }
    }
    w.trivial.push_back("Instruction tuning (" + mi.base + " → " + mi.name +
                        ") changes reliance by " + signed_brief(sum / tuned->layers.size()) +
                        " on average over layers (largest change " + signed_brief(largest) +
                        " at layer " + std::to_string(at) + ").");
  }
  for (const auto& g : s.group_tests) {
    const bool sig = g.p < alpha;
    w.groups.push_back(
        g.b + " readers rely on trivial patterns " + (g.mean_diff > 0 ? "more" : "less") +
        " than " + g.a + " readers (" + g.store + (s.simulated(g.store) ? " [SIMULATED]" : "") +
        "; mean R² " + brief(g.mean_b, 3) + " vs " + brief(g.mean_a, 3) + "; " +
        (g.test == "welch"     ? "Welch"
         : g.test == "student" ? "Student"
                               : g.test) +
        " " + t_text(g.t, g.df, g.p) + ", n = " + std::to_string(g.n_b) + " and " +
        std::to_string(g.n_a) + "): " + (sig ? "significant" : "not significant") +
        " at α = " + brief(alpha, 3) +
        (g.permutation_p < 0
             ? std::string(".")
             : std::string("; a permutation test of the same difference gives p = ") +
                   brief(g.permutation_p, 3) + ", " +
                   (g.permutation_p < alpha ? "significant" : "not significant") +
                   (((g.permutation_p < alpha) == sig) ? " as well."
                                                       : ", so the two tests disagree.")));
  }
  for (const auto& a : s.agreement) {
    size_t r2 = a.header.size();
    for (size_t k = 0; k < a.header.size(); ++k)
      if (a.header[k] == "r2") r2 = k;
    if (r2 == a.header.size() || a.rows.empty()) continue;
    std::string pairs;
    for (size_t k = 0; k < a.header.size(); ++k)
      if (a.header[k] == "n_pairs") pairs = " over " + a.rows.front()[k] + " word pairs";
    w.groups.push_back("The " + a.a + " and " + a.b + " group means of " + a.store +
                       (s.simulated(a.store) ? " [SIMULATED]" : "") + " agree with R² = " +
                       brief(std::strtod(a.rows.front()[r2].c_str(), nullptr), 3) + pairs +
                       " (one mean regressed on the other).");
  }
  // Group-mean stores: one value per group, no test.
  std::map<std::string, std::vector<const HumanReliance*>> means;
  for (const auto& h : s.human_reliance)
    if (h.n == 1) means[h.store].push_back(&h);
  for (const auto& [store, list] : means) {
    std::string text = store + " (group means, no test possible): reliance";
    for (size_t k = 0; k < list.size(); ++k)
      text += std::string(k ? "," : "") + " " + list[k]->group + " " + brief(list[k]->mean, 3);
    w.groups.push_back(text + ".");
  }
  return w;
}

// ---- index.md -------------------------------------------------------------------------------

std::string figure_md(const Figure& f) {
  return "![" + f.title + "](figures/" + f.name + ".png)\n\n*" + f.caption + "* ([SVG](figures/" +
         f.name + ".svg), [gnuplot script](figures/" + f.name + ".gp))\n\n";
}

std::string bullets(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "- " + l + "\n";
  return out.empty() ? out : out + "\n";
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

std::string index_md(const Study& s, const std::vector<Figure>& figures,
                     const std::vector<OutTable>& tables, const ReportOptions& options) {
  const Manifest& m = s.manifest;
  const Words w = findings(s, options);
  std::ostringstream md;
  md << "# lmgaze report: " << (m.name.empty() ? fs::path(m.out).filename().string() : m.name)
     << "\n\n";

  std::vector<std::string> simulated;
  for (const auto& h : m.human)
    if (h.simulated) simulated.push_back(h.name);
  if (!simulated.empty()) {
    std::string stores;
    for (size_t k = 0; k < simulated.size(); ++k) stores += (k ? ", `" : "`") + simulated[k] + "`";
    md << "> [!WARNING]\n"
          "> **SIMULATED READERS.** The human data in "
       << (simulated.size() > 1 ? "stores " : "store ") << stores
       << " were generated by `lmgaze human simulate`, not recorded from people. Every noise "
          "ceiling, resemblance, tuning test and reader statistic computed from "
       << (simulated.size() > 1 ? "them" : "it")
       << " describes the simulator, **not human reading**. Do not cite these numbers as "
          "findings about people.";
    std::string real;
    for (const auto& h : m.human)
      if (!h.simulated) real += (real.empty() ? "`" : ", `") + h.name + "`";
    if (!real.empty()) md << " (" << real << ": recorded data.)";
    md << "\n\n";
  }
  md << "Job `" << m.job << "`, run folder `" << m.out << "`. Written " << now_utc()
     << " by lmgaze " << LMGAZE_VERSION;
  if (!options.generated_by.empty()) md << " (`" << options.generated_by << "`)";
  md << ".\n\n";
  if (!s.missing.empty()) {
    md << "**Incomplete run:** " << s.missing.size()
       << " stage(s) not done yet; this report shows what exists. Missing: ";
    for (size_t k = 0; k < s.missing.size() && k < 12; ++k)
      md << (k ? ", " : "") << "`" << s.missing[k] << "`";
    if (s.missing.size() > 12) md << ", …";
    md << ".\n\n";
  }

  auto table = [&tables](const std::string& name, size_t max_rows = 0) -> std::string {
    for (const auto& t : tables)
      if (t.name == name) return markdown(t, max_rows) + "\n";
    return "";
  };
  auto figs = [&figures](const std::string& prefix) {
    std::string out;
    for (const auto& f : figures)
      if (f.name == prefix || f.name.rfind(prefix + ".", 0) == 0) out += figure_md(f);
    return out;
  };

  md << "## Findings in words\n\n";
  std::vector<std::string> all;
  for (const auto* list : {&w.tuning, &w.scaling, &w.ntp, &w.groups})
    all.insert(all.end(), list->begin(), list->end());
  md << (all.empty() ? "No statistics were computed in this run.\n\n" : bullets(all));
  if (!w.claims.empty())
    md << "### The paper's claims under the bootstrap intervals\n\n"
       << "Readers resampled with replacement, the same resamples for every model; two "
          "intervals count as different only when they do not overlap.\n\n"
       << bullets(w.claims);

  md << table("models");

  if (!w.divergence.empty() || !w.prefix.empty()) {
    md << "## 1. Attention divergence between models\n\n"
       << "Jensen–Shannon divergence (natural log) of each row of word-level attention, mean over "
          "rows and sentences (METHODS.md 3). Between models heads are averaged before the "
          "divergence; with a prefix it is taken per head and averaged.\n\n"
       << bullets(w.divergence) << figs("divergence") << table("divergence_summary");
    if (!w.prefix.empty())
      md << "### Instruction prefix vs noise prefix\n\n" << bullets(w.prefix) << figs("prefix");
  }
  if (!s.resemblance.empty() || !s.ceilings.empty()) {
    md << "## 2. Human resemblance\n\n"
       << "R² of ordinary least squares of a reader's saccade counts on all heads of one layer "
          "(with intercept, in sample), mean over readers; the best layer over the group's "
          "noise ceiling is the model's human resemblance (METHODS.md 5). In-sample R² grows "
          "with the number of heads; the cross-validated R² (folds by sentence) is in the "
          "tables.\n\n"
       << bullets(w.resemblance) << figs("resemblance") << figs("heads")
       << table("resemblance_best") << table("noise_ceiling");
    const std::vector<std::string> order = ordering_words(s);
    const std::string cv = table("resemblance_cv"), halves = table("noise_ceiling_split_half"),
                      pca = table("resemblance_pca");
    // The paragraph names only the companions this run has.
    std::vector<std::string> what;
    if (!cv.empty())
      what.push_back(
          "choose the layer inside the folds and score held-out sentences (METHODS.md 10)");
    if (!halves.empty())
      what.push_back("estimate the reliability of the group mean from split halves");
    if (!pca.empty())
      what.push_back("fix the regression's capacity (first k principal components)");
    std::string list;
    for (size_t k = 0; k < what.size(); ++k)
      list += (k == 0 ? "" : k + 1 == what.size() ? " and " : ", ") + what[k];
    if (!order.empty() || !what.empty())
      md << "### Beside the paper's score\n\n"
         << "The paper's score picks the best of all layers in sample and divides by the "
            "reader-on-mean ceiling; the companions below "
         << list << ". Each table names its variant.\n\n"
         << bullets(order) << cv << halves << pca;
    if (!s.measures.empty())
      md << "### Reading measures\n\n"
         << "Each reader's per-word reading measure (`resemblance --target`, METHODS.md 11) on "
            "the attention each word receives from every head of one layer.\n\n"
         << figs("measure") << table("resemblance_measures", 24);
  }
  if (!s.tuning.empty()) {
    md << "## 3. Instruction tuning and human resemblance\n\n"
       << bullets(w.tuning) << figs("tuning") << table("tuning_summary");
  }
  if (!w.scaling.empty()) md << "## 4. Scaling\n\n" << bullets(w.scaling) << figs("scaling");
  if (!w.ntp.empty() || !s.ntp.empty())
    md << "## 5. Language-modelling loss and human resemblance\n\n"
       << bullets(w.ntp) << figs("ntp") << table("ntp");
  if (!s.trivial.empty() || !s.human_reliance.empty()) {
    md << "## 6. Trivial-pattern reliance\n\n"
       << "R² of a head's (or a reader's) word-level matrix on three context-free patterns: "
          "attend to the first word, to the word itself, to the previous word (METHODS.md 6).\n\n"
       << bullets(w.trivial) << figs("trivial") << table("trivial_change");
    if (!s.human_reliance.empty())
      md << "### Readers: L1 vs L2\n\n"
         << bullets(w.groups) << figs("trivial_readers") << table("trivial_readers")
         << table("trivial_groups");
  }
  md << "## All tables\n\n"
     << "Full precision in CSV (the format of lmgaze's other tables), rounded in Markdown.\n\n";
  for (const auto& t : tables)
    md << "- " << t.title << ": [" << t.name << ".csv](tables/" << t.name << ".csv), [" << t.name
       << ".md](tables/" << t.name << ".md)\n";
  md << "\nSource tables of the run: `" << m.out << "/analysis/` and `" << m.out << "/stats/`.\n";
  return md.str();
}

}  // namespace

ReportResult write_report(const ReportOptions& options) {
  if (options.layer_axis != "auto" && options.layer_axis != "layer" &&
      options.layer_axis != "depth")
    throw InputError("--layer-axis must be auto, layer or depth, not '" + options.layer_axis + "'");
  const Manifest manifest = read_manifest(options.out_dir);
  const Study study = read_study(manifest);
  const std::string gnuplot =
      options.figures ? (options.gnuplot.empty() ? find_gnuplot() : options.gnuplot) : "";

  ReportResult result;
  result.dir = (fs::path(manifest.out) / "report").string();
  result.missing = study.missing;
  result.simulated = manifest.any_simulated();
  // Everything stays under OUT/report/ (src/run/LAYOUT.md). index.md goes first and
  // comes back last, so a report with an index is a whole one; tables/ and figures/
  // start empty so nothing of an earlier report survives next to the new one.
  const std::string dir = result.dir;
  std::error_code ec;
  fs::create_directories(dir);
  fs::remove(dir + "/index.md", ec);
  fs::remove_all(dir + "/tables", ec);
  fs::remove_all(dir + "/figures", ec);
  fs::create_directories(dir + "/tables");
  fs::create_directories(dir + "/figures");

  const std::vector<OutTable> tables = make_tables(study);
  for (const auto& t : tables) {
    write_table(t, dir + "/tables");
    result.tables.push_back(t.name);
  }
  std::vector<Figure> figures;
  if (options.figures) {
    FigureOptions fo;
    fo.layer_axis = options.layer_axis;
    figures = make_figures(study, fo);
    for (Figure f : measure_figures(study)) figures.push_back(std::move(f));
    for (const auto& f : figures) {
      render(f, dir + "/figures", gnuplot);
      result.figures.push_back(f.name);
    }
  }
  write_text(dir + "/index.md", index_md(study, figures, tables, options));
  return result;
}

}  // namespace lmgaze::report
