// Fixation reports as labs export them: an EyeLink Data Viewer fixation
// report (tab-separated, '.' for missing, 1-based interest areas, trial
// labels mapped by TRIALS.csv, groups from GROUPS.csv) and pymovements
// fixation events must import to exactly the store the plain fixations CSV
// of the same fixations gives; and every bad row is refused by file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "common/error.hpp"
#include "helpers.hpp"
#include "human/human_store.hpp"
#include "human/import.hpp"
#include "human/reading_measures.hpp"
#include "io/hdf5.hpp"

namespace lmgaze::human {
namespace {

using test::TempDir;

const char* kText =
    "The cat sat on the mat.\nIt was warm there.\n\nA dog ran fast.\nThen it slept all day long.\n";
const std::vector<int> kWords = {6, 4, 4, 6};  // words per sentence, corpus order
const std::vector<std::pair<int, int>> kSentences = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

struct Fix {
  std::string group, subject;
  size_t sentence;  // corpus order
  int number;       // fixation number in the trial
  int word;         // -1: off the words
  int duration;
};

// Readers of two groups reading forward with refixations, regressions, skips
// and off-word fixations; reader "7" of L2 has no data for article 1, and
// reader "2" of L1 lost fixation 3 of each trial (a gap in the numbers).
std::vector<Fix> make_fixations() {
  std::mt19937 rng(15);
  std::vector<Fix> out;
  const std::vector<std::pair<std::string, std::string>> readers = {
      {"L1", "1"}, {"L1", "2"}, {"L1", "10"}, {"L2", "3"}, {"L2", "7"}};
  for (const auto& [g, subj] : readers)
    for (size_t s = 0; s < kWords.size(); ++s) {
      if (subj == "7" && kSentences[s].first == 1) continue;
      int pos = 0, number = 0;
      while (pos < kWords[s] && number < 20) {
        ++number;
        const bool off = rng() % 10 == 0;
        if (!(subj == "2" && number == 3))
          out.push_back({g, subj, s, number, off ? -1 : pos, 80 + static_cast<int>(rng() % 300)});
        const unsigned r = rng() % 10;
        if (r < 2) continue;  // refixation
        if (r < 4 && pos > 0)
          pos = static_cast<int>(rng() % pos);  // regression
        else
          pos += r < 6 ? 2 : 1;  // skip or next word
      }
    }
  return out;
}

// Trial labels differ by reader: reader k shows the sentences rotated by k.
std::string trial_label(const std::string& subject, size_t sentence) {
  const size_t k = static_cast<size_t>(std::stoi(subject));
  return "T" + std::to_string((sentence + k) % kWords.size() + 1);
}

std::string plain_csv(const std::vector<Fix>& fixations) {
  std::ostringstream o;
  o << "group,subject,article,sentence,fixation,word,duration_ms\n";
  for (const auto& f : fixations)
    o << f.group << "," << f.subject << "," << kSentences[f.sentence].first << ","
      << kSentences[f.sentence].second << "," << f.number << "," << f.word << "," << f.duration
      << "\n";
  return o.str();
}

std::string eyelink_report(const std::vector<Fix>& fixations) {
  std::ostringstream o;
  o << "RECORDING_SESSION_LABEL\tTRIAL_INDEX\tCURRENT_FIX_INDEX\tCURRENT_FIX_X\t"
       "CURRENT_FIX_INTEREST_AREA_INDEX\tCURRENT_FIX_INTEREST_AREA_LABEL\tCURRENT_FIX_DURATION\n";
  for (const auto& f : fixations)
    o << f.subject << "\t" << trial_label(f.subject, f.sentence) << "\t" << f.number << "\t"
      << 100 + 37 * f.number << ".5\t"
      << (f.word < 0 ? std::string(".") : std::to_string(f.word + 1))
      << "\t"
      // Labels quote the text: in a tab-separated file a '"' is no quoting.
      << (f.word < 0     ? "."
          : f.number % 2 ? "\"Quoted"
                         : "say \"hi\"")
      << "\t" << f.duration << "\n";
  return o.str();
}

std::string eyelink_trials() {
  std::ostringstream o;
  o << "subject,trial,article,sentence\n";
  for (const char* subject : {"1", "2", "10", "3", "7"})
    for (size_t s = 0; s < kWords.size(); ++s)
      o << subject << "," << trial_label(subject, s) << "," << kSentences[s].first << ","
        << kSentences[s].second << "\n";
  return o.str();
}

const char* kGroups = "subject\tgroup\n1\tL1\n2\tL1\n10\tL1\n3\tL2\n7\tL2\n";

// pymovements events: fixations between saccades, rows in no particular
// order, the fixation order given by onset (ms), word_idx empty off the words.
std::string pymovements_events(const std::vector<Fix>& fixations) {
  std::vector<std::string> rows;
  for (const auto& f : fixations) {
    const int onset = 1000 * f.number + 7;
    const std::string trial = std::to_string(f.sentence);
    rows.push_back("fixation," + std::to_string(onset) + ".0," +
                   std::to_string(onset + f.duration) + ".0," + std::to_string(f.duration) + ".0," +
                   f.subject + "," + trial + "," + (f.word < 0 ? "" : std::to_string(f.word)));
    rows.push_back("saccade," + std::to_string(onset + f.duration + 1) + ".0," +
                   std::to_string(onset + f.duration + 20) + ".0,19.0," + f.subject + "," + trial +
                   ",");
  }
  std::shuffle(rows.begin(), rows.end(), std::mt19937(4));
  std::string out = "name,onset,offset,duration,subject_id,trial_id,word_idx\n";
  for (const auto& r : rows) out += r + "\n";
  return out;
}

std::string pymovements_trials() {
  std::ostringstream o;
  o << "trial,article,sentence\n";
  for (size_t s = 0; s < kWords.size(); ++s)
    o << s << "," << kSentences[s].first << "," << kSentences[s].second << "\n";
  return o.str();
}

void expect_same_values(const std::vector<double>& a, const std::vector<double>& b,
                        const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t k = 0; k < a.size(); ++k) {
    if (std::isnan(a[k]))
      EXPECT_TRUE(std::isnan(b[k])) << what << " [" << k << "]";
    else
      EXPECT_EQ(a[k], b[k]) << what << " [" << k << "]";
  }
}

// Every dataset of the two stores is the same (the attributes naming the
// source files may differ).
void expect_same_store(const std::string& a, const std::string& b) {
  const HumanStore sa(a), sb(b);
  const SentenceTable &ta = sa.sentences(), &tb = sb.sentences();
  EXPECT_EQ(ta.article, tb.article);
  EXPECT_EQ(ta.index, tb.index);
  EXPECT_EQ(ta.n_words, tb.n_words);
  EXPECT_EQ(ta.pair_offset, tb.pair_offset);
  EXPECT_EQ(ta.text, tb.text);
  ASSERT_EQ(sa.groups(), sb.groups());
  const h5::File fa = h5::File::open_read(a), fb = h5::File::open_read(b);
  for (const auto& g : sa.groups()) {
    const std::string gp = "/groups/" + g;
    EXPECT_EQ(fa.list(gp), fb.list(gp)) << g;
    EXPECT_EQ(sa.subjects(g), sb.subjects(g)) << g;
    const size_t readers = sa.subjects(g).size();
    for (const char* view : {"count", "upper_count", "duration", "upper_duration"}) {
      ASSERT_EQ(sa.has_view(g, view), sb.has_view(g, view)) << g << " " << view;
      if (sa.has_view(g, view))
        expect_same_values(sa.read(g, view, 0, readers, 0, ta.size()),
                           sb.read(g, view, 0, readers, 0, ta.size()), g + "/" + view);
    }
    for (const char* v : {"off_word_fixations", "uncounted_transitions"})
      EXPECT_EQ(fa.read_vector<int64_t>(gp + "/" + v), fb.read_vector<int64_t>(gp + "/" + v))
          << g << " " << v;
    ASSERT_TRUE(sa.has_measures(g));
    EXPECT_EQ(fa.list(gp + "/measures"), fb.list(gp + "/measures"));
    for (const char* m : kMeasureNames)
      expect_same_values(sa.read_measure(g, m), sb.read_measure(g, m), g + "/measures/" + m);
  }
}

class ImportLayouts : public ::testing::Test {
 protected:
  void SetUp() override {
    fixations_ = make_fixations();
    text_ = dir_.write("text.txt", kText);
    ImportOptions o;
    o.text = text_;
    o.fixations = dir_.write("plain.csv", plain_csv(fixations_));
    o.out = plain_store_ = dir_.file("plain.h5");
    std::ostringstream log;
    import_human(o, log);
  }
  TempDir dir_;
  std::vector<Fix> fixations_;
  std::string text_, plain_store_;
};

TEST_F(ImportLayouts, TheDataSetHasWhatTheComparisonNeeds) {
  // Off-word fixations, a gap, a reader without an article: the cases the
  // layouts must treat alike.
  EXPECT_TRUE(
      std::any_of(fixations_.begin(), fixations_.end(), [](const Fix& f) { return f.word < 0; }));
  const HumanStore s(plain_store_);
  EXPECT_EQ(s.subjects("L1"), (std::vector<std::string>{"1", "2", "10"}));
  EXPECT_TRUE(std::isnan(s.read_measure("L2", "nfix").back()));  // reader 7, article 1
}

TEST_F(ImportLayouts, EyeLinkFixationReportGivesTheSameStore) {
  ImportOptions o;
  o.text = text_;
  o.fixations = dir_.write("report.xls", eyelink_report(fixations_));
  o.format = "eyelink";
  o.trials = dir_.write("trials.csv", eyelink_trials());
  o.groups = dir_.write("groups.tsv", kGroups);
  o.out = dir_.file("eyelink.h5");
  std::ostringstream log;
  import_human(o, log);
  expect_same_store(plain_store_, o.out);
  // The long name of the preset, and --columns naming the preset's own columns.
  o.format = "eyelink-fixation-report";
  o.columns = "subject=RECORDING_SESSION_LABEL,duration_ms=CURRENT_FIX_DURATION";
  o.out = dir_.file("eyelink2.h5");
  import_human(o, log);
  expect_same_store(plain_store_, o.out);
}

TEST_F(ImportLayouts, PymovementsEventsGiveTheSameStore) {
  ImportOptions o;
  o.text = text_;
  o.fixations = dir_.write("events.csv", pymovements_events(fixations_));
  o.format = "pymovements";
  o.trials = dir_.write("trials.csv", pymovements_trials());
  o.groups = dir_.write("groups.csv", kGroups);
  o.out = dir_.file("pm.h5");
  std::ostringstream log;
  // pymovements numbers fixations by onset, so a lost fixation is no gap:
  // compare against the plain CSV numbered the same way.
  std::vector<Fix> renumbered = fixations_;
  std::map<std::tuple<std::string, std::string, size_t>, int> next;
  for (auto& f : renumbered) f.number = ++next[{f.group, f.subject, f.sentence}];
  ImportOptions p;
  p.text = text_;
  p.fixations = dir_.write("renumbered.csv", plain_csv(renumbered));
  p.out = dir_.file("renumbered.h5");
  import_human(p, log);
  import_human(o, log);
  expect_same_store(p.out, o.out);
}

// --exclude drops a reader's measures with its matrices: the others keep theirs.
TEST_F(ImportLayouts, ExclusionDropsTheReadersMeasures) {
  ImportOptions o;
  o.text = text_;
  o.fixations = dir_.file("plain.csv");
  o.exclude = {"L1:2"};
  o.out = dir_.file("excluded.h5");
  std::ostringstream log;
  import_human(o, log);
  const HumanStore all(plain_store_), kept(o.out);
  ASSERT_EQ(kept.subjects("L1"), (std::vector<std::string>{"1", "10"}));
  const size_t n_words = static_cast<size_t>(word_offsets(all.sentences()).back());
  for (const char* m : kMeasureNames) {
    const std::vector<double> a = all.read_measure("L1", m), k = kept.read_measure("L1", m);
    ASSERT_EQ(k.size(), 2 * n_words) << m;
    std::vector<double> want(a.begin(), a.begin() + n_words);   // reader 1
    want.insert(want.end(), a.begin() + 2 * n_words, a.end());  // reader 10
    expect_same_values(k, want, std::string("L1/measures/") + m);
  }
}

TEST_F(ImportLayouts, ColumnsMapAnyNamesAndWordBase) {
  // The plain data under other column names, words counted from 1.
  std::string csv = plain_csv(fixations_);
  csv.replace(0, csv.find('\n'), "Group,Reader,Text,Line,Fix,Area,Dur");
  std::ostringstream body;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  body << line << "\n";
  while (std::getline(in, line)) {
    const size_t c5 = line.rfind(',', line.rfind(',') - 1);
    const int w = std::stoi(line.substr(c5 + 1));
    body << line.substr(0, c5 + 1) << (w < 0 ? std::string("NA") : std::to_string(w + 1))
         << line.substr(line.rfind(',')) << "\n";
  }
  ImportOptions o;
  o.text = text_;
  o.fixations = dir_.write("renamed.csv", body.str());
  o.columns =
      "group=Group,subject=Reader,article=Text,sentence=Line,fixation=Fix,word=Area,"
      "duration_ms=Dur";
  o.word_base = "1";
  o.format = "eyelink";  // its missing-value tokens ('.', NA); every name overridden
  o.out = dir_.file("renamed.h5");
  std::ostringstream log;
  import_human(o, log);
  expect_same_store(plain_store_, o.out);
}

// ---- hostile reports ---------------------------------------------------------

struct BadReport {
  std::string name;
  std::string report;  // EyeLink layout
  std::string trials, groups;
  std::string columns, format, word_base;
  std::string bad_file;  // "report" | "trials" | "groups" | "" (an option)
  long line;
  std::string message;
};

void PrintTo(const BadReport& c, std::ostream* os) { *os << c.name; }

const std::string kHead =
    "RECORDING_SESSION_LABEL\tTRIAL_INDEX\tCURRENT_FIX_INDEX\tCURRENT_FIX_INTEREST_AREA_INDEX\t"
    "CURRENT_FIX_DURATION\n";
const std::string kRow = "1\t1\t1\t1\t200\n";
const std::string kTrials = "trial,article,sentence\n1,0,0\n2,0,1\n3,1,0\n4,1,1\n";

std::vector<BadReport> bad_reports() {
  return {
      {"area_beyond_the_sentence", kHead + kRow + "1\t2\t2\t5\t200\n", kTrials, kGroups, "",
       "eyelink", "", "report", 3,
       "interest area 5 (CURRENT_FIX_INTEREST_AREA_INDEX) does not exist in sentence (0, 1), which "
       "has 4 words"},
      {"area_zero_when_one_based", kHead + kRow + "1\t1\t2\t0\t200\n", kTrials, kGroups, "",
       "eyelink", "", "report", 3, "interest areas are numbered from 1"},
      {"trial_without_sentence", kHead + kRow + "1\t9\t1\t1\t200\n", kTrials, kGroups, "",
       "eyelink", "", "report", 3, "trial 9 maps to no sentence"},
      {"trials_row_beyond_the_text", kHead + kRow, kTrials + "5,2,0\n", kGroups, "", "eyelink", "",
       "trials", 6, "trial 5 maps to sentence (2, 0), which is not in"},
      {"trial_listed_twice", kHead + kRow, kTrials + "1,1,1\n", kGroups, "", "eyelink", "",
       "trials", 6, "trial 1 listed twice (first at line 2)"},
      {"subject_without_group", kHead + kRow + "8\t1\t1\t1\t200\n", kTrials, kGroups, "", "eyelink",
       "", "report", 3, "subject 8 is not in"},
      {"group_not_an_hdf5_name", kHead + kRow, kTrials, "subject,group\n1,a/b\n", "", "eyelink", "",
       "groups", 2, "cannot name an HDF5 group"},
      {"missing_duration", kHead + kRow + "1\t1\t2\t2\t.\n", kTrials, kGroups, "", "eyelink", "",
       "report", 3, "CURRENT_FIX_DURATION '.' is not a finite number"},
      {"short_row", kHead + kRow + "1\t1\t2\t2\n", kTrials, kGroups, "", "eyelink", "", "report", 3,
       "4 fields, the header has 5"},
      {"commas_and_tabs_in_header", "a,b\tc\n", kTrials, kGroups, "", "eyelink", "", "report", 1,
       "both commas and tabs"},
      {"no_such_column", kHead + kRow, kTrials, kGroups, "word=AREA", "eyelink", "", "report", 1,
       "no column 'AREA'"},
      {"duplicate_fixation", kHead + kRow + "1\t1\t1\t2\t200\n", kTrials, kGroups, "", "eyelink",
       "", "report", 3, "duplicate fixation 1"},
      {"unknown_role", kHead + kRow, kTrials, kGroups, "reader=X", "eyelink", "", "", 0,
       "--columns: unknown role 'reader'"},
      {"unknown_format", kHead + kRow, kTrials, kGroups, "", "tobii", "", "", 0,
       "--format 'tobii'"},
      {"bad_word_base", kHead + kRow, kTrials, kGroups, "", "eyelink", "2", "", 0,
       "--word-base '2'"},
      {"group_column_and_groups_file", "group\t" + kHead + "L1\t" + kRow, kTrials, kGroups,
       "group=group", "eyelink", "", "report", 1, "both give the groups"},
  };
}

class HostileReport : public ::testing::TestWithParam<BadReport> {};

TEST_P(HostileReport, RefusedByFileAndLineWithNoStore) {
  const BadReport& c = GetParam();
  TempDir dir;
  ImportOptions o;
  o.text = dir.write("text.txt", kText);
  o.fixations = dir.write("report.txt", c.report);
  o.trials = dir.write("trials.csv", c.trials);
  o.groups = dir.write("groups.csv", c.groups);
  o.columns = c.columns;
  o.format = c.format;
  o.word_base = c.word_base;
  o.out = dir.file("h.h5");
  const std::string bad = c.bad_file == "report"   ? o.fixations
                          : c.bad_file == "trials" ? o.trials
                          : c.bad_file == "groups" ? o.groups
                                                   : "";
  std::ostringstream log;
  try {
    import_human(o, log);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), bad) << e.what();
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_NE(e.problem().find(c.message), std::string::npos) << e.what();
  }
  EXPECT_FALSE(test::fs::exists(o.out));
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileReport, ::testing::ValuesIn(bad_reports()),
                         [](const auto& info) { return info.param.name; });

TEST(ImportSummary, ReadersWithDataInOnlySomeArticlesAreCounted) {
  TempDir dir;
  ImportOptions o;
  o.text = dir.write("text.txt", kText);
  o.fixations = dir.write("f.csv",
                          "group,subject,article,sentence,fixation,word\n"
                          "L1,1,0,0,1,0\nL1,1,1,0,1,0\nL1,2,1,1,1,0\nL1,3,0,1,1,0\n");
  o.out = dir.file("h.h5");
  std::ostringstream log;
  import_human(o, log);
  EXPECT_NE(log.str().find("; 2 readers with data in only some articles\n"), std::string::npos)
      << log.str();
}

}  // namespace
}  // namespace lmgaze::human
