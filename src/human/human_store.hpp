// The human store: saccade matrices of readers, grouped (L1, L2, ...), in one
// HDF5 file written by `lmgaze human import` / `human mean` and read by every
// analysis (layout documented in src/human/README.md).
//
//   root attributes  format = "lmgaze-human", format_version = 1 (int64),
//                    text_kind ("text" | "sentences"), text_source,
//                    data_kind ("fixations" | "saccades"), data_source,
//                    simulated (int64 0/1), excluded ("L1:1,L2:7" or ""),
//                    mean_of ("" or the per-reader store a mean was made from),
//                    lmgaze_version, complete (int64; set to 1 last)
//   /sentences/*                  SentenceTable (io/sentence_table.hpp)
//   /groups/<G>/subjects          strings [n_subjects]
//   /groups/<G>/count             float64 [n_subjects, n_pairs]  tril(S), NaN = no data
//   /groups/<G>/upper_count       float64 [n_subjects, n_pairs]  tril(S^T): forward saccades
//   /groups/<G>/duration          float64 [n_subjects, n_pairs]  tril(D) (when available)
//   /groups/<G>/upper_duration    float64 [n_subjects, n_pairs]  tril(D^T)
//   /groups/<G>/off_word_fixations     int64 [n_subjects]  (fixations input only)
//   /groups/<G>/uncounted_transitions  int64 [n_subjects]  (fixations input only)
//   /groups/<G>/measures/<M>      float64 [n_subjects, n_words]  reading measures
//                                 ffd gd trt nfix skip reg_in reg_out (fixations
//                                 input only; absent in older stores)
//   /groups/<G>/mean_n_readers         int64 [n_sentences] (group-mean stores only)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/hdf5.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze {

class HumanStore {
 public:
  explicit HumanStore(const std::string& path);  // InputError if not lmgaze-human or not complete
  const std::string& path() const;
  const SentenceTable& sentences() const;
  std::vector<std::string> groups() const;
  // InputError naming the file, the group and the groups present.
  const std::vector<std::string>& subjects(const std::string& group) const;
  bool has_view(const std::string& group, const std::string& view) const;  // "count" | "duration"
  // [subject_end-subject_begin, pairs of sentences [s_begin, s_end)] row-major; NaN = missing.
  // `view` may also be "upper_count" / "upper_duration" where the store has them.
  std::vector<double> read(const std::string& group, const std::string& view, size_t subject_begin,
                           size_t subject_end, size_t s_begin, size_t s_end) const;
  // Reading measures (METHODS.md 11): whether the group has them, and one as
  // [n_subjects, n_words] row-major (words of all sentences in corpus order).
  bool has_measures(const std::string& group) const;
  std::vector<double> read_measure(const std::string& group, const std::string& measure) const;
  std::string attribute(const std::string& name) const;  // string attrs like text_kind, excluded
  bool simulated() const;

 private:
  h5::File file_;
  SentenceTable sentences_;
  std::map<std::string, std::vector<std::string>> subjects_;
};

namespace human {

inline constexpr const char* kFormat = "lmgaze-human";

// Plausible limits of eye-tracking data, checked at import and again whenever
// a store is read (a store edited by hand gets the same answer). They are far
// above anything a reader produces and far below what breaks double sums
// (1e308 squared is inf; a noise ceiling of 0 and a resemblance of inf follow).
//   a fixation lasts more than 0 and at most 60 s;
//   a trial (one reader, one sentence) has at most 10 000 fixations, so a
//   count-view value is at most 10 000 and a duration-view value at most
//   10 000 x 60 000 ms.
inline constexpr double kMaxFixationMs = 60000.0;
inline constexpr double kMaxTrialFixations = 10000.0;
inline constexpr double kMaxSaccadeCount = kMaxTrialFixations;
inline constexpr double kMaxSaccadeDurationMs = kMaxTrialFixations * kMaxFixationMs;

// The upper limit of a view's values ("count", "upper_count": counts; else ms).
double view_limit(const std::string& view);

// Root attributes of a store besides format, version and complete.
struct StoreMeta {
  std::string text_kind;    // "text" | "sentences"
  std::string text_source;  // path given
  std::string data_kind;    // "fixations" | "saccades"
  std::string data_source;  // the data file(s), "; "-separated
  bool simulated = false;
  std::string excluded;  // "L1:1,L2:7" or ""
  std::string mean_of;   // "" or the per-reader store a group-mean store was made from
};

// One group in memory, in the store's layout.
struct GroupData {
  std::string name;
  std::vector<std::string> subjects;
  // [n_subjects, n_pairs] row-major; NaN where the reader has no data for a sentence.
  std::vector<double> count, upper_count;
  std::vector<double> duration, upper_duration;  // empty when there is no duration view
  // [n_subjects]; empty unless built from fixations.
  std::vector<int64_t> off_word_fixations, uncounted_transitions;
  // Reading measures (fixations input only): one [n_subjects, n_words] array
  // per name of kMeasureNames (human/reading_measures.hpp); NaN where the
  // reader has no data for the sentence.
  std::vector<std::vector<double>> measures;
  // [n_sentences]; group-mean stores only: readers averaged per sentence.
  std::vector<int64_t> mean_n_readers;
};

// Writes a complete store through AtomicOutput (PATH.partial, renamed at the
// end): a failure leaves no file under `path`.
void write_store(const std::string& path, const SentenceTable& sentences, const StoreMeta& meta,
                 const std::vector<GroupData>& groups);

}  // namespace human
}  // namespace lmgaze
