// `lmgaze human summary`: what a human store holds, per group.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "human/human_store.hpp"

namespace lmgaze::human {

struct GroupSummary {
  std::string name;
  size_t readers = 0;
  size_t sentences_covered = 0;        // sentences at least one reader has data for
  size_t reader_sentences = 0;         // (reader, sentence) pairs with data
  int64_t nan_count = 0;               // NaN (skipped) values in the count view
  int64_t nan_duration = -1;           // same in the duration view (-1: no duration view)
  bool has_upper = false;              // forward saccades stored (upper_count)
  double mean_saccades = 0;            // per (reader, sentence) with data: sum of S
  double regression_share = 0;         // sum over j < i / sum of S
  double refixation_share = 0;         // sum over j == i / sum of S
  double ms_per_saccade = -1;          // sum of D / sum of S (-1: no duration view)
  int64_t off_word_fixations = -1;     // -1: not built from fixations
  int64_t uncounted_transitions = -1;  // idem
  int64_t mean_readers_min = -1, mean_readers_max = -1;  // mean stores: readers averaged
  std::vector<std::string> notes;                        // readers / sentences without data
  size_t partial_readers = 0;                            // readers with data in only some articles
  // Reading measures (stores from fixations): the mean of each (kMeasureNames
  // order) over the (reader, word) values that are not NaN; empty: none stored.
  std::vector<double> measure_means;
};

std::vector<GroupSummary> summarize(const HumanStore& store);

// The report `lmgaze human summary` prints.
void print_summary(const HumanStore& store, std::ostream& out);

}  // namespace lmgaze::human
