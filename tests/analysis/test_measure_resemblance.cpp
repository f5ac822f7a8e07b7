// Resemblance to per-word reading measures (METHODS.md 11): the attention a
// word receives by hand, and `lmgaze resemblance --target` against a direct
// numpy computation (tests/reference/measure_resemblance_reference.py:
// unpacked matrices, lstsq on explicit designs) with 1 and 3 ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "analysis/received_attention.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"
#include "human/human_store.hpp"
#include "human/reading_measures.hpp"

namespace lmgaze::testing {
namespace {

TEST(ReceivedAttention, ColumnMeanOverTheRowsThatSeeTheWord) {
  // W = [1; .25 .75; .5 .25 .25]: word 0 is seen by 3 rows, word 2 by 1.
  const float tril[] = {1.0f, 0.25f, 0.75f, 0.5f, 0.25f, 0.25f};
  double out[3];
  analysis::received_attention(tril, 3, out);
  EXPECT_DOUBLE_EQ(out[0], 1.75 / 3);
  EXPECT_DOUBLE_EQ(out[1], 1.0 / 2);
  EXPECT_DOUBLE_EQ(out[2], 0.25);
}

// Readers whose trt follows the attention words receive from head 2 of layer
// 1 (plus noise); ffd and gd missing on skipped words; reader 3 lacks two
// sentences.
TEST(MeasureResemblance, MatchesDirectNumpy) {
  const std::string dir = scratch_dir("measure_resemblance");
  const std::vector<int> words = {3, 5, 4, 6, 2, 7, 4, 5, 3, 6, 5, 8};
  const SentenceTable t = make_table(words);
  const auto pairs = static_cast<size_t>(t.n_pairs());
  std::vector<float> signal;
  write_attention(dir + "/M.h5", t, 3, 4, 17, [&](int layer, std::vector<float>& v) {
    if (layer == 1) signal.assign(v.begin() + 2 * static_cast<long>(pairs), v.begin() + 3 * pairs);
  });
  std::vector<double> received;  // per word, corpus order
  for (size_t s = 0; s < t.size(); ++s) {
    std::vector<double> r(static_cast<size_t>(t.n_words[s]));
    analysis::received_attention(signal.data() + t.pair_offset[s], t.n_words[s], r.data());
    received.insert(received.end(), r.begin(), r.end());
  }
  const size_t n_words = received.size();
  human::GroupData g;
  g.name = "L1";
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 40.0);
  const int readers = 5;
  g.measures.assign(human::kMeasures, std::vector<double>(readers * n_words, 0.0));
  for (int r = 0; r < readers; ++r) {
    g.subjects.push_back(std::to_string(r + 1));
    for (size_t w = 0; w < n_words; ++w) {
      const size_t at = r * n_words + w;
      const double trt = std::max(0.0, 150 + 400 * received[w] + noise(rng));
      const bool skipped = rng() % 4 == 0;
      g.measures[0][at] = skipped ? std::nan("") : 0.6 * trt;  // ffd
      g.measures[1][at] = skipped ? std::nan("") : 0.8 * trt;  // gd
      g.measures[2][at] = trt;
      g.measures[3][at] = 1 + rng() % 3;
      g.measures[4][at] = skipped ? 1 : 0;
      g.measures[5][at] = rng() % 2;
      g.measures[6][at] = rng() % 2;
    }
  }
  const std::vector<int64_t> word_at = human::word_offsets(t);
  for (int s : {2, 7})
    for (auto& m : g.measures)
      for (int64_t w = word_at[s]; w < word_at[s + 1]; ++w)
        m[3 * n_words + static_cast<size_t>(w)] = std::nan("");
  g.count.assign(readers * pairs, 0.0);
  human::StoreMeta meta;
  meta.text_kind = "sentences";
  meta.data_kind = "fixations";
  human::write_store(dir + "/H.h5", t, meta, {g});

  for (const std::string measure : {"trt", "gd"}) {
    const std::string ref_text = run_reference("measure_resemblance_reference.py",
                                               dir + "/M.h5 " + dir + "/H.h5 L1 " + measure + " 3");
    ASSERT_FALSE(ref_text.empty()) << "reference script failed";
    const auto ref = nlohmann::json::parse(ref_text);
    for (int ranks : {1, 3}) {
      SCOPED_TRACE(measure + ", " + std::to_string(ranks) + " ranks");
      const std::string out = dir + "/out_" + measure + std::to_string(ranks);
      const RunResult r =
          run_lmgaze("resemblance --model " + dir + "/M.h5 --human " + dir +
                         "/H.h5 --group L1 --target " + measure + " --cv 3 --out " + out,
                     ranks);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const Csv rows = read_csv(out + "/resemblance_" + measure + ".csv");
      EXPECT_EQ(rows.header, (std::vector<std::string>{"model", "group", "measure", "layer",
                                                       "subject", "n_words", "r2", "r2_cv"}));
      ASSERT_EQ(rows.rows.size(), 3u * readers);
      for (const auto& row : rows.rows) {
        const size_t layer = std::stoul(row[3]), reader = std::stoul(row[4]) - 1;
        // Double on both sides over ~60 words of magnitude ~1e2: round-off.
        EXPECT_NEAR(std::stod(row[6]), ref["r2"][layer][reader].get<double>(), 1e-9)
            << "layer " << layer << " reader " << reader;
        EXPECT_NEAR(std::stod(row[7]), ref["r2_cv"][layer][reader].get<double>(), 1e-9)
            << "layer " << layer << " reader " << reader;
      }
      // The readers follow layer 1: its mean R² is the best.
      const Csv summary = read_csv(out + "/resemblance_" + measure + "_summary.csv");
      ASSERT_EQ(summary.rows.size(), 3u);
      EXPECT_GT(std::stod(summary.rows[1][5]), std::stod(summary.rows[0][5]));
      EXPECT_GT(std::stod(summary.rows[1][5]), std::stod(summary.rows[2][5]));
    }
  }
  const RunResult bad = run_lmgaze("resemblance --model " + dir + "/M.h5 --human " + dir +
                                   "/H.h5 --group L1 --target speed --out " + dir + "/bad");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--target 'speed'"), std::string::npos) << bad.err;
  if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lmgaze::testing
