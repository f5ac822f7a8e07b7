// `lmgaze human measures`: a store's reading measures as one tidy CSV.
//
// One row per reader x word of every sentence the reader has data for, in
// store order (groups, readers, sentences, words), columns
//   subject, group, article, sentence, word (0-based index in the sentence),
//   text (the word; empty when the store has no text), ffd, gd, trt, nfix,
//   skip, reg_in, reg_out (an empty field: a missing value).
#pragma once

#include <string>
#include <vector>

#include "human/human_store.hpp"

namespace lmgaze::human {

// The header of the table.
std::vector<std::string> measures_header();
// The rows (strings as written); InputError for a store without measures.
std::vector<std::vector<std::string>> measures_rows(const HumanStore& store);
// Writes the table to `out` through OUT.partial.
void write_measures_csv(const HumanStore& store, const std::string& out);

}  // namespace lmgaze::human
