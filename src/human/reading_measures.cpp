#include "human/reading_measures.hpp"

#include <limits>

namespace lmgaze::human {

namespace {
enum Column { kFfd, kGd, kTrt, kNfix, kSkip, kRegIn, kRegOut };
}  // namespace

std::vector<int64_t> word_offsets(const SentenceTable& sentences) {
  std::vector<int64_t> at(sentences.size() + 1, 0);
  for (size_t s = 0; s < sentences.size(); ++s) at[s + 1] = at[s] + sentences.n_words[s];
  return at;
}

std::vector<WordMeasures> reading_measures(const std::vector<Fixation>& in_order, int n_words,
                                           bool with_duration) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<const Fixation*> on_words;  // off-word fixations are ignored
  for (const auto& f : in_order)
    if (f.word >= 0) on_words.push_back(&f);

  std::vector<WordMeasures> m(static_cast<size_t>(n_words));
  for (auto& w : m) w = {nan, nan, 0, 0, 1, 0, 0};
  std::vector<char> first_pass_seen(static_cast<size_t>(n_words), 0);
  int rightmost = -1;  // the rightmost word fixated so far
  for (size_t k = 0; k < on_words.size(); ++k) {
    const int w = on_words[k]->word;
    WordMeasures& x = m[static_cast<size_t>(w)];
    x[kNfix] += 1;
    x[kTrt] += on_words[k]->duration_ms;
    if (k > 0 && on_words[k - 1]->word > w) x[kRegIn] = 1;
    // First pass: no word right of w fixated before; the first such fixation
    // on w opens the first-pass run.
    if (w >= rightmost && !first_pass_seen[static_cast<size_t>(w)]) {
      first_pass_seen[static_cast<size_t>(w)] = 1;
      x[kSkip] = 0;
      x[kFfd] = on_words[k]->duration_ms;
      size_t end = k;  // the run: consecutive fixations on w
      double gaze = 0;
      while (end < on_words.size() && on_words[end]->word == w)
        gaze += on_words[end++]->duration_ms;
      x[kGd] = gaze;
      if (end < on_words.size() && on_words[end]->word < w) x[kRegOut] = 1;
    }
    if (w > rightmost) rightmost = w;
  }
  if (!with_duration)
    for (auto& w : m) w[kFfd] = w[kGd] = w[kTrt] = nan;
  return m;
}

}  // namespace lmgaze::human
