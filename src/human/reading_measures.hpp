// Per-word reading measures of one reader on one sentence (METHODS.md 11).
//
// From the fixations in time order, off-word fixations dropped (they break
// nothing here), for word w:
//   first pass   the fixations on w before any fixation on a word right of w;
//                none: w was skipped in first pass (skip = 1)
//   ffd          duration of the first first-pass fixation on w
//   gd           durations summed over the first run of consecutive fixations
//                on w in first pass
//   trt          durations summed over every fixation on w
//   nfix         fixations on w
//   reg_in       1 if some fixation on w came from a word right of w
//   reg_out      1 if the first-pass run on w ended with a saccade to a word
//                left of w
// ffd and gd are NaN for a word skipped in first pass; trt and nfix are 0 for
// a word never fixated; reg_out is 0 for a word without a first-pass run.
// Without durations (a report with no duration column) ffd, gd and trt are NaN.
#pragma once

#include <array>
#include <vector>

#include "human/measure_names.hpp"
#include "human/saccades.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze::human {

// One word's measures, indexed like kMeasureNames.
using WordMeasures = std::array<double, kMeasures>;

// Where each sentence's words start in a [*, n_words] measure row:
// [n_sentences + 1], the last entry the corpus's word count.
std::vector<int64_t> word_offsets(const SentenceTable& sentences);

// `in_order`: one trial's fixations sorted by time (word -1: off the words);
// word indices < n_words. Returns n_words entries.
std::vector<WordMeasures> reading_measures(const std::vector<Fixation>& in_order, int n_words,
                                           bool with_duration);

}  // namespace lmgaze::human
