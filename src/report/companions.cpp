#include "report/companions.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "report/figures.hpp"

namespace lmgaze::report {

namespace {

std::string yes_no(bool v) { return v ? "yes" : "no"; }
std::string whole(long v) { return std::to_string(v); }
std::string sg(const Study& s, const std::string& store, const std::string& group) {
  return store + " " + group + (s.simulated(store) ? " [SIMULATED]" : "");
}

// (store, group) pairs in the order the items first name them.
template <class T>
std::vector<std::pair<std::string, std::string>> keys_of(const std::vector<T>& items) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& i : items)
    if (std::find(keys.begin(), keys.end(), std::make_pair(i.store, i.group)) == keys.end())
      keys.emplace_back(i.store, i.group);
  return keys;
}

OutTable cv_table(const Study& s) {
  OutTable t{"resemblance_cv",
             "Paper's score vs cross-validated score",
             "paper: best layer by in-sample mean R² over the reader-on-mean noise ceiling "
             "(METHODS.md 5); cv: the layer chosen inside each fold by sentence, R² on the "
             "held-out sentences, over the cross-validated ceiling (METHODS.md 10); fold_layers: "
             "the layer each fold chose",
             {"model", "store", "group", "simulated", "paper_layer", "paper_mean_r2",
              "paper_noise_ceiling", "paper_resemblance", "cv_folds", "fold_layers",
              "folds_on_paper_layer", "cv_mean_r2", "cv_noise_ceiling", "cv_resemblance"},
             {}};
  for (const auto& r : s.resemblance) {
    if (!r.cv.present) continue;
    std::string layers;
    long same = 0;
    for (const int l : r.cv.fold_layers) {
      layers += (layers.empty() ? "" : " ") + (l < 0 ? std::string("none") : std::to_string(l));
      same += l == r.best.layer;
    }
    t.rows.push_back({r.model, r.store, r.group, yes_no(s.simulated(r.store)), whole(r.best.layer),
                      full(r.best.mean_r2), full(r.best.noise_ceiling), full(r.best.resemblance),
                      whole(r.cv.k), layers, r.cv.fold_layers.empty() ? "" : whole(same),
                      full(r.cv.mean_r2_cv), full(r.cv.cv_noise_ceiling),
                      full(r.cv.cv_resemblance)});
  }
  return t;
}

OutTable split_half_table(const Study& s) {
  OutTable t{"noise_ceiling_split_half",
             "Split-half reliability beside the paper's noise ceiling",
             "reader_on_mean: the paper's ceiling, mean over readers of the R² of a reader on "
             "the group mean (METHODS.md 5); split_half_reliability: Spearman-Brown 2r / (1 + r) "
             "of the correlation r of the two half-group means, mean over random splits "
             "(METHODS.md 10), the reliability of the group mean, a different quantity",
             {"store", "group", "simulated", "n_readers", "reader_on_mean", "reader_on_mean_sem",
              "splits", "r_half_mean", "split_half_reliability", "split_half_sd"},
             {}};
  for (const auto& c : s.ceilings) {
    if (!c.split_half.present) continue;
    const SplitHalf& h = c.split_half;
    t.rows.push_back({c.store, c.group, yes_no(s.simulated(c.store)), whole(h.n_readers),
                      full(c.mean), full(c.sem), whole(h.splits), full(h.r_half_mean),
                      full(h.reliability_mean), full(h.reliability_sd)});
  }
  return t;
}

OutTable pca_table(const Study& s) {
  OutTable t{"resemblance_pca",
             "Fixed-capacity resemblance (first k principal components)",
             "not the paper's resemblance: OLS on the first k principal components of each "
             "layer's heads (components from the training sentences of each fold), layer chosen "
             "inside the folds, cross-validated R² over the cross-validated ceiling; "
             "paper_resemblance beside it for comparison",
             {"model", "store", "group", "simulated", "k", "folds", "mean_r2_cv",
              "cv_noise_ceiling", "pca_cv_resemblance", "paper_resemblance"},
             {}};
  for (const auto& p : s.pca) {
    const ResemblanceSeries* r = s.resemblance_of(p.model, p.store, p.group);
    t.rows.push_back({p.model, p.store, p.group, yes_no(s.simulated(p.store)), whole(p.k),
                      whole(p.folds), full(p.mean_r2_cv), full(p.cv_noise_ceiling),
                      full(p.resemblance), r ? full(r->best.resemblance) : ""});
  }
  return t;
}

OutTable measure_table(const Study& s) {
  OutTable t{"resemblance_measures",
             "Reading-measure resemblance per layer",
             "R² of ordinary least squares of a reader's per-word reading measure on the "
             "attention each word receives from each head of the layer (METHODS.md 11), mean "
             "over readers; mean_r2_cv: cross-validated by sentence folds when the run asked",
             {"model", "store", "group", "simulated", "measure", "layer", "readers", "mean_r2",
              "mean_r2_cv"},
             {}};
  for (const auto& m : s.measures)
    for (const auto& l : m.layers)
      t.rows.push_back({m.model, m.store, m.group, yes_no(s.simulated(m.store)), m.measure,
                        whole(l.layer), whole(l.readers), full(l.mean_r2), full(l.mean_r2_cv)});
  return t;
}

struct Scored {
  std::string model;
  double paper = 0, cv = 0;
  size_t place = 0;  // in the manifest: breaks ties when listing
};

int sign(double v) { return (v > 0) - (v < 0); }

// "m-l (0.155) > m-m (0.1) = m-s (0.1)": highest first.
std::string order_text(std::vector<Scored> v, double Scored::*score) {
  std::stable_sort(v.begin(), v.end(),
                   [score](const Scored& a, const Scored& b) { return a.*score > b.*score; });
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    if (k) out += v[k - 1].*score == v[k].*score ? " = " : " > ";
    out += v[k].model + " (" + brief(v[k].*score, 3) + ")";
  }
  return out;
}

}  // namespace

std::vector<OutTable> companion_tables(const Study& study) {
  std::vector<OutTable> out;
  for (OutTable t :
       {cv_table(study), split_half_table(study), pca_table(study), measure_table(study)})
    if (!t.empty()) out.push_back(std::move(t));
  return out;
}

std::vector<std::string> ordering_words(const Study& study) {
  std::vector<std::string> out;
  const Manifest& m = study.manifest;
  for (const auto& [store, group] : keys_of(study.resemblance)) {
    std::vector<Scored> all, scale;
    int folds = 0;
    bool same_folds = true;
    for (size_t k = 0; k < m.models.size(); ++k) {
      const ResemblanceSeries* r = study.resemblance_of(m.models[k].name, store, group);
      if (!r || !r->cv.present || !std::isfinite(r->best.resemblance) ||
          !std::isfinite(r->cv.cv_resemblance))
        continue;
      if (folds && r->cv.k != folds) same_folds = false;
      folds = r->cv.k;
      const Scored sc{r->model, r->best.resemblance, r->cv.cv_resemblance, k};
      all.push_back(sc);
      if (m.models[k].role == "scale") scale.push_back(sc);
    }
    const bool by_scale = scale.size() >= 2;
    const std::vector<Scored>& v = by_scale ? scale : all;
    if (v.size() < 2) continue;
    std::vector<std::string> swapped, tied;
    for (size_t i = 0; i < v.size(); ++i)
      for (size_t j = i + 1; j < v.size(); ++j) {
        const int a = sign(v[i].paper - v[j].paper), b = sign(v[i].cv - v[j].cv);
        if (a == b) continue;
        (a == -b ? swapped : tied).push_back(v[i].model + " and " + v[j].model);
      }
    auto list = [](const std::vector<std::string>& pairs) {
      std::string t;
      for (size_t k = 0; k < pairs.size(); ++k) t += (k ? "; " : "") + pairs[k];
      return t;
    };
    std::string text = std::string(by_scale ? "Scale models" : "Models") + " on " +
                       sg(study, store, group) +
                       ", ordered by the paper's score (best layer in sample over the "
                       "reader-on-mean ceiling): " +
                       order_text(v, &Scored::paper) + "; by the cross-validated score (" +
                       (same_folds ? std::to_string(folds) + " folds" : "folds differ") +
                       ", layer chosen inside the folds): " + order_text(v, &Scored::cv) + ". ";
    if (swapped.empty() && tied.empty()) {
      text += std::string("The same order: the ") + (by_scale ? "scaling " : "") +
              "ordering of the paper's score survives cross-validation.";
    } else {
      text += std::string("A different order: the ") + (by_scale ? "scaling " : "") +
              "ordering of the paper's score does not survive cross-validation";
      if (!swapped.empty())
        text += std::string(" (") + (swapped.size() == 1 ? "pair" : "pairs") +
                " that change places: " + list(swapped) + ")";
      if (!tied.empty()) text += std::string(" (tied in one score only: ") + list(tied) + ")";
      text += ".";
    }
    out.push_back(text);
  }
  return out;
}

std::vector<Figure> measure_figures(const Study& study) {
  std::vector<Figure> out;
  std::vector<std::pair<std::string, std::string>> done;  // (measure, store.group)
  for (const auto& first : study.measures) {
    const auto key = std::make_pair(first.measure, first.store + "." + first.group);
    if (std::find(done.begin(), done.end(), key) != done.end()) continue;
    done.push_back(key);
    Figure f;
    f.name = "measure." + first.measure + "." + first.store + "." + first.group;
    f.title = "Reading measure " + first.measure +
              " on each layer's heads: " + sg(study, first.store, first.group);
    Panel p;
    p.xlabel = "layer";
    p.ylabel = "R² of readers' " + first.measure + " on the layer's heads (mean over readers)";
    p.title = "variant: reading measure " + first.measure + " (METHODS.md 11), not saccades";
    int max_layer = 0;
    for (const auto& m : study.measures) {
      if (m.measure != first.measure || m.store != first.store || m.group != first.group) continue;
      std::vector<std::string> lines;
      for (const auto& l : m.layers) {
        max_layer = std::max(max_layer, l.layer);
        lines.push_back(std::to_string(l.layer) + " " + field(l.mean_r2));
      }
      const std::string block = "d" + std::to_string(f.data.size());
      f.data.emplace_back(block, lines);
      p.plots.push_back("$" + block + " using 1:2 with linespoints lt " +
                        std::to_string(model_style(study.manifest, m.model)) + " title " +
                        quoted(m.model) + " noenhanced");
    }
    p.settings.push_back("set xrange [-0.5:" + std::to_string(max_layer) + ".5]");
    if (max_layer <= 24) p.settings.push_back("set xtics 1");
    p.settings.push_back("set yrange [0:*]");
    f.caption = "In-sample R² of ordinary least squares of each reader's per-word " +
                first.measure +
                " on the attention each word receives from every head of one layer (with "
                "intercept), averaged over the readers of " +
                first.group + ", for every model and layer: the reading-measure variant of " +
                "METHODS.md 11, not the paper's saccade resemblance." +
                (study.simulated(first.store) ? " The readers are SIMULATED." : "");
    f.panels.push_back(p);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace lmgaze::report
