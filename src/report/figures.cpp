#include "report/figures.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

#include "common/error.hpp"
#include "report/tables.hpp"

namespace lmgaze::report {

int model_style(const Manifest& manifest, const std::string& model) {
  for (size_t k = 0; k < manifest.models.size(); ++k)
    if (manifest.models[k].name == model) return static_cast<int>(k % kPaletteSize) + 1;
  return kPaletteSize;
}

namespace {

const char* const kSimulated = " (SIMULATED readers)";

// Figure under construction: datablocks get names d0, d1, ...
struct Builder {
  Figure figure;
  std::string block(std::vector<std::string> lines) {
    const std::string name = "d" + std::to_string(figure.data.size());
    figure.data.emplace_back(name, std::move(lines));
    return "$" + name;
  }
};

std::string sem_or_zero(double sem) { return field(std::isfinite(sem) ? sem : 0.0); }

std::vector<std::string> point_lines(const std::vector<Point>& values) {
  std::vector<std::string> lines;
  for (const auto& v : values)
    lines.push_back(std::to_string(v.index) + " " + field(v.mean) + " " + sem_or_zero(v.sem));
  return lines;
}

// Integer tics on a layer axis, a little room at both ends.
// Layers 0..max_index on x, one tic each while they stay readable.
void layer_x_axis(Panel* p, int max_index) {
  p->settings.push_back("set xrange [-0.5:" + std::to_string(max_index) + ".5]");
  if (max_index <= 24) p->settings.push_back("set xtics 1");
}

// The layer axis of a quantity that is never negative.
void layer_axis(Panel* p, int max_index) {
  layer_x_axis(p, max_index);
  p->settings.push_back("set yrange [0:*]");
}

double mean_of(const std::vector<Point>& values) {
  double s = 0;
  for (const auto& v : values) s += v.mean;
  return values.empty() ? std::nan("") : s / values.size();
}

// Labels for scattered points, each put where it overlaps neither another label
// nor a point: above, below, right, left, then further out. Positions are judged
// in pixels of a plot area of plot_w x plot_h for the given axis ranges.
struct Labelled {
  std::string text;
  double x = 0, y = 0;
};
std::vector<std::string> place_labels(const std::vector<Labelled>& points, double xlo, double xhi,
                                      double ylo, double yhi, double plot_w, double plot_h) {
  const double cw = 7.5, ch = 15, marker = 7;  // character width and height, marker radius (px)
  struct Box {
    double x0, y0, x1, y1;
    bool hits(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  };
  auto px = [&](double x) { return (x - xlo) / (xhi - xlo) * plot_w; };
  auto py = [&](double y) { return (y - ylo) / (yhi - ylo) * plot_h; };
  std::vector<Box> taken;
  for (const auto& p : points)
    taken.push_back({px(p.x) - marker, py(p.y) - marker, px(p.x) + marker, py(p.y) + marker});
  // (dx, dy) in characters and the alignment of the text at that offset.
  const struct {
    double dx, dy;
    const char* align;
  } candidates[] = {{0, 1.1, "center"}, {0, -1.1, "center"}, {1, 0, "left"},   {-1, 0, "right"},
                    {1, 1, "left"},     {1, -1, "left"},     {-1, 1, "right"}, {-1, -1, "right"},
                    {0, 2.2, "center"}, {0, -2.2, "center"}};
  std::vector<std::string> out;
  for (const auto& p : points) {
    const double w = cw * p.text.size(), cx = px(p.x), cy = py(p.y);
    size_t chosen = 0;
    Box chosen_box{};
    for (size_t k = 0; k < std::size(candidates); ++k) {
      const auto& c = candidates[k];
      const double ax = cx + c.dx * cw, ay = cy + c.dy * ch;
      const double x0 = std::string(c.align) == "center" ? ax - w / 2
                        : std::string(c.align) == "left" ? ax
                                                         : ax - w;
      const Box box{x0, ay - ch / 2, x0 + w, ay + ch / 2};
      bool free = box.x0 >= -20 && box.x1 <= plot_w + 20 && box.y1 <= plot_h + 5 && box.y0 >= -5;
      for (const auto& t : taken) free = free && !box.hits(t);
      if (k == 0) chosen_box = box;
      if (free) {
        chosen = k;
        chosen_box = box;
        break;
      }
    }
    taken.push_back(chosen_box);
    const auto& c = candidates[chosen];
    out.push_back("set label " + quoted(p.text) + " at " + full(p.x) + "," + full(p.y) + " " +
                  c.align + " offset char " + full(c.dx) + "," + full(c.dy) + " noenhanced front");
  }
  return out;
}

std::string store_group(const Study& s, const std::string& store, const std::string& group) {
  return store + " " + group + (s.simulated(store) ? kSimulated : "");
}

// ---- divergence ---------------------------------------------------------------------------

std::string pair_title(const DivergenceSeries& d) {
  return d.a + " vs " + d.b + " (" + d.kind + ")";
}

void divergence_figure(const Study& s, std::vector<Figure>* out) {
  const DivergenceSeries* ref = nullptr;
  std::vector<const DivergenceSeries*> by_layer, by_part;
  for (const auto& d : s.divergence) {
    if (d.kind == "prefix") continue;
    if (d.kind == "reference") ref = &d;
    (d.mode == "part" ? by_part : by_layer).push_back(&d);
  }
  if (by_layer.empty() && by_part.empty()) return;
  Builder b;
  Figure& f = b.figure;
  f.name = "divergence";
  f.title = "Attention divergence between models (Jensen-Shannon, heads averaged)";
  const double ref_mean = ref ? mean_of(ref->values) : std::nan("");
  f.caption =
      "Mean JS divergence over sentences (error bars: standard error) between the attention of "
      "two models, layer by layer for models of the same depth and by consecutive parts of the "
      "layers (each model's layers averaged within a part) for models of different depths "
      "(heads averaged first). The grey dashed line is the "
      "reference pair" +
      (ref ? " (" + ref->a + " vs " + ref->b + ", mean over layers " + brief(ref_mean) + ")" : "") +
      ": two models that differ only in the format of their tuning data. Above it counts as a "
      "large difference.";
  auto panel = [&](const std::vector<const DivergenceSeries*>& series, bool parts) {
    Panel p;
    p.ylabel = "JS divergence (nats)";
    int max_index = 0;
    bool same_count = true;
    for (const auto* d : series) {
      for (const auto& v : d->values) max_index = std::max(max_index, v.index);
      same_count = same_count && d->values.size() == series.front()->values.size();
    }
    // Parts of different counts (a 2-layer model has 2 parts): place each part at the
    // centre of the layers it covers, as a fraction of the depth.
    const bool relative = parts && !same_count;
    if (!parts) {
      p.title = "same depth: by layer";
      p.xlabel = "layer";
      layer_axis(&p, max_index);
    } else if (!relative) {
      const int n_parts = max_index + 1;
      p.title = "different depths: by part of the layers";
      p.xlabel = "part of the layers (1/" + std::to_string(n_parts) + " = the first layers)";
      layer_axis(&p, max_index);
      std::string tics = "set xtics (";
      for (int k = 0; k < n_parts; ++k)
        tics += (k ? ", " : "") + quoted(std::to_string(k + 1) + "/" + std::to_string(n_parts)) +
                " " + std::to_string(k);
      p.settings.push_back(tics + ")");
    } else {
      p.title = "different depths: by part of the layers";
      p.xlabel = "depth (centre of the part, fraction of the layers)";
      p.settings.push_back("set xrange [0:1]");
      p.settings.push_back("set yrange [0:*]");
    }
    for (const auto* d : series) {
      const bool is_ref = d == ref;
      const int lt = is_ref ? kReferenceStyle : model_style(s.manifest, d->model);
      std::vector<std::string> lines = point_lines(d->values);
      if (relative) {
        lines.clear();
        const double n = static_cast<double>(d->values.size());
        for (const auto& v : d->values)
          lines.push_back(field((v.index + 0.5) / n) + " " + field(v.mean) + " " +
                          sem_or_zero(v.sem));
      }
      p.plots.push_back(b.block(lines) + " using 1:2:3 with yerrorlines lt " + std::to_string(lt) +
                        " title " +
                        quoted(is_ref ? "reference: " + d->a + " vs " + d->b : pair_title(*d)));
    }
    if (ref && std::isfinite(ref_mean))
      p.plots.push_back(full(ref_mean) + " with lines lt " + std::to_string(kReferenceStyle) +
                        " dt 3 title " + quoted("reference, mean over layers"));
    f.panels.push_back(p);
  };
  if (!by_layer.empty()) panel(by_layer, false);
  if (!by_part.empty()) panel(by_part, true);
  f.height = f.panels.size() > 1 ? 900 : 560;
  out->push_back(f);
}

void prefix_figure(const Study& s, std::vector<Figure>* out) {
  std::vector<const DivergenceSeries*> series;
  for (const auto& d : s.divergence)
    if (d.kind == "prefix") series.push_back(&d);
  if (series.empty()) return;
  Builder b;
  Figure& f = b.figure;
  f.name = "prefix";
  f.title = "Effect of a prefix on attention: instruction vs noise (JS per head, then averaged)";
  f.caption =
      "Mean JS divergence between a model reading the plain sentences and the same model reading "
      "them after a prefix (prefix tokens dropped before the comparison), per layer; JS is taken "
      "per head and averaged over heads. Solid: the instruction prefix; dashed: the control "
      "(noise) prefix of similar length. An instruction-following model should react more to the "
      "instruction than to the noise.";
  Panel p;
  p.xlabel = "layer";
  p.ylabel = "JS divergence from plain (nats)";
  int max_index = 0;
  std::vector<std::string> conditions;
  for (const auto* d : series) {
    for (const auto& v : d->values) max_index = std::max(max_index, v.index);
    if (std::find(conditions.begin(), conditions.end(), d->condition) == conditions.end())
      conditions.push_back(d->condition);
  }
  layer_axis(&p, max_index);
  for (const auto* d : series) {
    const int dash =
        1 + static_cast<int>(std::find(conditions.begin(), conditions.end(), d->condition) -
                             conditions.begin());
    p.plots.push_back(b.block(point_lines(d->values)) + " using 1:2:3 with yerrorlines lt " +
                      std::to_string(model_style(s.manifest, d->model)) + " dt " +
                      std::to_string(dash) + " title " +
                      quoted(d->model + ": " + d->condition + " prefix"));
  }
  f.panels.push_back(p);
  out->push_back(f);
}

// ---- resemblance ----------------------------------------------------------------------------

// The models of one (store, group) figure, in study order.
std::vector<const ResemblanceSeries*> series_of(const Study& s, const std::string& store,
                                                const std::string& group) {
  std::vector<const ResemblanceSeries*> out;
  for (const auto& r : s.resemblance)
    if (r.store == store && r.group == group) out.push_back(&r);
  return out;
}

// The x of layer l of a model with n layers: the layer, or the centre of the
// layer as a fraction of the depth ((l + 0.5) / n, as the divergence figure
// places parts), so that models of different depths line up.
double layer_x(int layer, size_t n_layers, bool relative) {
  return relative ? (layer + 0.5) / static_cast<double>(n_layers) : layer;
}

void resemblance_figures(const Study& s, const FigureOptions& options, std::vector<Figure>* out) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : s.resemblance)
    if (std::find(keys.begin(), keys.end(), std::make_pair(r.store, r.group)) == keys.end())
      keys.emplace_back(r.store, r.group);
  for (const auto& [store, group] : keys) {
    Builder b;
    Figure& f = b.figure;
    f.name = "resemblance." + store + "." + group;
    f.title = "Human resemblance per layer: " + store_group(s, store, group);
    const auto series = series_of(s, store, group);
    const bool relative = relative_depth(s, options.layer_axis, store, group);
    // Error bars: the bootstrap intervals when every model has them, else the standard error.
    bool boot = true;
    for (const auto* r : series) boot = boot && r->resamples > 0;
    Panel p;
    p.xlabel = relative ? "relative depth: (layer + 0.5) / layers" : "layer";
    p.ylabel = "R² of readers' saccades on the layer's heads (mean over readers)";
    int max_index = 0;
    double ceiling = std::nan(""), ymax = 0;
    for (const auto* r : series) {
      std::vector<std::string> lines;
      for (const auto& l : r->layers) {
        max_index = std::max(max_index, l.layer);
        const double sem = std::isfinite(l.sem_r2) ? l.sem_r2 : 0.0;
        const double lo = boot ? l.interval.low : l.mean_r2 - sem;
        const double hi = boot ? l.interval.high : l.mean_r2 + sem;
        for (const double v : {l.mean_r2, hi})
          if (std::isfinite(v)) ymax = std::max(ymax, v);
        lines.push_back(field(layer_x(l.layer, r->layers.size(), relative)) + " " +
                        field(l.mean_r2) + " " + field(lo) + " " + field(hi));
        if (std::isfinite(l.noise_ceiling) && l.noise_ceiling > 0) ceiling = l.noise_ceiling;
      }
      p.plots.push_back(b.block(lines) + " using 1:2:3:4 with yerrorlines lt " +
                        std::to_string(model_style(s.manifest, r->model)) + " title " +
                        quoted(r->model + " (" + std::to_string(r->layers.size()) + " layers)"));
    }
    if (relative) {
      p.settings.push_back("set xrange [0:1]");
      p.settings.push_back("set yrange [0:*]");
    } else {
      layer_axis(&p, max_index);
    }
    if (std::isfinite(ceiling) && ymax > 0) {
      // Right axis: the same values over the noise ceiling (explicit ranges, one scale).
      ymax *= 1.08;
      p.settings.push_back("set yrange [0:" + full(ymax) + "]");
      p.settings.push_back("set y2range [0:" + full(ymax / ceiling) + "]");
      p.settings.push_back("set ytics nomirror");
      p.settings.push_back("set y2tics");
      p.settings.push_back("set y2label " +
                           quoted("share of the noise ceiling (" + brief(ceiling, 3) + ")") +
                           " noenhanced");
    }
    p.title = relative ? "x: relative depth (the models differ in depth)" : "x: layer index";
    f.caption =
        "In-sample R² of ordinary least squares of each reader's saccade counts on the "
        "attention of all heads of one layer, averaged over the readers of " +
        group + " (error bars: " +
        (boot ? "95% bootstrap percentile interval over readers, " +
                    std::to_string(series.front()->resamples) + " resamples, seed " +
                    series.front()->seed
              : std::string("standard error over readers")) +
        "), for every model and layer. The x axis is " +
        (relative ? "the relative depth of the layer, (layer + 0.5) / number of layers, so that "
                    "models of different depths line up"
                  : "the layer index") +
        "." +
        (std::isfinite(ceiling)
             ? " Right axis: the same divided by the group's noise ceiling (" + brief(ceiling, 3) +
                   "), the human resemblance of METHODS.md 5."
             : "") +
        (s.simulated(store) ? " The readers are SIMULATED." : "");
    f.panels.push_back(p);
    out->push_back(f);
  }
}

// Per-head resemblance: a layer × head map for each model and group.
void head_figures(const Study& s, std::vector<Figure>* out) {
  for (const auto& r : s.resemblance) {
    if (r.heads.empty()) continue;
    Builder b;
    Figure& f = b.figure;
    f.name = "heads." + r.model + "." + r.store + "." + r.group;
    f.title = "Per-head resemblance, " + r.model + ": " + store_group(s, r.store, r.group);
    int n_layers = 0, n_heads = 0;
    const HeadR2* top = &r.heads.front();
    std::vector<std::string> lines;
    for (const auto& h : r.heads) {
      n_layers = std::max(n_layers, h.layer + 1);
      n_heads = std::max(n_heads, h.head + 1);
      if (h.mean_r2 > top->mean_r2) top = &h;
      lines.push_back(std::to_string(h.head) + " " + std::to_string(h.layer) + " " +
                      field(h.mean_r2));
    }
    Panel p;
    p.title = "highest: layer " + std::to_string(top->layer) + ", head " +
              std::to_string(top->head) + ", mean R² " + brief(top->mean_r2, 3);
    p.xlabel = "head";
    p.ylabel = "layer";
    p.settings = {"set xrange [-0.5:" + full(n_heads - 0.5) + "]",
                  "set yrange [-0.5:" + full(n_layers - 0.5) + "]",
                  "set cblabel 'mean R² on this head alone'",
                  "set palette defined (0 '#ffffff', 1 '#fde725', 2 '#21918c', 3 '#440154')",
                  "set cbrange [0:*]"};
    if (n_heads <= 32) p.settings.push_back("set xtics 1");
    if (n_layers <= 32) p.settings.push_back("set ytics 1");
    p.plots.push_back(b.block(lines) + " using 1:2:3 with image notitle");
    f.height = std::max(360, std::min(900, 160 + 14 * n_layers));
    f.caption =
        "In-sample R² of each reader's saccade counts on one head alone (simple "
        "regression with intercept), averaged over the readers of " +
        r.group + ", for every layer (rows) and head (columns) of " + r.model +
        "; darker is higher." + (s.simulated(r.store) ? " The readers are SIMULATED." : "");
    f.panels.push_back(p);
    out->push_back(f);
  }
}

// Marker and colour of a significant change: raised and lowered look different
// in shape (triangle up / down) and colour, so neither is read for the other.
constexpr const char* kRaised = "pt 9 ps 2 lc rgb '#009e73'";
constexpr const char* kLowered = "pt 11 ps 2 lc rgb '#d55e00'";

void tuning_figures(const Study& s, std::vector<Figure>* out) {
  for (const auto& t : s.tuning) {
    Builder b;
    Figure& f = b.figure;
    f.name = "tuning." + t.tuned + "." + t.store + "." + t.group;
    const size_t n = t.layers.size();
    f.title = "Instruction tuning, " + t.base + " -> " + t.tuned + ", " +
              store_group(s, t.store, t.group);
    // Standard errors of the two means: the resemblance tables of the two models
    // (when the test is of their in-sample R²).
    const ResemblanceSeries* rb =
        t.value == "r2" ? s.resemblance_of(t.base, t.store, t.group) : nullptr;
    const ResemblanceSeries* rt =
        t.value == "r2" ? s.resemblance_of(t.tuned, t.store, t.group) : nullptr;
    auto sem_at = [](const ResemblanceSeries* r, int layer) {
      if (r)
        for (const auto& l : r->layers)
          if (l.layer == layer && std::isfinite(l.sem_r2)) return l.sem_r2;
      return std::nan("");
    };
    Panel p, d;
    p.title = "mean R² over readers per layer" +
              std::string(rb && rt ? " (error bars: standard error over readers)" : "");
    p.xlabel = "layer";
    p.ylabel = "mean R² over readers";
    d.title = "tuned - base ± standard error: significantly higher in " + std::to_string(t.higher) +
              ", lower in " + std::to_string(t.lower) + " of " + std::to_string(n) +
              " layers (p < " + brief(t.alpha, 3) + "/" + std::to_string(n) + ")";
    d.xlabel = "layer";
    d.ylabel = "difference of mean R²";
    std::vector<std::string> lines, diffs, raised, lowered;
    int max_index = 0;
    for (size_t k = 0; k < n; ++k) {
      const auto& l = t.layers[k];
      const bool integer =
          !l.layer.empty() && l.layer.find_first_not_of("0123456789") == std::string::npos;
      const int x = integer ? std::stoi(l.layer) : static_cast<int>(k);
      max_index = std::max(max_index, x);
      lines.push_back(std::to_string(x) + " " + field(l.mean_a) + " " + field(l.mean_b) + " " +
                      field(sem_at(rb, x)) + " " + field(sem_at(rt, x)));
      // The paired t is mean_diff / se, so se = |mean_diff / t| (0 when both are 0).
      const double se = l.t != 0 && std::isfinite(l.t) ? std::fabs(l.mean_diff / l.t) : 0.0;
      diffs.push_back(std::to_string(x) + " " + field(l.mean_diff) + " " + field(se));
      if (l.significant)
        (l.mean_diff > 0 ? raised : lowered)
            .push_back(std::to_string(x) + " " + field(l.mean_diff));
    }
    layer_axis(&p, max_index);
    layer_x_axis(&d, max_index);
    const std::string data = b.block(lines);
    const bool bars = rb && rt;
    for (const auto& [col, model, role] :
         {std::make_tuple(2, t.base, "base"), std::make_tuple(3, t.tuned, "tuned")})
      p.plots.push_back(data + " using 1:" + std::to_string(col) +
                        (bars ? ":" + std::to_string(col + 2) + " with yerrorlines"
                              : std::string(" with linespoints")) +
                        " lt " + std::to_string(model_style(s.manifest, model)) + " title " +
                        quoted(model + " (" + role + ")"));
    d.plots.push_back(b.block(diffs) + " using 1:2:3 with yerrorbars lt " +
                      std::to_string(kFitStyle) + " pt 6 title " + quoted("tuned - base"));
    d.plots.push_back("0 with lines lt " + std::to_string(kReferenceStyle) + " notitle");
    d.plots.push_back((raised.empty() ? std::string("NaN") : b.block(raised) + " using 1:2") +
                      " with points " + kRaised + " title " + quoted("significantly higher"));
    d.plots.push_back((lowered.empty() ? std::string("NaN") : b.block(lowered) + " using 1:2") +
                      " with points " + kLowered + " title " + quoted("significantly lower"));
    f.height = 900;
    f.caption =
        "Top: mean R² over readers per layer for the base model and its instruction-tuned "
        "variant" +
        std::string(bars ? " (error bars: standard error over readers)" : "") +
        ". Bottom: the paired difference tuned - base with its standard error, from the "
        "paired t-test over readers (" +
        t.store + " " + t.group +
        "); a green upward triangle marks a layer where tuning raised the value significantly, "
        "an orange downward triangle one where it lowered it (Bonferroni over the " +
        std::to_string(n) + " layers).";
    f.panels.push_back(p);
    f.panels.push_back(d);
    out->push_back(f);
  }
}

void fit_figures(const Study& s, std::vector<Figure>* out) {
  for (const auto& fit : s.fits) {
    if (fit.points.empty()) continue;
    Builder b;
    Figure& f = b.figure;
    const bool scaling = fit.what == "scaling";
    f.name = fit.what + "." + fit.store + "." + fit.group;
    f.title = (scaling ? "Scaling: best-layer human resemblance vs model size, "
                       : "Language modelling vs human resemblance, ") +
              store_group(s, fit.store, fit.group);
    Panel p;
    p.xlabel = scaling                    ? "log10(parameters)"
               : fit.x == "bits_per_byte" ? "next-token loss (bits per byte of text)"
                                          : "next-token loss (nats per token)";
    p.ylabel = fit.y == "resemblance" ? "human resemblance (best layer R² / noise ceiling)"
                                      : "best-layer " + fit.y;
    double lo = fit.points.front().x, hi = lo, ylo = fit.points.front().y, yhi = ylo;
    std::vector<std::string> lines, intervals;
    std::vector<Labelled> labels;
    for (const auto& pt : fit.points) {
      labels.push_back({pt.model, pt.x, pt.y});
      lo = std::min(lo, pt.x);
      hi = std::max(hi, pt.x);
      ylo = std::min(ylo, pt.y);
      yhi = std::max(yhi, pt.y);
      lines.push_back(quoted(pt.model) + " " + field(pt.x) + " " + field(pt.y) + " " +
                      std::to_string(model_style(s.manifest, pt.model)));
      // The model's bootstrap interval of its resemblance, when the run has one.
      const ResemblanceSeries* r = s.resemblance_of(pt.model, fit.store, fit.group);
      if (fit.y == "resemblance" && r && r->best.interval.defined()) {
        intervals.push_back(field(pt.x) + " " + field(pt.y) + " " + field(r->best.interval.low) +
                            " " + field(r->best.interval.high) + " " +
                            std::to_string(model_style(s.manifest, pt.model)));
        ylo = std::min(ylo, r->best.interval.low);
        yhi = std::max(yhi, r->best.interval.high);
      }
    }
    // Models with a resemblance but outside the fit (tuned, other families): hollow markers.
    std::vector<std::string> others;
    if (scaling && fit.y == "resemblance")
      for (const auto& r : s.resemblance) {
        if (r.store != fit.store || r.group != fit.group) continue;
        const ModelInfo* mi = s.manifest.model(r.model);
        if (!mi || mi->n_params <= 0) continue;
        bool in_fit = false;
        for (const auto& pt : fit.points) in_fit = in_fit || pt.model == r.model;
        if (in_fit || !std::isfinite(r.best.resemblance)) continue;
        const double x = std::log10(mi->n_params);
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        ylo = std::min(ylo, r.best.resemblance);
        yhi = std::max(yhi, r.best.resemblance);
        labels.push_back({r.model, x, r.best.resemblance});
        others.push_back(quoted(r.model) + " " + field(x) + " " + field(r.best.resemblance) + " " +
                         std::to_string(model_style(s.manifest, r.model)));
      }
    const double pad = (hi - lo) > 0 ? 0.12 * (hi - lo) : 0.5;
    const double ypad = (yhi - ylo) > 0 ? 0.15 * (yhi - ylo) : 0.1 * std::fabs(yhi) + 0.01;
    p.settings.push_back("set xrange [" + full(lo - pad) + ":" + full(hi + pad) + "]");
    p.settings.push_back("set yrange [" + full(ylo - ypad) + ":" + full(yhi + 1.6 * ypad) + "]");
    p.settings.push_back("fit_line(x) = " + full(fit.intercept) + " + (" + full(fit.slope) +
                         ") * x");
    for (const auto& l : place_labels(labels, lo - pad, hi + pad, ylo - ypad, yhi + 1.6 * ypad,
                                      0.62 * f.width, 0.72 * f.height))
      p.settings.push_back(l);
    p.title = "least squares: slope " + brief(fit.slope, 3) + ", r = " + brief(fit.r, 3) + ", t(" +
              brief(fit.df, 3) + ") = " + brief(fit.t, 3) + ", " + p_text(fit.p) +
              ", n = " + std::to_string(fit.n) +
              (fit.slope_interval.defined()
                   ? ", slope 95% bootstrap interval [" + brief(fit.slope_interval.low, 3) + ", " +
                         brief(fit.slope_interval.high, 3) + "]"
                   : "");
    const std::string d = b.block(lines);
    if (!intervals.empty())
      p.plots.push_back(b.block(intervals) +
                        " using 1:2:3:4:5 with yerrorbars lc variable pt 7 ps 0 notitle");
    // Points coloured by model (labels name them); the key shows the marker kinds in black.
    p.plots.push_back(d + " using 2:3:4 with points pt 7 ps 1.8 lc variable notitle");
    p.plots.push_back("NaN with points pt 7 ps 1.8 lc rgb 'black' title " +
                      quoted(scaling ? "in the fit" : "models"));
    if (!others.empty()) {
      p.plots.push_back(b.block(others) +
                        " using 2:3:4 with points pt 6 ps 1.8 lc variable notitle");
      p.plots.push_back("NaN with points pt 6 ps 1.8 lc rgb 'black' title " +
                        quoted("not in the fit"));
    }
    p.plots.push_back("fit_line(x) with lines lt " + std::to_string(kFitStyle) + " title " +
                      quoted("least-squares line"));
    f.caption = scaling
                    ? "Human resemblance of each model's best layer against the base-10 logarithm "
                      "of its parameter count, with the least-squares line over the models of "
                      "the size series (METHODS.md 8)."
                    : std::string(fit.x == "bits_per_byte"
                                      ? "Next-token-prediction loss in bits per byte of the "
                                        "sentences (comparable across tokenizers, METHODS.md 10)"
                                      : "Next-token-prediction loss (mean cross-entropy per "
                                        "predicted token of the corpus)") +
                          " against human resemblance, one point per model, with the "
                          "least-squares line and Pearson's r (METHODS.md 7, 8).";
    if (!intervals.empty())
      f.caption +=
          " Vertical bars: each model's 95% bootstrap percentile interval of its "
          "resemblance (readers resampled).";
    if (fit.slope_interval.defined())
      f.caption +=
          " The slope's interval comes from the same resamples of readers, the same "
          "for every model (" +
          std::to_string(fit.resamples) + " resamples, seed " + fit.seed + ").";
    if (s.simulated(fit.store)) f.caption += " The readers are SIMULATED.";
    f.panels.push_back(p);
    out->push_back(f);
  }
}

// ---- trivial patterns -----------------------------------------------------------------------

void trivial_figure(const Study& s, std::vector<Figure>* out) {
  if (s.trivial.empty()) return;
  Builder b;
  Figure& f = b.figure;
  f.name = "trivial";
  f.title = "Reliance on trivial patterns (FIRST, SELF, PREV)";
  Panel p;
  p.title = "per layer (mean over heads); readers as horizontal lines";
  p.xlabel = "layer";
  p.ylabel = "R² on the three trivial patterns";
  int max_index = 0;
  for (const auto& t : s.trivial) {
    for (const auto& v : t.layers) max_index = std::max(max_index, v.index);
    p.plots.push_back(b.block(point_lines(t.layers)) + " using 1:2:3 with yerrorlines lt " +
                      std::to_string(model_style(s.manifest, t.model)) + " title " +
                      quoted(t.model));
  }
  layer_axis(&p, max_index);
  int dash = 2;
  for (const auto& h : s.human_reliance) {
    if (!std::isfinite(h.mean)) continue;
    p.plots.push_back(full(h.mean) + " with lines lt " + std::to_string(kReferenceStyle) + " dt " +
                      std::to_string(dash++) + " title " +
                      quoted(h.store + " " + h.group +
                             (s.simulated(h.store) ? " (SIMULATED)" : "") +
                             (h.n > 1 ? ", mean of " + std::to_string(h.n) + " readers" : "")));
    if (dash > 5) dash = 2;
  }
  f.panels.push_back(p);

  // Change from base to tuned, per layer.
  Panel c;
  c.title = "change from base to instruction-tuned model";
  c.xlabel = "layer";
  c.ylabel = "reliance of tuned - reliance of base";
  int max_c = -1;
  for (const auto& m : s.manifest.models) {
    if (m.base.empty()) continue;
    const TrivialSeries* tuned = s.trivial_of(m.name);
    const TrivialSeries* base = s.trivial_of(m.base);
    if (!tuned || !base || tuned->layers.size() != base->layers.size()) continue;
    std::vector<std::string> lines;
    for (size_t k = 0; k < tuned->layers.size(); ++k) {
      max_c = std::max(max_c, tuned->layers[k].index);
      lines.push_back(std::to_string(tuned->layers[k].index) + " " +
                      field(tuned->layers[k].mean - base->layers[k].mean));
    }
    c.plots.push_back(b.block(lines) + " using 1:2 with linespoints lt " +
                      std::to_string(model_style(s.manifest, m.name)) + " title " +
                      quoted(m.base + " -> " + m.name));
  }
  if (max_c >= 0) {
    layer_x_axis(&c, max_c);  // a difference: y may go below zero
    c.plots.push_back("0 with lines lt " + std::to_string(kReferenceStyle) + " notitle");
    f.panels.push_back(c);
  }
  f.height = f.panels.size() > 1 ? 900 : 560;
  f.caption =
      "R² of ordinary least squares of each head's word-level attention on the three context-free "
      "patterns (attend to the first word, to itself, to the previous word), averaged over the "
      "heads of a layer (error bars: standard error over heads). Dashed lines: the same "
      "reliance for human readers (mean over readers). " +
      std::string(max_c >= 0 ? "Right: reliance of each instruction-tuned model minus that of "
                               "its base model, per layer."
                             : "");
  out->push_back(f);
}

void trivial_readers_figure(const Study& s, std::vector<Figure>* out) {
  if (s.human_reliance.empty()) return;
  Builder b;
  Figure& f = b.figure;
  f.name = "trivial_readers";
  f.title = "Readers' reliance on trivial patterns, by group";
  Panel p;
  p.ylabel = "R² on the three trivial patterns";
  std::vector<std::string> points, means;
  std::vector<std::string> group_names;  // a group keeps its colour across stores
  std::string tics = "set xtics (";
  for (size_t g = 0; g < s.human_reliance.size(); ++g) {
    const auto& h = s.human_reliance[g];
    const size_t n = h.readers.size();
    auto it = std::find(group_names.begin(), group_names.end(), h.group);
    if (it == group_names.end()) it = group_names.insert(group_names.end(), h.group);
    const int colour = static_cast<int>(it - group_names.begin()) % kPaletteSize + 1;
    for (size_t k = 0; k < n; ++k) {
      const double jitter = n > 1 ? 0.3 * (static_cast<double>(k) / (n - 1) - 0.5) : 0.0;
      points.push_back(field(g + jitter) + " " + field(h.readers[k].second) + " " +
                       std::to_string(colour));
    }
    means.push_back(std::to_string(g) + " " + field(h.mean) + " " + sem_or_zero(h.sem));
    tics += (g ? ", " : "") +
            quoted(h.store + " " + h.group + (s.simulated(h.store) ? "\n(SIMULATED)" : "") +
                   (n > 1 ? "\nn = " + std::to_string(n) : "\ngroup mean")) +
            " " + std::to_string(g);
  }
  p.settings.push_back(tics + ")");
  p.settings.push_back("set xrange [-0.6:" + std::to_string(s.human_reliance.size() - 1) + ".6]");
  p.settings.push_back("set yrange [0:*]");
  p.settings.push_back("set bmargin 6");
  p.plots.push_back(b.block(points) + " using 1:2:3 with points pt 7 ps 1.1 lc variable notitle");
  p.plots.push_back("NaN with points pt 7 ps 1.1 lc rgb '#777777' title " +
                    quoted("one reader (or a group mean)"));
  p.plots.push_back(b.block(means) + " using 1:2:3 with yerrorbars lt " +
                    std::to_string(kFitStyle) + " pt 5 ps 1.8 title " +
                    quoted("mean ± standard error"));
  std::string tests;
  for (const auto& t : s.group_tests)
    tests += (tests.empty() ? "" : "; ") + t.store + " " + t.b + " vs " + t.a + ": " +
             (t.test == "welch"     ? "Welch"
              : t.test == "student" ? "Student"
                                    : t.test) +
             " t(" + brief(t.df, 3) + ") = " + brief(t.t, 3) + ", " + p_text(t.p);
  p.title = tests;
  f.panels.push_back(p);
  f.caption =
      "Reliance on the trivial patterns of each reader (points, spread sideways so they do "
      "not overlap) and the mean of each group with its standard error; the title gives "
      "the independent two-sample t-test between the groups (METHODS.md 8).";
  out->push_back(f);
}

}  // namespace

bool relative_depth(const Study& study, const std::string& layer_axis, const std::string& store,
                    const std::string& group) {
  if (layer_axis == "layer") return false;
  if (layer_axis == "depth") return true;
  if (layer_axis != "auto")
    throw InputError("--layer-axis must be auto, layer or depth, not '" + layer_axis + "'");
  std::set<size_t> depths;
  for (const auto* r : series_of(study, store, group)) depths.insert(r->layers.size());
  return depths.size() > 1;
}

std::vector<Figure> make_figures(const Study& study, const FigureOptions& options) {
  std::vector<Figure> figures;
  divergence_figure(study, &figures);
  prefix_figure(study, &figures);
  resemblance_figures(study, options, &figures);
  head_figures(study, &figures);
  tuning_figures(study, &figures);
  fit_figures(study, &figures);
  trivial_figure(study, &figures);
  trivial_readers_figure(study, &figures);
  return figures;
}

}  // namespace lmgaze::report
