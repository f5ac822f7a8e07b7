#include "human/summary.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

#include "common/error.hpp"
#include "common/tril.hpp"
#include "human/import.hpp"
#include "human/reading_measures.hpp"

namespace lmgaze::human {

std::vector<GroupSummary> summarize(const HumanStore& store) {
  const SentenceTable& t = store.sentences();
  const size_t n_sent = t.size();
  const auto n_pairs = static_cast<size_t>(t.n_pairs());
  h5::File file = h5::File::open_read(store.path());
  std::vector<GroupSummary> out;
  for (const auto& name : store.groups()) {
    GroupSummary g;
    g.name = name;
    const auto& subjects = store.subjects(name);
    g.readers = subjects.size();
    const auto lower = store.read(name, "count", 0, g.readers, 0, n_sent);
    g.has_upper = store.has_view(name, "upper_count");
    const auto upper = g.has_upper ? store.read(name, "upper_count", 0, g.readers, 0, n_sent)
                                   : std::vector<double>();
    std::vector<char> covered(n_sent, 0);
    double total = 0, regress = 0, refix = 0;
    for (size_t r = 0; r < g.readers; ++r)
      for (size_t s = 0; s < n_sent; ++s) {
        const size_t at = r * n_pairs + static_cast<size_t>(t.pair_offset[s]);
        const int n = t.n_words[s];
        if (std::isnan(lower[at])) continue;
        covered[s] = 1;
        ++g.reader_sentences;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j <= i; ++j) {
            const double v = lower[at + tril_index(i, j)];
            if (i == j) {
              refix += v;
            } else {
              regress += v;
              if (g.has_upper) total += upper[at + tril_index(i, j)];  // forward j -> i
            }
            total += v;
          }
      }
    for (double v : lower) g.nan_count += std::isnan(v) ? 1 : 0;
    for (char c : covered) g.sentences_covered += c;
    g.mean_saccades = g.reader_sentences ? total / static_cast<double>(g.reader_sentences) : 0;
    g.regression_share = total > 0 ? regress / total : 0;
    g.refixation_share = total > 0 ? refix / total : 0;
    if (store.has_view(name, "duration")) {
      const auto dur = store.read(name, "duration", 0, g.readers, 0, n_sent);
      const auto dur_up = store.has_view(name, "upper_duration")
                              ? store.read(name, "upper_duration", 0, g.readers, 0, n_sent)
                              : std::vector<double>();
      g.nan_duration = 0;
      double sum = 0;
      for (size_t s = 0; s < n_sent; ++s)
        for (size_t r = 0; r < g.readers; ++r) {
          const size_t at = r * n_pairs + static_cast<size_t>(t.pair_offset[s]);
          const int n = t.n_words[s];
          for (int i = 0; i < n; ++i)
            for (int j = 0; j <= i; ++j) {
              const size_t k = at + static_cast<size_t>(tril_index(i, j));
              if (std::isnan(dur[k])) {
                ++g.nan_duration;
                continue;
              }
              sum += dur[k];
              if (i != j && !dur_up.empty()) sum += dur_up[k];
            }
        }
      g.ms_per_saccade = total > 0 ? sum / total : 0;
    }
    const std::string gp = "/groups/" + name;
    if (file.exists(gp + "/off_word_fixations")) {
      g.off_word_fixations = g.uncounted_transitions = 0;
      for (int64_t v : file.read_vector<int64_t>(gp + "/off_word_fixations"))
        g.off_word_fixations += v;
      for (int64_t v : file.read_vector<int64_t>(gp + "/uncounted_transitions"))
        g.uncounted_transitions += v;
    }
    if (file.exists(gp + "/mean_n_readers")) {
      const auto n = file.read_vector<int64_t>(gp + "/mean_n_readers");
      if (!n.empty()) {
        g.mean_readers_min = *std::min_element(n.begin(), n.end());
        g.mean_readers_max = *std::max_element(n.begin(), n.end());
      }
    }
    GroupData data;
    data.name = name;
    data.subjects = subjects;
    data.count = lower;
    g.notes = missing_data_notes({data}, t, &g.partial_readers);
    if (store.has_measures(name))
      for (const char* measure : kMeasureNames) {
        double sum = 0;
        int64_t n = 0;
        for (double v : store.read_measure(name, measure))
          if (!std::isnan(v)) {
            sum += v;
            ++n;
          }
        g.measure_means.push_back(n > 0 ? sum / static_cast<double>(n) : std::nan(""));
      }
    out.push_back(std::move(g));
  }
  return out;
}

namespace {
// Attributes a store from another writer may lack.
std::string attribute_or(const HumanStore& store, const std::string& name,
                         const std::string& dflt) {
  try {
    return store.attribute(name);
  } catch (const InputError&) {
    return dflt;
  }
}
}  // namespace

void print_summary(const HumanStore& store, std::ostream& out) {
  const SentenceTable& t = store.sentences();
  out << store.path() << ": human store, " << t.size() << " sentences from "
      << store.attribute("text_kind") << " " << store.attribute("text_source") << "\n";
  out << "data: " << store.attribute("data_kind") << " from "
      << attribute_or(store, "data_source", "?") << "\n";
  if (store.simulated())
    out << "READERS ARE SIMULATED (lmgaze human simulate), not eye-tracking data\n";
  const std::string mean_of = attribute_or(store, "mean_of", "");
  if (!mean_of.empty()) out << "group means of " << mean_of << "\n";
  const std::string excluded = store.attribute("excluded");
  out << "excluded readers: " << (excluded.empty() ? "none" : excluded) << "\n";
  const bool from_fixations = store.attribute("data_kind") == "fixations";
  out << std::fixed;
  for (const auto& g : summarize(store)) {
    const int64_t values = static_cast<int64_t>(g.readers) * t.n_pairs();
    out << "\ngroup " << g.name << "\n";
    out << "  readers                     " << g.readers;
    if (g.mean_readers_min >= 0)
      out << " (group mean of " << g.mean_readers_min
          << (g.mean_readers_max > g.mean_readers_min ? "-" + std::to_string(g.mean_readers_max)
                                                      : std::string())
          << " readers per sentence)";
    out << "\n";
    out << "  sentences covered           " << g.sentences_covered << " of " << t.size() << " ("
        << g.reader_sentences << " reader-sentences with data)\n";
    out << "  NaN (skipped) values        " << g.nan_count << " of " << values << " (count view)";
    if (g.nan_duration >= 0) out << ", " << g.nan_duration << " (duration view)";
    out << "\n";
    out << std::setprecision(3);
    out << "  mean saccades per sentence  " << g.mean_saccades
        << (g.has_upper ? "" : "  (lower triangle only: forward saccades not stored)") << "\n";
    out << std::setprecision(1);
    out << "  regressions (j < i)         " << 100 * g.regression_share << "%\n";
    out << "  refixations (j == i)        " << 100 * g.refixation_share << "%\n";
    if (g.ms_per_saccade >= 0)
      out << "  duration view               " << g.ms_per_saccade << " ms per saccade"
          << (from_fixations ? " (landing fixation)" : "") << "\n";
    if (g.off_word_fixations >= 0)
      out << "  off-word fixations          " << g.off_word_fixations << " ("
          << g.uncounted_transitions << " fixation-to-fixation transitions not counted)\n";
    if (!g.measure_means.empty()) {
      const auto& m = g.measure_means;  // ffd gd trt nfix skip reg_in reg_out
      out << "  reading measures (means)    FFD " << m[0] << " ms, GD " << m[1] << " ms, TRT "
          << m[2] << " ms, fixations per word " << std::setprecision(2) << m[3]
          << std::setprecision(1) << ", skipped " << 100 * m[4] << "%, regression-in " << 100 * m[5]
          << "%, regression-out " << 100 * m[6] << "%\n";
    }
    if (g.partial_readers > 0)
      out << "  readers with data in only some articles: " << g.partial_readers << "\n";
    const size_t shown = std::min<size_t>(g.notes.size(), 20);
    for (size_t i = 0; i < shown; ++i) out << "  note: " << g.notes[i] << "\n";
    if (g.notes.size() > shown)
      out << "  note: ... and " << g.notes.size() - shown << " more readers without some data\n";
  }
}

}  // namespace lmgaze::human
