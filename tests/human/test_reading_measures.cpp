// Reading measures (METHODS.md 11) worked out by hand on short fixation
// sequences, and against an independent numpy implementation
// (tests/reference/reading_measures_reference.py) on a synthetic data set.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "common/csv.hpp"
#include "fixtures.hpp"
#include "helpers.hpp"
#include "human/reading_measures.hpp"

namespace lmgaze::human {
namespace {

const double kNaN = std::nan("");

// A trial from (word, duration) pairs in time order (word -1: off the words).
std::vector<Fixation> trial(const std::vector<std::pair<int, double>>& seq) {
  std::vector<Fixation> out;
  for (size_t k = 0; k < seq.size(); ++k) {
    Fixation f;
    f.order = static_cast<int64_t>(k + 1);
    f.word = seq[k].first;
    f.duration_ms = seq[k].second;
    out.push_back(f);
  }
  return out;
}

void expect_word(const WordMeasures& got, const WordMeasures& want, int word) {
  for (size_t m = 0; m < kMeasures; ++m) {
    if (std::isnan(want[m]))
      EXPECT_TRUE(std::isnan(got[m])) << "word " << word << " " << kMeasureNames[m];
    else
      EXPECT_EQ(got[m], want[m]) << "word " << word << " " << kMeasureNames[m];
  }
}

//                                     ffd   gd    trt   nfix skip reg_in reg_out
TEST(ReadingMeasures, RefixationRegressionSkipAndOffWord) {
  // Words 0 1 1 3 2 off 5 of a 6-word sentence: word 1 refixated, word 2
  // skipped and then fixated only after a regression from 3, word 4 never
  // fixated, the off-word fixation ignored (5 comes from 2: no regression).
  const auto m = reading_measures(
      trial({{0, 200}, {1, 150}, {1, 100}, {3, 220}, {2, 180}, {-1, 90}, {5, 250}}), 6, true);
  ASSERT_EQ(m.size(), 6u);
  expect_word(m[0], {200, 200, 200, 1, 0, 0, 0}, 0);
  expect_word(m[1], {150, 250, 250, 2, 0, 0, 0}, 1);
  expect_word(m[2], {kNaN, kNaN, 180, 1, 1, 1, 0}, 2);
  expect_word(m[3], {220, 220, 220, 1, 0, 0, 1}, 3);
  expect_word(m[4], {kNaN, kNaN, 0, 0, 1, 0, 0}, 4);
  expect_word(m[5], {250, 250, 250, 1, 0, 0, 0}, 5);
}

TEST(ReadingMeasures, ReReadingAfterARegression) {
  // 0 1 2 1 2 3: a regression from 2 to 1, then 2 read again. The second
  // visit to 1 is not first pass (2 was fixated); the second visit to 2 is
  // first pass (nothing right of 2 yet) but not the first run, so gd is the
  // first run's only; trt sums both visits.
  const auto m = reading_measures(
      trial({{0, 100}, {1, 110}, {2, 120}, {1, 130}, {2, 140}, {3, 150}}), 4, true);
  expect_word(m[0], {100, 100, 100, 1, 0, 0, 0}, 0);
  expect_word(m[1], {110, 110, 240, 2, 0, 1, 0}, 1);
  expect_word(m[2], {120, 120, 260, 2, 0, 0, 1}, 2);
  expect_word(m[3], {150, 150, 150, 1, 0, 0, 0}, 3);
}

TEST(ReadingMeasures, RunOfRefixationsEndedByARegression) {
  // 1 1 1 0 2: gd of word 1 is its three fixations; its run ends with a
  // regression to 0, which is fixated only after a regression (skipped in
  // first pass, reg_in).
  const auto m = reading_measures(trial({{1, 50}, {1, 60}, {1, 70}, {0, 80}, {2, 90}}), 3, true);
  expect_word(m[0], {kNaN, kNaN, 80, 1, 1, 1, 0}, 0);
  expect_word(m[1], {50, 180, 180, 3, 0, 0, 1}, 1);
  expect_word(m[2], {90, 90, 90, 1, 0, 0, 0}, 2);
}

TEST(ReadingMeasures, WithoutDurationsOnlyTheCountsAreKnown) {
  const auto m = reading_measures(trial({{0, 0}, {2, 0}, {1, 0}}), 3, false);
  expect_word(m[0], {kNaN, kNaN, kNaN, 1, 0, 0, 0}, 0);
  expect_word(m[1], {kNaN, kNaN, kNaN, 1, 1, 1, 0}, 1);
  expect_word(m[2], {kNaN, kNaN, kNaN, 1, 0, 0, 1}, 2);
}

TEST(ReadingMeasures, NoFixationOnAWordSkipsEveryWord) {
  const auto m = reading_measures(trial({{-1, 100}, {-1, 120}}), 2, true);
  for (int w = 0; w < 2; ++w) expect_word(m[w], {kNaN, kNaN, 0, 0, 1, 0, 0}, w);
}

// `lmgaze human measures` on the store imported from the synthetic data set
// equals the numpy computation committed beside it.
TEST(ReadingMeasures, ExportEqualsTheNumpyReference) {
  test::TempDir dir;
  const std::string data = std::string(LMGAZE_SOURCE_DIR) + "/tests/data/reading_measures/";
  const std::string store = dir.file("h.h5"), out = dir.file("measures.csv");
  auto r = test::run_lmgaze("human import --text " + data + "text.txt --fixations " + data +
                                "fixations.csv --out " + store,
                            dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = test::run_lmgaze("human measures " + store + " --out " + out, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const CsvTable got = read_table(out, {});
  const CsvTable want = read_table(data + "expected_measures.csv", {});
  EXPECT_EQ(got.header, want.header);
  ASSERT_EQ(got.rows.size(), want.rows.size());
  ASSERT_GT(want.rows.size(), 300u);
  for (size_t i = 0; i < want.rows.size(); ++i)
    for (size_t c = 0; c < want.header.size(); ++c) {
      if (c < 6) {
        EXPECT_EQ(got.rows[i].fields[c], want.rows[i].fields[c]) << "row " << i + 2;
        continue;
      }
      const double g = got.number(got.rows[i], c), w = want.number(want.rows[i], c);
      if (std::isnan(w))
        EXPECT_TRUE(std::isnan(g)) << "row " << i + 2 << " " << want.header[c];
      else
        EXPECT_EQ(g, w) << "row " << i + 2 << " " << want.header[c];  // sums of whole ms: exact
    }
}

// A store without measures (from saccade matrices, or written before them)
// is refused by name, never exported as an empty table.
TEST(ReadingMeasures, AStoreWithoutMeasuresIsRefusedByName) {
  test::TempDir dir;
  const std::string store = dir.file("h.h5"), out = dir.file("m.csv");
  auto r = test::run_lmgaze("human import --sentences " +
                                dir.write("sentences.csv", test::kSentencesCsv) + " --saccades " +
                                dir.write("saccades.csv", test::kSaccades) + " --out " + store,
                            dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = test::run_lmgaze("human measures " + store + " --out " + out, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("has no reading measures"), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(out));
}

}  // namespace
}  // namespace lmgaze::human
