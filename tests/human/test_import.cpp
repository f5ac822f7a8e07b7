// Import of fixations and saccade matrices into the human store; validation;
// exclusions; the group-mean store; the Reading Brain release.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "common/error.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"
#include "helpers.hpp"
#include "human/human_store.hpp"
#include "human/import.hpp"
#include "human/mean.hpp"
#include "human/summary.hpp"

namespace lmgaze::human {
namespace {

using test::TempDir;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// NaN-aware equality of two vectors.
void expect_same(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(got[i])) << "index " << i;
    else
      EXPECT_DOUBLE_EQ(got[i], want[i]) << "index " << i;
  }
}

std::string import_fixtures(const TempDir& dir, std::vector<std::string> exclude = {},
                            std::string* log_text = nullptr) {
  ImportOptions o;
  o.text = dir.write("text.txt", test::kText);
  o.fixations = dir.write("fixations.csv", test::kFixations);
  o.exclude = std::move(exclude);
  o.out = dir.file("human.h5");
  std::ostringstream log;
  import_human(o, log);
  if (log_text) *log_text = log.str();
  return o.out;
}

TEST(HumanImport, FixationsToStoreByHand) {
  TempDir dir;
  std::string log;
  const HumanStore store(import_fixtures(dir, {}, &log));
  EXPECT_EQ(store.attribute("format"), "lmgaze-human");
  EXPECT_EQ(store.attribute("text_kind"), "text");
  EXPECT_EQ(store.attribute("text_source"), dir.file("text.txt"));
  EXPECT_EQ(store.attribute("data_kind"), "fixations");
  EXPECT_EQ(store.attribute("excluded"), "");
  EXPECT_EQ(store.attribute("complete"), "1");
  EXPECT_FALSE(store.simulated());
  ASSERT_EQ(store.sentences().size(), 3u);
  ASSERT_EQ(store.sentences().n_pairs(), 42);
  EXPECT_EQ(store.groups(), (std::vector<std::string>{"L1", "L2"}));
  EXPECT_EQ(store.subjects("L1"), (std::vector<std::string>{"2", "10"}));  // natural order
  EXPECT_EQ(store.subjects("L2"), (std::vector<std::string>{"7", "8"}));
  EXPECT_TRUE(store.has_view("L1", "count"));
  EXPECT_TRUE(store.has_view("L1", "duration"));

  // Expected packed values, by hand (fixtures.hpp). Pair p of sentence s is
  // pair_offset[s] + tril_index(i, j): (0,0) at 0, (0,1) at 21, (1,0) at 27.
  auto row = [](std::initializer_list<std::pair<int, double>> cells, bool nan_last) {
    std::vector<double> v(42, 0.0);
    for (const auto& [p, x] : cells) v[static_cast<size_t>(p)] = x;
    if (nan_last)
      for (int p = 27; p < 42; ++p) v[static_cast<size_t>(p)] = kNaN;
    return v;
  };
  const auto count = store.read("L1", "count", 0, 2, 0, 3);
  const auto upper = store.read("L1", "upper_count", 0, 2, 0, 3);
  const auto dur = store.read("L1", "duration", 0, 2, 0, 3);
  const auto dur_up = store.read("L1", "upper_duration", 0, 2, 0, 3);
  auto reader = [](const std::vector<double>& v, size_t r) {
    return std::vector<double>(v.begin() + static_cast<long>(r * 42),
                               v.begin() + static_cast<long>((r + 1) * 42));
  };
  // L1 "2": (0,0) 0 -> 5; (0,1) 2 -> 0 (200 ms); (1,0) one fixation.
  expect_same(reader(count, 0), row({{21 + tril_index(2, 0), 1}}, false));
  expect_same(reader(upper, 0), row({{tril_index(5, 0), 1}}, false));
  expect_same(reader(dur, 0), row({{21 + tril_index(2, 0), 200}}, false));
  expect_same(reader(dur_up, 0), row({{tril_index(5, 0), 300}}, false));
  // L1 "10": 0->1, 1->1, 1->3 (skip), 3->2 (regression), 2->4, 4->5; (0,1) 0->2,
  // 2->off->1 not counted; no data for article 1.
  expect_same(reader(count, 1), row({{tril_index(1, 1), 1}, {tril_index(3, 2), 1}}, true));
  expect_same(reader(upper, 1), row({{tril_index(1, 0), 1},
                                     {tril_index(1, 1), 1},
                                     {tril_index(3, 1), 1},
                                     {tril_index(4, 2), 1},
                                     {tril_index(5, 4), 1},
                                     {21 + tril_index(2, 0), 1}},
                                    true));
  expect_same(reader(dur, 1), row({{tril_index(1, 1), 90}, {tril_index(3, 2), 180}}, true));
  // Reading a sub-block: reader "10", sentence (0,1) only.
  expect_same(store.read("L1", "upper_count", 1, 2, 1, 2), {0, 0, 0, 1, 0, 0});

  // L2 "7": only (1,0): 4 -> 3 -> 4. "8": (1,0) refixation of word 0 (120 ms).
  const auto l2 = store.read("L2", "count", 0, 2, 2, 3);
  std::vector<double> want(30, 0.0);
  want[tril_index(4, 3)] = 1;
  want[15 + tril_index(0, 0)] = 1;
  expect_same(l2, want);
  const auto l2_sent0 = store.read("L2", "count", 0, 1, 0, 2);
  for (double v : l2_sent0) EXPECT_TRUE(std::isnan(v));

  // Missing data is reported, not dropped in silence.
  EXPECT_NE(log.find("note: L1 reader 10: no data for article 1 (1 sentences"), std::string::npos)
      << log;
  EXPECT_NE(log.find("note: L2 reader 7: no data for article 0 (2 sentences"), std::string::npos)
      << log;
}

TEST(HumanImport, SummaryByHand) {
  TempDir dir;
  const HumanStore store(import_fixtures(dir));
  const auto s = summarize(store);
  ASSERT_EQ(s.size(), 2u);
  const GroupSummary& l1 = s[0];
  EXPECT_EQ(l1.readers, 2u);
  EXPECT_EQ(l1.sentences_covered, 3u);
  EXPECT_EQ(l1.reader_sentences, 5u);
  EXPECT_EQ(l1.nan_count, 15);
  EXPECT_EQ(l1.nan_duration, 15);
  EXPECT_DOUBLE_EQ(l1.mean_saccades, 9.0 / 5);
  EXPECT_DOUBLE_EQ(l1.regression_share, 2.0 / 9);
  EXPECT_DOUBLE_EQ(l1.refixation_share, 1.0 / 9);
  EXPECT_DOUBLE_EQ(l1.ms_per_saccade, 1940.0 / 9);
  EXPECT_EQ(l1.off_word_fixations, 1);
  EXPECT_EQ(l1.uncounted_transitions, 2);
  const GroupSummary& l2 = s[1];
  EXPECT_EQ(l2.reader_sentences, 4u);
  EXPECT_EQ(l2.nan_count, 27);
  EXPECT_DOUBLE_EQ(l2.mean_saccades, 1.0);
  EXPECT_DOUBLE_EQ(l2.regression_share, 0.25);
  EXPECT_DOUBLE_EQ(l2.refixation_share, 0.25);
  std::ostringstream out;
  print_summary(store, out);
  EXPECT_NE(out.str().find("NaN (skipped) values        15 of 84"), std::string::npos) << out.str();
}

TEST(HumanImport, ExclusionsAreRecorded) {
  TempDir dir;
  const HumanStore store(import_fixtures(dir, {"L1:2", "L2:8,L1:2"}));
  EXPECT_EQ(store.attribute("excluded"), "L1:2,L2:8");
  EXPECT_EQ(store.subjects("L1"), std::vector<std::string>{"10"});
  EXPECT_EQ(store.subjects("L2"), std::vector<std::string>{"7"});
  // The remaining reader keeps its own row.
  const auto count = store.read("L1", "count", 0, 1, 0, 1);
  EXPECT_EQ(count[tril_index(3, 2)], 1);
}

TEST(HumanImport, BadExclusions) {
  TempDir dir;
  for (const char* bad : {"L1:99", "L3:1", "L1", "L1:2,L1:10"}) {
    try {
      import_fixtures(dir, {bad});
      ADD_FAILURE() << "accepted --exclude " << bad;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("exclude"), std::string::npos) << e.what();
    }
    EXPECT_EQ(dir.entries(), 2u);  // text and fixations only: no store
  }
}

TEST(HumanImport, StoreReaderErrors) {
  TempDir dir;
  const std::string path = import_fixtures(dir);
  {
    const HumanStore store(path);
    try {
      store.subjects("L3");
      ADD_FAILURE();
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()),
                path + ": no group 'L3' in human store (groups present: L1, L2)");
    }
    EXPECT_THROW(store.read("L1", "count", 0, 3, 0, 1), InputError);
    EXPECT_THROW(store.read("L1", "fixation", 0, 1, 0, 1), InputError);
  }  // closed before it is reopened for writing
  {
    h5::File f = h5::File::open_write(path);
    f.set_attr("complete", int64_t{0});
  }
  EXPECT_THROW(HumanStore{path}, InputError);
  EXPECT_THROW(HumanStore{dir.file("text.txt")}, InputError);
}

// Every bad input of fixtures.hpp: InputError naming the file and the line.
class HumanImportBadInput : public ::testing::TestWithParam<test::BadCase> {};

TEST_P(HumanImportBadInput, NamesFileAndLine) {
  const test::BadCase& c = GetParam();
  TempDir dir;
  ImportOptions o;
  std::string bad_file;
  if (c.kind == "fixations") {
    o.text = dir.write("text.txt", test::kText);
    o.fixations = bad_file = dir.write("data.csv", c.content);
  } else if (c.kind == "saccades") {
    o.sentences = dir.write("sentences.csv", test::kSentencesCsv);
    o.saccades = bad_file = dir.write("data.csv", c.content);
  } else {
    o.sentences = bad_file = dir.write("sentences.csv", c.content);
    o.saccades = dir.write("data.csv", test::kSaccades);
  }
  o.out = dir.file("human.h5");
  std::ostringstream log;
  try {
    import_human(o, log);
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), bad_file);
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_NE(e.problem().find(c.message), std::string::npos) << e.what();
  }
  EXPECT_EQ(dir.entries(), 2u);  // inputs only
}

INSTANTIATE_TEST_SUITE_P(Cases, HumanImportBadInput, ::testing::ValuesIn(test::bad_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(HumanImport, SaccadesWithBothViewsMustMatch) {
  TempDir dir;
  ImportOptions o;
  o.sentences = dir.write("sentences.csv", test::kSentencesCsv);
  o.saccades = dir.write("count.csv", test::kSaccades);
  // The duration file lacks sentence (0,1).
  std::string dur = test::kSaccades;
  dur = dur.substr(0, dur.find("L1,mean,0,1"));
  o.saccade_durations = dir.write("duration.csv", dur);
  o.out = dir.file("human.h5");
  std::ostringstream log;
  try {
    import_human(o, log);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), o.saccade_durations);
    EXPECT_NE(e.problem().find("no duration matrix for L1 reader mean on sentence (0, 1)"),
              std::string::npos);
  }
  EXPECT_FALSE(test::fs::exists(o.out));

  o.saccade_durations = dir.write("duration.csv", test::kSaccades);
  import_human(o, log);
  const HumanStore store(o.out);
  EXPECT_EQ(store.attribute("text_kind"), "sentences");
  EXPECT_EQ(store.attribute("data_kind"), "saccades");
  expect_same(store.read("L1", "count", 0, 1, 0, 2), {0.5, 0.25, 0, 2});
  expect_same(store.read("L1", "upper_count", 0, 1, 0, 2), {0.5, 1.5, 0, 2});
  expect_same(store.read("L1", "duration", 0, 1, 0, 2), {0.5, 0.25, 0, 2});
}

TEST(HumanMean, NaNSkippingMeanByHand) {
  TempDir dir;
  SentenceTable t;
  t.article = {0, 0};
  t.index = {0, 1};
  t.n_words = {2, 1};
  t.pair_offset = tril_offsets(t.n_words);  // 3 + 1 pairs
  GroupData g;
  g.name = "L1";
  g.subjects = {"a", "b", "c"};
  g.count = {1, 0, 2, 4, /**/ 3, 2, 0, kNaN, /**/ kNaN, kNaN, kNaN, 6};
  g.upper_count = {1, 5, 2, 4, /**/ 3, 1, 0, kNaN, /**/ kNaN, kNaN, kNaN, 6};
  GroupData h;
  h.name = "L2";
  h.subjects = {"x"};
  h.count = {kNaN, kNaN, kNaN, 1};
  h.upper_count = h.count;
  StoreMeta meta{"sentences", "s.csv", "saccades", "d.csv", true, "L1:z", ""};
  const std::string in = dir.file("readers.h5"), out = dir.file("mean.h5");
  write_store(in, t, meta, {g, h});
  mean_store(in, out);
  const HumanStore m(out);
  EXPECT_EQ(m.subjects("L1"), std::vector<std::string>{"mean"});
  expect_same(m.read("L1", "count", 0, 1, 0, 2), {2, 1, 1, 5});
  expect_same(m.read("L1", "upper_count", 0, 1, 0, 2), {2, 3, 1, 5});
  expect_same(m.read("L2", "count", 0, 1, 0, 2), {kNaN, kNaN, kNaN, 1});
  EXPECT_FALSE(m.has_view("L1", "duration"));
  EXPECT_TRUE(m.simulated());
  EXPECT_EQ(m.attribute("excluded"), "L1:z");
  EXPECT_EQ(m.attribute("mean_of"), in);
  EXPECT_EQ(m.attribute("text_kind"), "sentences");
  h5::File f = h5::File::open_read(out);
  EXPECT_EQ(f.read_vector<int64_t>("/groups/L1/mean_n_readers"), (std::vector<int64_t>{2, 2}));
}

// ../shared/data/reading_brain: the released group means, both views, one store.
TEST(ReadingBrain, ImportBothViews) {
  const std::string dir = std::string(LMGAZE_SHARED_DIR) + "/data/reading_brain/";
  TempDir tmp;
  ImportOptions o;
  o.sentences = dir + "sentences.csv";
  o.saccades = dir + "mean_saccade_count.csv";
  o.saccade_durations = dir + "mean_saccade_duration.csv";
  o.out = tmp.file("reading_brain.h5");
  std::ostringstream log;
  import_human(o, log);
  EXPECT_EQ(log.str().find("note:"), std::string::npos) << log.str();
  const HumanStore store(o.out);
  const SentenceTable& t = store.sentences();
  ASSERT_EQ(t.size(), 148u);
  EXPECT_EQ(t.n_pairs(), 8917);
  EXPECT_EQ(store.groups(), (std::vector<std::string>{"L1", "L2"}));
  for (const auto& g : store.groups()) {
    EXPECT_EQ(store.subjects(g), std::vector<std::string>{"mean"});
    EXPECT_TRUE(store.has_view(g, "count"));
    EXPECT_TRUE(store.has_view(g, "duration"));
  }
  EXPECT_EQ(store.attribute("text_kind"), "sentences");
  EXPECT_FALSE(store.simulated());
  auto sentence = [&](int a, int s) {
    for (size_t k = 0; k < t.size(); ++k)
      if (t.article[k] == a && t.index[k] == s) return k;
    ADD_FAILURE() << "no sentence " << a << "," << s;
    return size_t{0};
  };
  auto value = [&](const char* g, const char* view, int a, int s, int i, int j) {
    const size_t k = sentence(a, s);
    return store.read(g, view, 0, 1, k, k + 1)[static_cast<size_t>(tril_index(i, j))];
  };
  // Spot checks against the CSV lines (mean_saccade_*.csv, same line numbers).
  EXPECT_DOUBLE_EQ(value("L1", "count", 0, 0, 0, 0), 0.17647058823529418);       // line 2
  EXPECT_DOUBLE_EQ(value("L1", "upper_count", 0, 0, 1, 0), 0.8039215686274509);  // 0 -> 1
  EXPECT_DOUBLE_EQ(value("L1", "upper_duration", 0, 0, 1, 0), 180.78431372549014);
  EXPECT_DOUBLE_EQ(value("L2", "count", 3, 7, 5, 2), 0.01851851851851851);  // line 26672
  EXPECT_DOUBLE_EQ(value("L2", "duration", 3, 7, 5, 2), 5.018518518518518);
  EXPECT_DOUBLE_EQ(value("L1", "upper_count", 4, 10, 6, 2), 0.0588235294117647);  // 2 -> 6
  EXPECT_DOUBLE_EQ(value("L1", "upper_duration", 4, 10, 6, 2), 12.686274509803924);
  EXPECT_DOUBLE_EQ(value("L1", "count", 1, 4, 6, 6), 0.019607843137254898);  // line 3660
  for (const auto& s : summarize(store)) {
    EXPECT_EQ(s.nan_count, 0);
    EXPECT_EQ(s.nan_duration, 0);
    EXPECT_EQ(s.sentences_covered, 148u);
  }
}

}  // namespace
}  // namespace lmgaze::human
