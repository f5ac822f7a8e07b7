// How a fixation report names its columns: lmgaze's own fixations CSV, an
// EyeLink Data Viewer fixation report, or pymovements fixation events, and a
// --columns mapping over any of them (README.md, "Human data as labs export it").
//
// Roles (the names lmgaze's own CSV uses for them):
//   subject      the reader
//   group        L1, L2, ... (else from --groups GROUPS.csv)
//   article, sentence   the sentence read (else trial + --trials TRIALS.csv)
//   trial        the trial label, mapped to (article, sentence) by TRIALS.csv
//   fixation     the fixation's number in the trial (or, pymovements, its onset)
//   word         the word fixated (interest area), 0- or 1-based; a missing
//                value means a fixation off the words
//   duration_ms  the fixation's duration in ms (optional)
//   event        pymovements: the event name; rows not naming a fixation are
//                skipped
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/csv.hpp"
#include "human/import.hpp"

namespace lmgaze::human {

struct FixationLayout {
  std::string format;                         // "plain" | "eyelink" | "pymovements"
  std::map<std::string, std::string> column;  // role -> column name
  int word_base = 0;                          // the first word's index in the file
  bool order_by_time = false;                 // `fixation` is an onset time, not a number
  CsvOptions csv;                             // delimiter, missing-value tokens
};

// The preset `format` ("" = plain; "eyelink-fixation-report" = "eyelink"),
// overridden by `columns` ("role=NAME,role=NAME"), `word_base` ("" = the
// preset's, "0" or "1") and `delimiter` ("" = detected, "comma", "tab").
// InputError naming an unknown format, role, base or delimiter.
FixationLayout fixation_layout(const std::string& format, const std::string& columns,
                               const std::string& word_base, const std::string& delimiter);

// TRIALS.csv: trial, article, sentence[, subject] -> a sentence of the text.
class TrialMap {
 public:
  TrialMap() = default;
  TrialMap(const std::string& path, const TextShape& text);
  bool empty() const { return path_.empty(); }
  const std::string& path() const { return path_; }
  // The sentence of (subject, trial); -1 when the file has no such trial.
  long find(const std::string& subject, const std::string& trial) const;
  bool per_subject() const { return per_subject_; }

 private:
  std::string path_;
  bool per_subject_ = false;
  std::map<std::pair<std::string, std::string>, size_t> sentence_;
};

// GROUPS.csv: subject, group.
class GroupMap {
 public:
  GroupMap() = default;
  explicit GroupMap(const std::string& path);
  bool empty() const { return path_.empty(); }
  const std::string& path() const { return path_; }
  const std::string* find(const std::string& subject) const;  // nullptr when absent

 private:
  std::string path_;
  std::map<std::string, std::string> group_;
};

// The human side's CSV files (sentences, saccades, mappings): comma or tab,
// no comments, only an empty field missing.
CsvOptions human_csv_options();

// "group 'X' cannot name an HDF5 group" etc.; empty when the name is fine.
std::string group_name_problem(const std::string& group);

}  // namespace lmgaze::human
