// `lmgaze human simulate`: SIMULATED readers for the demo (no real
// eye-tracking data can be bundled). The output is a fixations CSV that
// `lmgaze human import` reads; its `simulated` column is 1 on every row, so
// the store it becomes has simulated = 1 and `human summary` says so.
//
// The reader model (deliberately simple, documented in README.md):
//   - each trial starts on word 0 (on word 1 when word 0 is skipped);
//   - after each fixation on word i the reader refixates i, regresses to an
//     earlier word, or moves forward; a forward saccade skips the next word
//     with a probability that rises with its frequency proxy and falls with
//     its length, at most two words in a row; moving past the last word ends
//     the trial;
//   - frequency proxy: 1 for a closed list of function words, otherwise
//     max(0, 1 - letters/10);
//   - a regression goes to i-1 (65%) or to an earlier word uniformly; the next
//     forward move either continues from there or jumps back to just past the
//     furthest word read (50/50);
//   - the last word adds a wrap-up regression chance;
//   - now and then (1.5%) a fixation off the words (word -1, a blink or a
//     look at the margin) is inserted; it does not change the position;
//   - durations are log-normal around base + per-letter + low-frequency terms;
//     refixations are shorter;
//   - every reader draws its own speed, skipping, regression and refixation
//     tendencies, so readers differ (a group mean is not any one reader);
//   - L2 readers: more regressions and refixations, fewer skips, longer
//     fixations than L1.
// Deterministic: the same text, readers and seed give the same CSV. The draws
// are lmgaze's own over std::mt19937_64 (std:: distributions differ between
// standard libraries); a reader's stream depends on (seed, group, reader
// number) only, so adding readers leaves the others unchanged.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/corpus.hpp"

namespace lmgaze::human {

struct ReaderProfile {
  double skip_logit = 0;        // intercept of the skipping logit
  double refix_base = 0;        // refixation probability of a short word
  double refix_per_letter = 0;  // added per letter beyond 5
  double regress_base = 0;      // regression probability after a fixation
  double regress_wrapup = 0;    // added on the last word
  double dur_base_ms = 0;       // fixation duration: base
  double dur_per_letter_ms = 0;
  double dur_rare_ms = 0;  // added for (1 - frequency proxy)
};

ReaderProfile profile_for(const std::string& group);  // "L1" | "L2"; InputError otherwise

struct ReaderCount {
  std::string group;
  int count = 0;
};

// "L1:20,L2:20" -> {{L1, 20}, {L2, 20}}; InputError when malformed.
std::vector<ReaderCount> parse_reader_counts(const std::string& spec);

double frequency_proxy(const std::string& word);
int letters(const std::string& word);

// Writes the fixations CSV (header: group,subject,article,sentence,fixation,
// word,duration_ms,simulated) for every reader and every sentence of `corpus`.
// Returns the number of fixation rows.
int64_t simulate_readers(const Corpus& corpus, const std::vector<ReaderCount>& readers,
                         uint64_t seed, std::ostream& csv);

}  // namespace lmgaze::human
