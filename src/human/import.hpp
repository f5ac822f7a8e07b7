// `lmgaze human import`: fixation reports or saccade matrices -> human store.
//
// Inputs (README.md in this folder has the full contract):
//   the sentences   --text FILE (METHODS.md 1) or --sentences CSV
//                   (article, sentence, n_words) when only the shape is known
//   the data        --fixations CSV (group, subject, article, sentence,
//                   fixation, word, [duration_ms]) or --saccades CSV (group,
//                   subject, article, sentence, from_word, to_word, value),
//                   optionally with --saccade-durations CSV for the duration view
// Every row is validated against the sentences; the first problem is an
// InputError naming the file and line, and no output is left behind.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "human/human_store.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze::human {

// The sentences a store is about, and where they came from.
struct TextShape {
  SentenceTable table;
  std::string kind;                                      // "text" | "sentences"
  std::string source;                                    // the path given
  std::map<std::pair<int64_t, int64_t>, size_t> lookup;  // (article, index) -> sentence

  long find(int64_t article, int64_t index) const;  // -1 when absent
};

TextShape load_text(const std::string& path);           // plain-text corpus
TextShape load_sentences_csv(const std::string& path);  // article, sentence, n_words

// Groups read from the data files, before exclusions.
struct ImportedData {
  std::vector<GroupData> groups;  // sorted by name; subjects in natural order
  bool has_duration = false;
  bool simulated = false;  // a `simulated` column said 1
};

struct FixationLayout;
class TrialMap;
class GroupMap;

// Fixations in `layout` (human/fixation_layout.hpp); sentences through
// `trials` and groups through `groups` where those are not empty.
ImportedData read_fixations(const std::string& path, const TextShape& text,
                            const FixationLayout& layout, const TrialMap& trials,
                            const GroupMap& groups);
// `duration_path` may be empty (count view only).
ImportedData read_saccades(const std::string& count_path, const std::string& duration_path,
                           const TextShape& text);

// Removes the readers named "GROUP:SUBJECT" (each entry may hold several,
// comma-separated); InputError for a malformed entry or a reader that is not
// in the data. Returns the canonical record "G:S,G:S" (in the order given).
std::string apply_exclusions(std::vector<GroupData>& groups,
                             const std::vector<std::string>& exclude,
                             const std::string& data_source);

// One line per reader with no data for a whole article or for some sentences
// of one, and per sentence no reader of a group has data for. When
// `partial_readers` is given, it receives the number of readers with data in
// only some of the articles.
std::vector<std::string> missing_data_notes(const std::vector<GroupData>& groups,
                                            const SentenceTable& sentences,
                                            size_t* partial_readers = nullptr);

struct ImportOptions {
  std::string text;               // --text
  std::string sentences;          // --sentences
  std::string fixations;          // --fixations
  std::string format;             // --format: plain | eyelink | pymovements
  std::string columns;            // --columns role=NAME,...
  std::string word_base;          // --word-base 0 | 1 ("" = the format's)
  std::string delimiter;          // --delimiter comma | tab ("" = detected)
  std::string trials;             // --trials TRIALS.csv
  std::string groups;             // --groups GROUPS.csv
  std::string saccades;           // --saccades
  std::string saccade_durations;  // --saccade-durations
  std::vector<std::string> exclude;
  std::string out;
};

// Validates the options, reads, validates, writes `out` atomically; notes and
// a closing summary line go to `log`.
void import_human(const ImportOptions& options, std::ostream& log);

// "s2" < "s10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace lmgaze::human
