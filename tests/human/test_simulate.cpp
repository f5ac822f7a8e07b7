// The reader simulator of the demo: deterministic, and L2 unlike L1.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "common/error.hpp"
#include "helpers.hpp"
#include "human/import.hpp"
#include "human/simulate.hpp"
#include "human/summary.hpp"

namespace lmgaze::human {
namespace {

const char* kExpository =
    "Reading is a complex skill that develops over many years of practice.\n"
    "The eyes do not move smoothly across the line of text.\n"
    "Instead they jump from one word to another in quick movements.\n"
    "These movements are called saccades and they last only a few milliseconds.\n"
    "Between the saccades the eyes rest on a word for a short time.\n"
    "\n"
    "Short and frequent words such as the or of are often skipped entirely.\n"
    "Long and unfamiliar words receive longer fixations and are fixated more than once.\n"
    "Readers sometimes move their eyes back to words they have already read.\n"
    "Such regressions often signal that the sentence was difficult to understand.\n"
    "Second language readers make more regressions than native readers of English.\n"
    "\n"
    "Researchers record these patterns with cameras that track the position of the pupil.\n"
    "The resulting data show where and how long each reader looked at every word.\n"
    "Comparing such data with language models is the purpose of this study.\n";

std::string simulate(const std::string& readers, uint64_t seed) {
  std::ostringstream out;
  simulate_readers(parse_corpus(kExpository, "expository"), parse_reader_counts(readers), seed,
                   out);
  return out.str();
}

TEST(Simulator, DeterministicForASeed) {
  const std::string a = simulate("L1:3,L2:2", 7);
  EXPECT_EQ(a, simulate("L1:3,L2:2", 7));
  EXPECT_NE(a, simulate("L1:3,L2:2", 8));
  EXPECT_EQ(a.rfind("group,subject,article,sentence,fixation,word,duration_ms,simulated\n", 0), 0u);
  // A reader's stream depends on (seed, group, number) only: adding readers
  // leaves the others as they were.
  const std::string more = simulate("L1:4,L2:2", 7);
  auto rows_of = [](const std::string& csv, const std::string& prefix) {
    std::string rows;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);)
      if (line.rfind(prefix, 0) == 0) rows += line + "\n";
    return rows;
  };
  EXPECT_EQ(rows_of(a, "L1,sim02,"), rows_of(more, "L1,sim02,"));
  EXPECT_EQ(rows_of(a, "L2,sim01,"), rows_of(more, "L2,sim01,"));
  EXPECT_FALSE(rows_of(more, "L1,sim04,").empty());
}

TEST(Simulator, BadReaderSpecs) {
  for (const char* bad : {"L1", "L1:0", "L1:x", "L3:5", "L1:2,L1:3", ""})
    EXPECT_THROW(parse_reader_counts(bad), InputError) << bad;
}

TEST(Simulator, WordFeatures) {
  EXPECT_EQ(letters("reading,"), 7);
  EXPECT_DOUBLE_EQ(frequency_proxy("The"), 1.0);
  EXPECT_DOUBLE_EQ(frequency_proxy("milliseconds."), 0.0);
  EXPECT_DOUBLE_EQ(frequency_proxy("eyes"), 0.6);
}

// Import the simulated CSV and compare the groups (a decent sample:
// 40 readers per group x 15 sentences).
TEST(Simulator, L2ReadersRegressAndRefixateMoreThanL1) {
  test::TempDir dir;
  ImportOptions o;
  o.text = dir.write("text.txt", kExpository);
  o.fixations = dir.write("fixations.csv", simulate("L1:40,L2:40", 1));
  o.out = dir.file("human.h5");
  std::ostringstream log;
  import_human(o, log);
  EXPECT_NE(log.str().find("SIMULATED"), std::string::npos);
  const HumanStore store(o.out);
  EXPECT_TRUE(store.simulated());
  const auto s = summarize(store);
  ASSERT_EQ(s.size(), 2u);
  const GroupSummary &l1 = s[0], &l2 = s[1];
  EXPECT_EQ(l1.readers, 40u);
  EXPECT_EQ(l1.nan_count, 0);
  EXPECT_GT(l2.regression_share, l1.regression_share + 0.03);
  EXPECT_GT(l2.refixation_share, l1.refixation_share + 0.03);
  EXPECT_GT(l2.ms_per_saccade, l1.ms_per_saccade);
  EXPECT_GT(l1.regression_share, 0.03);
  EXPECT_LT(l1.regression_share, 0.3);
  EXPECT_GT(l1.off_word_fixations, 0);  // the demo exercises off-word handling
  std::ostringstream report;
  print_summary(store, report);
  EXPECT_NE(report.str().find("READERS ARE SIMULATED"), std::string::npos);
}

TEST(Simulator, SkippingDependsOnLengthAndFrequency) {
  // Share of trials in which a word is fixated at all: short function words
  // below long content words.
  const Corpus corpus = parse_corpus(kExpository, "expository");
  std::istringstream in(simulate("L1:40", 3));
  std::string line;
  std::getline(in, line);                                              // header
  std::map<std::tuple<std::string, int, int>, std::set<int>> fixated;  // trial -> words
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    if (f[5].empty()) continue;
    fixated[{f[1], std::stoi(f[2]), std::stoi(f[3])}].insert(std::stoi(f[5]));
  }
  double short_hits = 0, short_n = 0, long_hits = 0, long_n = 0;
  for (const auto& [trial, words] : fixated) {
    const Sentence* s = nullptr;
    for (const auto& x : corpus.sentences)
      if (x.article == std::get<1>(trial) && x.index == std::get<2>(trial)) s = &x;
    ASSERT_NE(s, nullptr);
    for (int w = 1; w < s->n_words(); ++w) {
      const std::string& word = s->words[static_cast<size_t>(w)];
      const bool hit = words.count(w) > 0;
      if (frequency_proxy(word) == 1.0 && letters(word) <= 3) short_hits += hit, ++short_n;
      if (letters(word) >= 8) long_hits += hit, ++long_n;
    }
  }
  ASSERT_GT(short_n, 100);
  ASSERT_GT(long_n, 100);
  EXPECT_LT(short_hits / short_n + 0.2, long_hits / long_n);
}

}  // namespace
}  // namespace lmgaze::human
