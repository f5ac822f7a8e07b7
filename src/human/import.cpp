#include "human/import.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "common/corpus.hpp"
#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/tril.hpp"
#include "human/fixation_layout.hpp"
#include "human/reading_measures.hpp"
#include "human/saccades.hpp"

namespace lmgaze::human {

// The human side's CSV files: comma- or tab-separated (told by the header), no
// comment lines.

// ---- sentences --------------------------------------------------------------

long TextShape::find(int64_t article, int64_t index) const {
  auto it = lookup.find({article, index});
  return it == lookup.end() ? -1 : static_cast<long>(it->second);
}

namespace {

void build_lookup(TextShape& t) {
  for (size_t s = 0; s < t.table.size(); ++s) t.lookup[{t.table.article[s], t.table.index[s]}] = s;
}

std::string sentence_name(int64_t article, int64_t index) {
  return "(" + std::to_string(article) + ", " + std::to_string(index) + ")";
}

}  // namespace

TextShape load_text(const std::string& path) {
  TextShape t;
  const Corpus corpus = read_corpus(path);
  t.table = SentenceTable::from_corpus(corpus);
  t.kind = "text";
  t.source = path;
  build_lookup(t);
  return t;
}

TextShape load_sentences_csv(const std::string& path) {
  CsvReader csv(path, human_csv_options());
  const size_t c_article = csv.require("article"), c_sentence = csv.require("sentence"),
               c_words = csv.require("n_words");
  TextShape t;
  t.kind = "sentences";
  t.source = path;
  std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, long>> seen;  // -> (n_words, line)
  while (csv.next()) {
    const int64_t a = csv.integer(c_article), s = csv.integer(c_sentence), n = csv.integer(c_words);
    if (a < 0 || s < 0) csv.fail("article and sentence must be >= 0");
    if (n < 1) csv.fail("n_words " + std::to_string(n) + " (a sentence has at least one word)");
    if (n > kMaxSentenceWords)
      csv.fail("n_words " + std::to_string(n) + " (a sentence has at most " +
               std::to_string(kMaxSentenceWords) + " words)");
    auto it = seen.find({a, s});
    if (it != seen.end()) {
      if (it->second.first != n)
        csv.fail("mixed sentence lengths for sentence " + sentence_name(a, s) + ": n_words " +
                 std::to_string(n) + " here, " + std::to_string(it->second.first) + " at line " +
                 std::to_string(it->second.second));
      csv.fail("sentence " + sentence_name(a, s) + " listed twice (first at line " +
               std::to_string(it->second.second) + ")");
    }
    seen[{a, s}] = {n, csv.line()};
    // Corpus order: articles 0, 1, 2, ... and inside each sentences 0, 1, 2, ...
    const int64_t prev_a = t.table.size() ? t.table.article.back() : -1;
    const int64_t prev_s = t.table.size() ? t.table.index.back() : -1;
    const bool in_order = (a == prev_a && s == prev_s + 1) || (a == prev_a + 1 && s == 0);
    if (!in_order)
      csv.fail("sentence " + sentence_name(a, s) + " out of order: rows must list articles 0, 1, " +
               "... and the sentences of each 0, 1, ... (previous row " +
               (prev_a < 0 ? std::string("none") : sentence_name(prev_a, prev_s)) + ")");
    t.table.article.push_back(static_cast<int>(a));
    t.table.index.push_back(static_cast<int>(s));
    t.table.n_words.push_back(static_cast<int>(n));
  }
  if (t.table.size() == 0) throw InputError(path, "sentences CSV holds no sentence");
  t.table.pair_offset = tril_offsets(t.table.n_words);
  build_lookup(t);
  return t;
}

// ---- ordering ----------------------------------------------------------------

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && digit(a[i2])) ++i2;
      while (j2 < b.size() && digit(b[j2])) ++j2;
      size_t ia = i, jb = j;  // skip leading zeros
      while (ia + 1 < i2 && a[ia] == '0') ++ia;
      while (jb + 1 < j2 && b[jb] == '0') ++jb;
      if (i2 - ia != j2 - jb) return i2 - ia < j2 - jb;
      int c = a.compare(ia, i2 - ia, b, jb, j2 - jb);
      if (c != 0) return c < 0;
      if (i2 - i != j2 - j) return i2 - i < j2 - j;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

namespace {

// ---- shared row checks -----------------------------------------------------

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// One reader's matrices for one sentence, full n x n, while reading.
struct Cell {
  int n = 0;
  long first_line = 0;
  std::vector<double> count, duration;  // [n, n]
  std::vector<char> seen;               // saccades CSV: entry present
  int64_t filled = 0;
  int max_index = -1;
  int64_t off_word = 0, uncounted = 0;
  std::vector<WordMeasures> measures;  // [n] (fixations input only)
};

// group -> subject -> sentence -> cell
using Cells = std::map<std::string, std::map<std::string, std::map<size_t, Cell>>>;

// Columns every data file shares, and their checks. The group comes from a
// column or from GROUPS.csv, the sentence from article and sentence columns
// or from a trial column and TRIALS.csv.
struct RowColumns {
  size_t subject;
  long group, article, sentence, trial;  // -1: resolved through a mapping
  long n_words, simulated;               // optional (-1)
};

std::string role_column(const std::map<std::string, std::string>& names, const std::string& role) {
  auto it = names.find(role);
  return it == names.end() ? role : it->second;
}

RowColumns locate_columns(const CsvReader& csv, const std::map<std::string, std::string>& names,
                          const TrialMap& trials, const GroupMap& groups) {
  RowColumns c;
  c.subject = csv.require(role_column(names, "subject"));
  c.group = names.count("group") ? csv.find(names.at("group")) : -1;
  if (c.group >= 0 && !groups.empty())
    throw InputError(csv.source(), 1,
                     "column '" + names.at("group") + "' and --groups " + groups.path() +
                         " both give the groups: give one");
  if (c.group < 0 && groups.empty())
    c.group = static_cast<long>(csv.require(role_column(names, "group")));
  const std::string article = role_column(names, "article"),
                    sentence = role_column(names, "sentence");
  c.article = csv.find(article);
  c.sentence = csv.find(sentence);
  c.trial = -1;
  if (trials.empty()) {
    c.article = static_cast<long>(csv.require(article));
    c.sentence = static_cast<long>(csv.require(sentence));
  } else {
    if (c.article >= 0 || c.sentence >= 0)
      throw InputError(csv.source(), 1,
                       "columns '" + article + "'/'" + sentence + "' and --trials " +
                           trials.path() + " both give the sentence read: give one");
    c.trial = static_cast<long>(csv.require(role_column(names, "trial")));
  }
  c.n_words = csv.find("n_words");
  c.simulated = csv.find("simulated");
  return c;
}

struct RowKey {
  std::string group, subject;
  size_t sentence;
  int n;
};

// Checks group, subject, the sentence (and n_words, simulated when present).
class RowChecker {
 public:
  RowChecker(const TextShape& text, const TrialMap& trials, const GroupMap& groups)
      : text_(text), trials_(trials), groups_(groups) {}

  RowKey check(const CsvReader& csv, const RowColumns& c) {
    RowKey k;
    k.subject = csv.field(c.subject);
    if (k.subject.empty() || csv.missing(c.subject)) csv.fail("empty subject");
    if (c.group >= 0) {
      k.group = csv.field(static_cast<size_t>(c.group));
    } else {
      const std::string* g = groups_.find(k.subject);
      if (!g) csv.fail("subject " + k.subject + " is not in " + groups_.path());
      k.group = *g;
    }
    const std::string problem = group_name_problem(k.group);
    if (!problem.empty()) csv.fail(problem);
    long found = -1;
    int64_t a = 0, s = 0;
    if (c.trial >= 0) {
      const std::string trial = csv.field(static_cast<size_t>(c.trial));
      if (csv.missing(static_cast<size_t>(c.trial))) csv.fail("empty trial");
      found = trials_.find(k.subject, trial);
      if (found < 0)
        csv.fail("trial " + trial + (trials_.per_subject() ? " of subject " + k.subject : "") +
                 " maps to no sentence: it is not in " + trials_.path());
      a = text_.table.article[static_cast<size_t>(found)];
      s = text_.table.index[static_cast<size_t>(found)];
    } else {
      a = csv.integer(static_cast<size_t>(c.article));
      s = csv.integer(static_cast<size_t>(c.sentence));
      found = text_.find(a, s);
      if (found < 0)
        csv.fail("sentence " + sentence_name(a, s) + " is not in " + text_.source + " (" +
                 std::to_string(text_.table.size()) + " sentences)");
    }
    k.sentence = static_cast<size_t>(found);
    k.n = text_.table.n_words[k.sentence];
    if (c.n_words >= 0) {
      const int64_t n = csv.integer(static_cast<size_t>(c.n_words));
      auto it = n_words_seen_.find(k.sentence);
      if (it != n_words_seen_.end() && it->second.first != n)
        csv.fail("mixed sentence lengths for sentence " + sentence_name(a, s) + ": n_words " +
                 std::to_string(n) + " here, " + std::to_string(it->second.first) + " at line " +
                 std::to_string(it->second.second));
      if (n != k.n)
        csv.fail("n_words " + std::to_string(n) + " for sentence " + sentence_name(a, s) +
                 ", which has " + std::to_string(k.n) + " words in " + text_.source);
      if (it == n_words_seen_.end()) n_words_seen_[k.sentence] = {n, csv.line()};
    }
    if (c.simulated >= 0) {
      const int64_t v = csv.integer(static_cast<size_t>(c.simulated));
      if (v != 0 && v != 1) csv.fail("simulated must be 0 or 1");
      if (simulated_ >= 0 && v != simulated_)
        csv.fail("mixed simulated values (" + std::to_string(simulated_) + " at line " +
                 std::to_string(simulated_line_) +
                 "): real and simulated readers cannot share a "
                 "store");
      if (simulated_ < 0) {
        simulated_ = v;
        simulated_line_ = csv.line();
      }
    }
    return k;
  }

  // Checks a word index column: [0, n) (or -1/empty when `off_word_ok`).
  int word(const CsvReader& csv, size_t column, const RowKey& k, const std::string& name,
           bool off_word_ok) const {
    const std::string& text = csv.field(column);
    if (off_word_ok && text.find_first_not_of(' ') == std::string::npos) return -1;
    const int64_t w = csv.integer(column);
    if (off_word_ok && w == -1) return -1;
    if (w < 0)
      csv.fail(name + " " + std::to_string(w) + " is negative" +
               (off_word_ok ? " (use -1 or empty for a fixation off the words)" : ""));
    if (w >= k.n)
      csv.fail(name + " " + std::to_string(w) + " out of range: sentence " +
               text_.table.name(k.sentence) + " has " + std::to_string(k.n) + " words in " +
               text_.source);
    return static_cast<int>(w);
  }

  // The word of a fixation row, counted from `base` in the file: a missing
  // value (or -1 where words count from 0) is a fixation off the words.
  int fixated_word(const CsvReader& csv, size_t column, const RowKey& k, int base) const {
    if (csv.missing(column)) return -1;
    if (base == 0) return word(csv, column, k, csv.table().header[column], true);
    const int64_t raw = csv.integer(column);
    const std::string name = csv.table().header[column];
    if (raw < 1)
      csv.fail(name + " " + csv.field(column) +
               ": interest areas are numbered from 1 here (--word-base 1); a fixation off the " +
               "words has a missing value");
    if (raw > k.n)
      csv.fail("interest area " + std::to_string(raw) + " (" + name +
               ") does not exist in sentence " + text_.table.name(k.sentence) + ", which has " +
               std::to_string(k.n) + " words in " + text_.source);
    return static_cast<int>(raw - 1);
  }

  bool simulated() const { return simulated_ == 1; }

 private:
  const TextShape& text_;
  const TrialMap& trials_;
  const GroupMap& groups_;
  std::map<size_t, std::pair<int64_t, long>> n_words_seen_;
  int64_t simulated_ = -1;
  long simulated_line_ = 0;
};

std::string reader_name(const std::string& group, const std::string& subject) {
  return group + " reader " + subject;
}

// Cells -> the store's dense per-group arrays.
std::vector<GroupData> assemble(const Cells& cells, const SentenceTable& table, bool with_duration,
                                bool with_fixation_counts) {
  std::vector<GroupData> groups;
  const auto n_pairs = static_cast<size_t>(table.n_pairs());
  const std::vector<int64_t> word_at = word_offsets(table);
  const auto n_words = static_cast<size_t>(word_at.back());
  for (const auto& [gname, subjects] : cells) {
    GroupData g;
    g.name = gname;
    for (const auto& [sname, sentences] : subjects) g.subjects.push_back(sname);
    std::sort(g.subjects.begin(), g.subjects.end(), natural_less);
    const size_t rows = g.subjects.size();
    g.count.assign(rows * n_pairs, kNaN);
    g.upper_count.assign(rows * n_pairs, kNaN);
    if (with_duration) {
      g.duration.assign(rows * n_pairs, kNaN);
      g.upper_duration.assign(rows * n_pairs, kNaN);
    }
    if (with_fixation_counts) {
      g.off_word_fixations.assign(rows, 0);
      g.uncounted_transitions.assign(rows, 0);
      g.measures.assign(kMeasures, std::vector<double>(rows * n_words, kNaN));
    }
    for (size_t r = 0; r < rows; ++r) {
      for (const auto& [s, cell] : subjects.at(g.subjects[r])) {
        const size_t at = r * n_pairs + static_cast<size_t>(table.pair_offset[s]);
        pack_lower(cell.count.data(), cell.n, &g.count[at]);
        pack_upper(cell.count.data(), cell.n, &g.upper_count[at]);
        if (with_duration) {
          pack_lower(cell.duration.data(), cell.n, &g.duration[at]);
          pack_upper(cell.duration.data(), cell.n, &g.upper_duration[at]);
        }
        if (with_fixation_counts) {
          g.off_word_fixations[r] += cell.off_word;
          g.uncounted_transitions[r] += cell.uncounted;
          for (size_t w = 0; w < cell.measures.size(); ++w)
            for (size_t m = 0; m < kMeasures; ++m)
              g.measures[m][r * n_words + static_cast<size_t>(word_at[s]) + w] =
                  cell.measures[w][m];
        }
      }
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

}  // namespace

// ---- fixations ---------------------------------------------------------------

ImportedData read_fixations(const std::string& path, const TextShape& text,
                            const FixationLayout& layout, const TrialMap& trials,
                            const GroupMap& groups) {
  CsvReader csv(path, layout.csv);
  const RowColumns c = locate_columns(csv, layout.column, trials, groups);
  const size_t c_fix = csv.require(role_column(layout.column, "fixation")),
               c_word = csv.require(role_column(layout.column, "word"));
  const long c_dur =
      layout.column.count("duration_ms") ? csv.find(layout.column.at("duration_ms")) : -1;
  const long c_event =
      layout.column.count("event") ? static_cast<long>(csv.require(layout.column.at("event"))) : -1;
  RowChecker checker(text, trials, groups);
  // group -> subject -> sentence -> fixation number (or onset) -> fixation
  std::map<std::string, std::map<std::string, std::map<size_t, std::map<double, Fixation>>>>
      trials_read;
  long rows = 0;
  while (csv.next()) {
    // pymovements: saccades, blinks, ... share the table; only fixations count.
    if (c_event >= 0 && csv.field(static_cast<size_t>(c_event)).rfind("fixation", 0) != 0) continue;
    ++rows;
    const RowKey k = checker.check(csv, c);
    Fixation f;
    const double order =
        layout.order_by_time ? csv.number(c_fix) : static_cast<double>(csv.integer(c_fix));
    f.order = static_cast<int64_t>(order);
    f.word = checker.fixated_word(csv, c_word, k, layout.word_base);
    f.line = csv.line();
    if (c_dur >= 0) {
      f.duration_ms = csv.number(static_cast<size_t>(c_dur));
      const std::string range = " (a fixation lasts more than 0 and at most 60000 ms)";
      if (f.duration_ms < 0) csv.fail("negative duration_ms " + csv.field(c_dur) + range);
      if (!(f.duration_ms > 0 && f.duration_ms <= kMaxFixationMs))
        csv.fail("duration_ms " + csv.field(c_dur) + " out of range" + range);
    }
    auto& trial = trials_read[k.group][k.subject][k.sentence];
    auto [it, fresh] = trial.emplace(order, f);
    if (!fresh)
      csv.fail("duplicate fixation " + csv.field(c_fix) + " in the trial of " +
               reader_name(k.group, k.subject) + " on sentence " + text.table.name(k.sentence) +
               " (first at line " + std::to_string(it->second.line) + ")");
    if (static_cast<double>(trial.size()) > kMaxTrialFixations)
      csv.fail("more than 10000 fixations in the trial of " + reader_name(k.group, k.subject) +
               " on sentence " + text.table.name(k.sentence) + " (not one reading of a sentence)");
  }
  if (rows == 0) throw InputError(path, "fixations CSV holds no data rows");

  const bool with_duration = c_dur >= 0;
  Cells cells;
  for (const auto& [g, subjects] : trials_read)
    for (const auto& [subj, sentences] : subjects)
      for (const auto& [s, trial] : sentences) {
        std::vector<Fixation> fixations;  // in time order
        for (const auto& [order, f] : trial) {
          fixations.push_back(f);
          // Onsets are times, not numbers: their rank is the fixation number.
          if (layout.order_by_time) fixations.back().order = static_cast<int64_t>(fixations.size());
        }
        const int n = text.table.n_words[s];
        Cell& cell = cells[g][subj][s];
        cell.measures = reading_measures(fixations, n, with_duration);
        TrialMatrices m = saccade_matrices(std::move(fixations), n);
        cell.n = m.n;
        cell.count = std::move(m.count);
        cell.duration = std::move(m.duration);
        cell.off_word = m.off_word_fixations;
        cell.uncounted = m.uncounted;
      }
  ImportedData data;
  data.has_duration = with_duration;
  data.simulated = checker.simulated();
  data.groups = assemble(cells, text.table, data.has_duration, true);
  return data;
}

// ---- saccades ----------------------------------------------------------------

namespace {

// Reads one saccades CSV (one view) into cells; each matrix must be complete.
// `limit`: the largest plausible value (human_store.hpp); `what` names it.
Cells read_saccade_file(const std::string& path, const TextShape& text, double limit,
                        const std::string& what, bool* simulated) {
  CsvReader csv(path, human_csv_options());
  const TrialMap no_trials;
  const GroupMap no_groups;
  const RowColumns c = locate_columns(csv, {}, no_trials, no_groups);
  const size_t c_from = csv.require("from_word"), c_to = csv.require("to_word"),
               c_value = csv.require("value");
  RowChecker checker(text, no_trials, no_groups);
  Cells cells;
  long rows = 0;
  while (csv.next()) {
    ++rows;
    const RowKey k = checker.check(csv, c);
    const int i = checker.word(csv, c_from, k, "from_word", false);
    const int j = checker.word(csv, c_to, k, "to_word", false);
    const double v = csv.number(c_value);
    if (v < 0) csv.fail("negative value " + csv.field(c_value));
    if (v > limit)
      csv.fail("value " + csv.field(c_value) + " out of range: " + what + " is at most " +
               std::to_string(static_cast<long long>(limit)));
    Cell& cell = cells[k.group][k.subject][k.sentence];
    if (cell.n == 0) {
      cell.n = k.n;
      cell.first_line = csv.line();
      cell.count.assign(static_cast<size_t>(k.n) * k.n, 0.0);
      cell.seen.assign(static_cast<size_t>(k.n) * k.n, 0);
    }
    const size_t at = static_cast<size_t>(i) * k.n + j;
    if (cell.seen[at])
      csv.fail("duplicate entry from_word " + std::to_string(i) + ", to_word " + std::to_string(j) +
               " in the matrix of " + reader_name(k.group, k.subject) + " for sentence " +
               text.table.name(k.sentence));
    cell.seen[at] = 1;
    cell.count[at] = v;
    ++cell.filled;
    cell.max_index = std::max(cell.max_index, std::max(i, j));
  }
  if (rows == 0) throw InputError(path, "saccades CSV holds no data rows");
  for (const auto& [g, subjects] : cells)
    for (const auto& [subj, sentences] : subjects)
      for (const auto& [s, cell] : sentences) {
        const int64_t want = static_cast<int64_t>(cell.n) * cell.n;
        if (cell.filled == want) continue;
        const std::string what = "matrix of " + reader_name(g, subj) + " for sentence " +
                                 text.table.name(s) + " (first row here) ";
        const std::string n = std::to_string(cell.n);
        if (cell.max_index + 1 < cell.n)
          throw InputError(path, cell.first_line,
                           what + "is " + std::to_string(cell.max_index + 1) + " x " +
                               std::to_string(cell.max_index + 1) + " but the sentence has " + n +
                               " words in " + text.source +
                               " (mixed sentence lengths? matrices must be n x n)");
        throw InputError(path, cell.first_line,
                         what + "has " + std::to_string(cell.filled) + " of the " + n + " x " + n +
                             " entries; matrices must be square with the sentence's length");
      }
  *simulated = checker.simulated();
  return cells;
}

}  // namespace

ImportedData read_saccades(const std::string& count_path, const std::string& duration_path,
                           const TextShape& text) {
  ImportedData data;
  bool sim_count = false, sim_duration = false;
  Cells cells = read_saccade_file(count_path, text, kMaxSaccadeCount,
                                  "a saccade count of one reader on one sentence", &sim_count);
  data.simulated = sim_count;
  if (!duration_path.empty()) {
    Cells durations =
        read_saccade_file(duration_path, text, kMaxSaccadeDurationMs,
                          "a saccade duration (ms) of one reader on one sentence", &sim_duration);
    if (sim_duration != sim_count)
      throw InputError(duration_path, "simulated flag differs from " + count_path);
    for (auto& [g, subjects] : cells)
      for (auto& [subj, sentences] : subjects)
        for (auto& [s, cell] : sentences) {
          auto gi = durations.find(g);
          const Cell* d = nullptr;
          if (gi != durations.end()) {
            auto si = gi->second.find(subj);
            if (si != gi->second.end()) {
              auto ci = si->second.find(s);
              if (ci != si->second.end()) d = &ci->second;
            }
          }
          if (!d)
            throw InputError(duration_path, "no duration matrix for " + reader_name(g, subj) +
                                                " on sentence " + text.table.name(s) + ", which " +
                                                count_path + " has (line " +
                                                std::to_string(cell.first_line) + ")");
          cell.duration = d->count;
        }
    for (const auto& [g, subjects] : durations)
      for (const auto& [subj, sentences] : subjects)
        for (const auto& [s, cell] : sentences) {
          bool present = cells.count(g) && cells.at(g).count(subj) && cells.at(g).at(subj).count(s);
          if (!present)
            throw InputError(duration_path, cell.first_line,
                             "duration matrix of " + reader_name(g, subj) + " for sentence " +
                                 text.table.name(s) + " has no count matrix in " + count_path);
        }
    data.has_duration = true;
  }
  data.groups = assemble(cells, text.table, data.has_duration, false);
  return data;
}

// ---- exclusions and notes ------------------------------------------------------

std::string apply_exclusions(std::vector<GroupData>& groups,
                             const std::vector<std::string>& exclude,
                             const std::string& data_source) {
  std::vector<std::pair<std::string, std::string>> readers;
  for (const auto& entry : exclude) {
    size_t begin = 0;
    while (begin <= entry.size()) {
      size_t end = entry.find(',', begin);
      if (end == std::string::npos) end = entry.size();
      const std::string item = entry.substr(begin, end - begin);
      begin = end + 1;
      const size_t colon = item.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
        throw InputError("--exclude '" + entry + "': expected GROUP:SUBJECT[,GROUP:SUBJECT...], " +
                         "e.g. L1:1");
      std::pair<std::string, std::string> r{item.substr(0, colon), item.substr(colon + 1)};
      if (std::find(readers.begin(), readers.end(), r) == readers.end()) readers.push_back(r);
    }
  }
  std::string record;
  for (const auto& [gname, subject] : readers) {
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const GroupData& x) { return x.name == gname; });
    if (g == groups.end()) {
      std::string present;
      for (const auto& x : groups) present += (present.empty() ? "" : ", ") + x.name;
      throw InputError(data_source, "--exclude " + gname + ":" + subject + ": no group '" + gname +
                                        "' (groups: " + present + ")");
    }
    auto it = std::find(g->subjects.begin(), g->subjects.end(), subject);
    if (it == g->subjects.end()) {
      std::string some;
      for (size_t i = 0; i < g->subjects.size() && i < 8; ++i)
        some += (i ? ", " : "") + g->subjects[i];
      if (g->subjects.size() > 8) some += ", ...";
      throw InputError(data_source, "--exclude " + gname + ":" + subject + ": no reader '" +
                                        subject + "' in group " + gname + " (readers: " + some +
                                        ")");
    }
    const size_t r = static_cast<size_t>(it - g->subjects.begin());
    const size_t n_pairs = g->subjects.empty() ? 0 : g->count.size() / g->subjects.size();
    auto erase_row = [&](std::vector<double>& v) {
      if (!v.empty()) v.erase(v.begin() + r * n_pairs, v.begin() + (r + 1) * n_pairs);
    };
    erase_row(g->count);
    erase_row(g->upper_count);
    erase_row(g->duration);
    erase_row(g->upper_duration);
    for (auto& m : g->measures) {
      const size_t n_words = m.size() / g->subjects.size();
      m.erase(m.begin() + r * n_words, m.begin() + (r + 1) * n_words);
    }
    if (!g->off_word_fixations.empty()) {
      g->off_word_fixations.erase(g->off_word_fixations.begin() + r);
      g->uncounted_transitions.erase(g->uncounted_transitions.begin() + r);
    }
    g->subjects.erase(it);
    if (g->subjects.empty())
      throw InputError(data_source, "--exclude leaves group " + gname + " without readers");
    record += (record.empty() ? "" : ",") + gname + ":" + subject;
  }
  return record;
}

std::vector<std::string> missing_data_notes(const std::vector<GroupData>& groups,
                                            const SentenceTable& sentences,
                                            size_t* partial_readers) {
  if (partial_readers) *partial_readers = 0;
  std::vector<std::string> notes;
  const auto n_pairs = static_cast<size_t>(sentences.n_pairs());
  // Articles as [first sentence, end).
  std::vector<std::pair<size_t, size_t>> articles;
  for (size_t s = 0; s < sentences.size(); ++s) {
    if (s == 0 || sentences.article[s] != sentences.article[s - 1]) articles.push_back({s, s});
    articles.back().second = s + 1;
  }
  for (const auto& g : groups) {
    std::vector<int> readers_with(sentences.size(), 0);
    for (size_t r = 0; r < g.subjects.size(); ++r) {
      size_t articles_read = 0;
      for (const auto& [b, e] : articles) {
        for (size_t s = b; s < e; ++s)
          if (!std::isnan(g.count[r * n_pairs + sentences.pair_offset[s]])) {
            ++articles_read;
            break;
          }
      }
      if (partial_readers && articles_read > 0 && articles_read < articles.size())
        ++*partial_readers;
      for (const auto& [b, e] : articles) {
        size_t missing = 0;
        for (size_t s = b; s < e; ++s) {
          const bool has = !std::isnan(g.count[r * n_pairs + sentences.pair_offset[s]]);
          missing += has ? 0 : 1;
          readers_with[s] += has ? 1 : 0;
        }
        if (missing == 0) continue;
        const std::string article = "article " + std::to_string(sentences.article[b]);
        if (missing == e - b)
          notes.push_back(reader_name(g.name, g.subjects[r]) + ": no data for " + article + " (" +
                          std::to_string(e - b) + " sentences, stored as NaN)");
        else
          notes.push_back(reader_name(g.name, g.subjects[r]) + ": no data for " +
                          std::to_string(missing) + " of the " + std::to_string(e - b) +
                          " sentences of " + article + " (stored as NaN)");
      }
    }
    size_t uncovered = 0;
    for (size_t s = 0; s < sentences.size(); ++s) uncovered += readers_with[s] == 0 ? 1 : 0;
    if (uncovered > 0)
      notes.push_back("group " + g.name + ": " + std::to_string(uncovered) + " of " +
                      std::to_string(sentences.size()) + " sentences have no reader at all");
  }
  return notes;
}

// ---- the command -------------------------------------------------------------

void import_human(const ImportOptions& o, std::ostream& log) {
  if (o.text.empty() == o.sentences.empty())
    throw InputError("lmgaze human import: give exactly one of --text FILE or --sentences CSV");
  if (o.fixations.empty() == o.saccades.empty())
    throw InputError("lmgaze human import: give exactly one of --fixations CSV or --saccades CSV");
  if (!o.saccade_durations.empty() && o.saccades.empty())
    throw InputError("lmgaze human import: --saccade-durations needs --saccades (the counts)");
  if (o.out.empty()) throw InputError("lmgaze human import: --out HUMAN.h5 is required");
  const bool layout_given = !o.format.empty() || !o.columns.empty() || !o.word_base.empty() ||
                            !o.delimiter.empty() || !o.trials.empty() || !o.groups.empty();
  if (layout_given && o.fixations.empty())
    throw InputError(
        "lmgaze human import: --format, --columns, --word-base, --delimiter, --trials and "
        "--groups describe a fixation report (--fixations)");

  const TextShape text = o.text.empty() ? load_sentences_csv(o.sentences) : load_text(o.text);
  StoreMeta meta;
  meta.text_kind = text.kind;
  meta.text_source = text.source;
  ImportedData data;
  if (!o.fixations.empty()) {
    const FixationLayout layout = fixation_layout(o.format, o.columns, o.word_base, o.delimiter);
    const TrialMap trials = o.trials.empty() ? TrialMap() : TrialMap(o.trials, text);
    const GroupMap groups = o.groups.empty() ? GroupMap() : GroupMap(o.groups);
    data = read_fixations(o.fixations, text, layout, trials, groups);
    meta.data_kind = "fixations";
    // Provenance: the layout and mappings that turned the report into rows.
    meta.data_source = o.fixations;
    if (layout.format != "plain") meta.data_source += "; format " + layout.format;
    if (!o.columns.empty()) meta.data_source += "; columns " + o.columns;
    if (!o.trials.empty()) meta.data_source += "; trials " + o.trials;
    if (!o.groups.empty()) meta.data_source += "; groups " + o.groups;
  } else {
    data = read_saccades(o.saccades, o.saccade_durations, text);
    meta.data_kind = "saccades";
    meta.data_source = o.saccades;
    if (!o.saccade_durations.empty()) meta.data_source += "; " + o.saccade_durations;
  }
  meta.simulated = data.simulated;
  meta.excluded =
      apply_exclusions(data.groups, o.exclude, o.fixations.empty() ? o.saccades : o.fixations);
  size_t partial_readers = 0;
  for (const auto& note : missing_data_notes(data.groups, text.table, &partial_readers))
    log << "note: " << note << "\n";
  write_store(o.out, text.table, meta, data.groups);

  log << "wrote " << o.out << ": " << text.table.size() << " sentences (" << text.kind << " "
      << text.source << "), views count" << (data.has_duration ? ", duration" : "") << "; ";
  for (size_t i = 0; i < data.groups.size(); ++i)
    log << (i ? ", " : "") << "group " << data.groups[i].name << " "
        << data.groups[i].subjects.size() << " readers";
  log << "; excluded: " << (meta.excluded.empty() ? "none" : meta.excluded);
  if (partial_readers > 0)
    log << "; " << partial_readers << " reader" << (partial_readers == 1 ? "" : "s")
        << " with data in only some articles";
  log << "\n";
  if (meta.simulated) log << "note: these readers are SIMULATED (not eye-tracking data)\n";
}

}  // namespace lmgaze::human
