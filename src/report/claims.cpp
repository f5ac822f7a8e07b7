#include "report/claims.hpp"

#include <algorithm>

#include "report/tables.hpp"

namespace lmgaze::report {

namespace {

std::string interval_text(const Interval& i) {
  return "[" + brief(i.low, 3) + ", " + brief(i.high, 3) + "]";
}

// "m-l 0.155 [0.14, 0.17]": a model's resemblance with its interval.
std::string scored(const ResemblanceSeries& r) {
  return r.model + " " + brief(r.best.resemblance, 3) + " " + interval_text(r.best.interval);
}

std::string where(const Study& s, const std::string& store, const std::string& group) {
  return store + " " + group + (s.simulated(store) ? " [SIMULATED]" : "");
}

std::string resamples_text(long resamples, const std::string& seed) {
  return std::to_string(resamples) + " resamples of readers, seed " + seed;
}

void scaling_claims(const Study& s, std::vector<std::string>* out) {
  const double alpha = s.tuning.empty() ? 0.05 : s.tuning.front().alpha;  // as the report's tests
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : s.resemblance)
    if (std::find(keys.begin(), keys.end(), std::make_pair(r.store, r.group)) == keys.end())
      keys.emplace_back(r.store, r.group);
  for (const auto& [store, group] : keys) {
    const std::string claim =
        "Claim \"larger models resemble human readers more\" (" + where(s, store, group) + "): ";
    const Fit* fit = nullptr;
    for (const auto& f : s.fits)
      if (f.what == "scaling" && f.store == store && f.group == group && f.slope_interval.defined())
        fit = &f;
    if (fit) {
      const Interval& i = fit->slope_interval;
      const std::string of = "the scaling slope " + brief(fit->slope, 3) +
                             " (resemblance per tenfold parameters) has the 95% bootstrap "
                             "interval " +
                             interval_text(i);
      out->push_back(claim +
                     (i.low > 0    ? "holds under the intervals: " + of + ", above 0"
                      : i.high < 0 ? "contradicted: " + of + ", below 0"
                                   : "not established: " + of + ", which includes 0") +
                     " (" + resamples_text(fit->resamples, fit->seed) +
                     "). This interval reflects which readers were sampled, with these " +
                     std::to_string(fit->n) +
                     " models fixed; the fit's test, which also counts the models' spread "
                     "around the line, gives " +
                     p_text(fit->p) + ", " + (fit->p < alpha ? "significant" : "not significant") +
                     " at α = " + brief(alpha, 3) + ".");
      continue;
    }
    // Without a slope interval: the smallest and the largest model of the size series.
    std::vector<std::pair<double, const ResemblanceSeries*>> sized;
    for (const auto& r : s.resemblance) {
      const ModelInfo* mi = s.manifest.model(r.model);
      if (r.store == store && r.group == group && mi && mi->role == "scale" && mi->n_params > 0 &&
          r.best.interval.defined())
        sized.emplace_back(mi->n_params, &r);
    }
    if (sized.size() < 2) continue;
    std::sort(sized.begin(), sized.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    const ResemblanceSeries& small = *sized.front().second;
    const ResemblanceSeries& large = *sized.back().second;
    const std::string pair =
        "the largest model, " + scored(large) + ", and the smallest, " + scored(small);
    out->push_back(
        claim +
        (large.best.interval.low > small.best.interval.high
             ? "holds under the intervals: " + pair + ", do not overlap, the largest above"
         : large.best.interval.high < small.best.interval.low
             ? "contradicted: " + pair + ", do not overlap, the largest below"
             : "not established: the intervals of " + pair + ", overlap") +
        " (95% bootstrap intervals, " + resamples_text(large.resamples, large.seed) + ").");
  }
}

// " Layer by layer, the paired tests find ...": the best layer's interval and
// the per-layer tests answer different questions, so both are said.
std::string layer_tests(const Study& s, const std::string& tuned, const std::string& store,
                        const std::string& group) {
  for (const auto& t : s.tuning)
    if (t.tuned == tuned && t.store == store && t.group == group && t.value == "r2")
      return " Layer by layer, the paired tests find the tuned model significantly higher in " +
             std::to_string(t.higher) + " and lower in " + std::to_string(t.lower) + " of " +
             std::to_string(t.layers.size()) + " layers.";
  return "";
}

void tuning_claims(const Study& s, std::vector<std::string>* out) {
  for (const auto& m : s.manifest.models) {
    if (m.base.empty()) continue;
    for (const auto& tuned : s.resemblance) {
      if (tuned.model != m.name || !tuned.best.interval.defined()) continue;
      const ResemblanceSeries* base = s.resemblance_of(m.base, tuned.store, tuned.group);
      if (!base || !base->best.interval.defined()) continue;
      const std::string pair =
          "the tuned model " + scored(tuned) + " against its base " + scored(*base);
      out->push_back(
          "Claim \"instruction tuning does not raise resemblance\" (" + m.base + " → " + m.name +
          ", " + where(s, tuned.store, tuned.group) + "): " +
          (tuned.best.interval.low > base->best.interval.high
               ? "does not hold: " + pair + " lies entirely above it"
           : tuned.best.interval.high < base->best.interval.low
               ? "holds under the intervals: " + pair + " lies entirely below it (lowered)"
               : "holds under the intervals: " + pair + " does not lie above it (they overlap)") +
          " (95% bootstrap intervals, " + resamples_text(tuned.resamples, tuned.seed) + ")." +
          layer_tests(s, m.name, tuned.store, tuned.group));
    }
  }
}

void group_claims(const Study& s, std::vector<std::string>* out) {
  for (size_t i = 0; i < s.resemblance.size(); ++i)
    for (size_t j = i + 1; j < s.resemblance.size(); ++j) {
      const ResemblanceSeries& a = s.resemblance[i];
      const ResemblanceSeries& b = s.resemblance[j];
      if (a.model != b.model || a.store != b.store || a.group == b.group ||
          !a.best.interval.defined() || !b.best.interval.defined())
        continue;
      const bool b_more = b.best.resemblance > a.best.resemblance;
      const ResemblanceSeries& hi = b_more ? b : a;
      const ResemblanceSeries& lo = b_more ? a : b;
      const bool apart = hi.best.interval.low > lo.best.interval.high;
      out->push_back(a.model + " resembles " + hi.group + " readers more than " + lo.group +
                     " readers (" + a.store + (s.simulated(a.store) ? " [SIMULATED]" : "") +
                     "; resemblance " + brief(hi.best.resemblance, 3) + " " +
                     interval_text(hi.best.interval) + " vs " + brief(lo.best.resemblance, 3) +
                     " " + interval_text(lo.best.interval) + "): " +
                     (apart ? "the intervals do not overlap, so the difference holds under them."
                            : "the intervals overlap, so the difference is not established."));
    }
}

}  // namespace

std::vector<std::string> claims_under_intervals(const Study& study) {
  std::vector<std::string> out;
  scaling_claims(study, &out);
  tuning_claims(study, &out);
  group_claims(study, &out);
  return out;
}

}  // namespace lmgaze::report
