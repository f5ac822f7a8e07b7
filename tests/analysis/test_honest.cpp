// The honest companions of METHODS.md section 10:
// - cross-validated resemblance with the layer chosen inside the folds and the
//   cross-validated ceiling, against a direct numpy computation
//   (tests/reference/cv_resemblance_reference.py: lstsq on explicit designs),
//   with 1 and 3 ranks;
// - the split-half ceiling against the closed-form reliability of synthetic
//   readers y_r = s + e_r, and its arithmetic by hand;
// - the in-fold layer choice by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "analysis/bootstrap.hpp"
#include "analysis/cv_layer_choice.hpp"
#include "analysis/split_half.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"

namespace lmgaze::testing {
namespace {

using analysis::Moments;

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f);
}

// Readers who follow head 1 of layer 3 (plus noise), so that the layer choice
// matters, with sentences missing for two readers; and readers of pure noise,
// whose folds choose different layers.
TEST(HonestResemblance, CrossValidatedMatchesDirectNumpy) {
  const std::string dir = scratch_dir("honest_cv");
  const SentenceTable t = write_head_following_study(dir);

  write_store(dir + "/N.h5", t, {random_group("L1", t, 7, 3, {{}, {2}, {}, {5, 9}})});
  // Returns the reference's layer choice after checking lmgaze against it.
  auto compare = [&](const std::string& store) {
    const std::string ref_text =
        run_reference("cv_resemblance_reference.py", dir + "/M.h5 " + dir + "/" + store + " L1 4");
    EXPECT_FALSE(ref_text.empty()) << "reference script failed";
    if (ref_text.empty()) return nlohmann::json();
    const auto ref = nlohmann::json::parse(ref_text);
    for (int ranks : {1, 3}) {
      SCOPED_TRACE(store + ", " + std::to_string(ranks) + " ranks");
      const std::string out = dir + "/out_" + store + std::to_string(ranks);
      const RunResult r = run_lmgaze("resemblance --model " + dir + "/M.h5 --human " + dir + "/" +
                                         store + " --group L1 --cv 4 --out " + out,
                                     ranks);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      const Csv folds = read_csv(out + "/resemblance_cv_folds.csv");
      EXPECT_EQ(folds.header,
                (std::vector<std::string>{"model", "group", "fold", "selected_layer"}));
      EXPECT_EQ(folds.rows.size(), 4u);
      for (size_t k = 0; k < folds.rows.size(); ++k)
        EXPECT_EQ(std::stoi(folds.rows[k][3]), ref["layer_of_fold"][k].get<int>()) << "fold " << k;
      const Csv summary = read_csv(out + "/resemblance_cv_summary.csv");
      EXPECT_EQ(summary.header, (std::vector<std::string>{"model", "group", "k", "mean_r2_cv",
                                                          "cv_noise_ceiling", "cv_resemblance"}));
      EXPECT_EQ(summary.rows.size(), 1u);
      if (summary.rows.size() != 1) continue;
      EXPECT_EQ(summary.rows[0][2], "4");
      // Both sides in double over ~400 values of magnitude ~1: agreement to
      // round-off (1e-16 per operation, sums of ~1e3 terms).
      EXPECT_NEAR(std::stod(summary.rows[0][3]), ref["mean_r2_cv"].get<double>(), 1e-9);
      EXPECT_NEAR(std::stod(summary.rows[0][4]), ref["cv_ceiling"].get<double>(), 1e-9);
      EXPECT_NEAR(std::stod(summary.rows[0][5]), ref["cv_resemblance"].get<double>(), 1e-9);
      const Csv heads = read_csv(out + "/resemblance_heads.csv");
      EXPECT_EQ(heads.rows.size(), 5u * 4u);
      for (const auto& row : heads.rows)  // layer, head -> mean R² on that head alone
        EXPECT_NEAR(std::stod(row[4]),
                    ref["head_r2"][std::stoul(row[2])][std::stoul(row[3])].get<double>(), 1e-9)
            << "layer " << row[2] << " head " << row[3];
      const auto side = read_json(out + "/resemblance.json");
      const auto& mine = side["cross_validated"]["r2_cv"];
      EXPECT_EQ(mine.size(), ref["r2_cv"].size());
      for (size_t k = 0; k < mine.size() && k < ref["r2_cv"].size(); ++k)
        EXPECT_NEAR(mine[k].get<double>(), ref["r2_cv"][k].get<double>(), 1e-9) << "reader " << k;
    }
    return ref["layer_of_fold"];
  };
  const auto signal_layers = compare("H.h5");
  // Noise readers: the folds need not agree on a layer; the numbers still must.
  compare("N.h5");
  ASSERT_EQ(signal_layers.size(), 4u);
  for (const auto& l : signal_layers) EXPECT_EQ(l.get<int>(), 3);
  if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir);
}

// In-fold choice by hand: 2 layers, 2 folds, 2 readers.
TEST(HonestResemblance, LayerChosenInsideEachFoldByHand) {
  // scores[layer][fold][reader] = {train_r2, sse, sst}
  const std::vector<Moments::FoldScore> s = {
      {0.50, 1.0, 4.0}, {0.30, 2.0, 4.0},     // layer 0, fold 0: mean train 0.40
      {0.10, 3.0, 4.0}, {0.20, 3.0, 4.0},     // layer 0, fold 1: mean train 0.15
      {0.20, 0.5, 4.0}, {0.40, 0.5, 4.0},     // layer 1, fold 0: mean train 0.30
      {0.60, 1.5, 2.0}, {std::nan(""), 0, 0}  // layer 1, fold 1: mean train 0.60 (reader 1 skipped)
  };
  const analysis::CvLayerChoice c = analysis::choose_layers_in_folds(s, 2, 2, 2);
  EXPECT_EQ(c.layer_of_fold, (std::vector<int>{0, 1}));
  // Reader 0: fold 0 at layer 0 (1, 4), fold 1 at layer 1 (1.5, 2): 1 - 2.5/6.
  EXPECT_DOUBLE_EQ(c.r2_cv[0], 1.0 - 2.5 / 6.0);
  // Reader 1: fold 0 at layer 0 (2, 4), fold 1 skipped at layer 1: 1 - 2/4.
  EXPECT_DOUBLE_EQ(c.r2_cv[1], 0.5);
  EXPECT_DOUBLE_EQ(c.mean_r2_cv.mean, (1.0 - 2.5 / 6.0 + 0.5) / 2);
}

TEST(Bootstrap, PercentilesAndCountsByHand) {
  EXPECT_DOUBLE_EQ(analysis::percentile({4, 1, 3, 2}, 0.5), 2.5);  // numpy: 2.5
  EXPECT_DOUBLE_EQ(analysis::percentile({4, 1, 3, 2, std::nan("")}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(analysis::percentile({5}, 0.975), 5.0);
  EXPECT_TRUE(std::isnan(analysis::percentile({}, 0.5)));
  EXPECT_DOUBLE_EQ(analysis::resampled_mean({1, 2, std::nan(""), 4}, {2, 0, 1, 1}), 6.0 / 3.0);
  const auto counts = analysis::bootstrap_counts(9, 100, 3);
  ASSERT_EQ(counts.size(), 100u);
  for (const auto& c : counts) {
    int sum = 0;
    for (int x : c) sum += x;
    EXPECT_EQ(sum, 9);
  }
  EXPECT_EQ(counts, analysis::bootstrap_counts(9, 100, 3));
  EXPECT_NE(counts, analysis::bootstrap_counts(9, 100, 4));
}

// 400 synthetic groups of 40 readers whose R² are drawn around a known mean
// 0.08 (SD 0.03): the 95% interval of the mean must cover 0.08 about 95% of
// the time. The percentile bootstrap runs slightly narrow at n = 40 (about
// 94%); the binomial SD over 400 groups is 1.1 points, so [0.91, 0.98] is
// more than three of them around the nominal rate, and fails for an interval
// that is too narrow or too wide by a few points.
TEST(Bootstrap, IntervalsCoverAtTheNominalRate) {
  std::mt19937_64 rng(12);
  std::normal_distribution<double> r2(0.08, 0.03);
  int covered = 0;
  const int groups = 400;
  for (int g = 0; g < groups; ++g) {
    std::vector<double> values(40);
    for (double& v : values) v = r2(rng);
    std::vector<double> means;
    for (const auto& c : analysis::bootstrap_counts(40, 1000, 100 + g))
      means.push_back(analysis::resampled_mean(values, c));
    const analysis::Interval i = analysis::percentile_interval(means);
    covered += i.low <= 0.08 && 0.08 <= i.high;
  }
  const double rate = static_cast<double>(covered) / groups;
  std::cout << "coverage of the 95% interval over " << groups << " groups: " << rate << "\n";
  EXPECT_GE(rate, 0.91);
  EXPECT_LE(rate, 0.98);
}

// Bits per byte and nats per word by hand: the fixture writes nll_sum[s] =
// 2.5 * (n_words + 1) + 0.1 * s, so 10.0 and 7.6 nats for sentences of 3 and
// 2 words; their text has 12 and 7 UTF-8 bytes ("é" is two).
TEST(BitsPerByte, ByHandOnATinyText) {
  const std::string dir = scratch_dir("honest_bpb");
  SentenceTable t = make_table({3, 2});
  t.text = {"The cat sat.", "H\xc3\xa9 ran"};
  write_attention(dir + "/M.h5", t, 1, 1, 1);
  const RunResult r = run_lmgaze("ntp --model " + dir + "/M.h5 --out " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Csv c = read_csv(dir + "/out/ntp.csv");
  EXPECT_EQ(c.header, (std::vector<std::string>{"model", "loss", "tokens", "bits_per_byte",
                                                "nats_per_word", "bytes", "words"}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_NEAR(std::stod(c.rows[0][1]), 17.6 / 7, 1e-12);  // 4 + 3 tokens predicted
  EXPECT_NEAR(std::stod(c.rows[0][3]), 17.6 / std::log(2.0) / 19, 1e-12);
  EXPECT_NEAR(std::stod(c.rows[0][4]), 17.6 / 5, 1e-12);
  EXPECT_EQ(c.rows[0][5], "19");
  EXPECT_EQ(c.rows[0][6], "5");
  // Without the text, bits per byte is left empty rather than guessed.
  write_attention(dir + "/bare.h5", make_table({3, 2}), 1, 1, 1);
  ASSERT_EQ(run_lmgaze("ntp --model " + dir + "/bare.h5 --out " + dir + "/bare").exit_code, 0);
  const Csv bare = read_csv(dir + "/bare/ntp.csv");
  ASSERT_EQ(bare.rows.size(), 1u);
  EXPECT_EQ(bare.rows[0][3], "");
  EXPECT_EQ(bare.rows[0][5], "");
  EXPECT_NEAR(std::stod(bare.rows[0][4]), 17.6 / 5, 1e-12);
  if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir);
}

TEST(SplitHalf, ArithmeticByHand) {
  // Pairs (1,2), (2,4), (3,5): r = Sxy / sqrt(Sxx Syy) = 3 / sqrt(2 * 4.6667).
  const double m[6] = {3, 6, 11, 1 + 4 + 9, 4 + 16 + 25, 2 + 8 + 15};
  EXPECT_NEAR(analysis::pearson_from_sums(m), 3.0 / std::sqrt(2.0 * (14.0 / 3.0)), 1e-15);
  EXPECT_DOUBLE_EQ(analysis::spearman_brown(0.5), 2.0 / 3.0);
  const auto halves = analysis::split_halves(7, 50, 9);
  ASSERT_EQ(halves.size(), 50u);
  bool differ = false;
  for (const auto& h : halves) {
    int first = 0;
    for (uint8_t x : h) first += x == 0;
    EXPECT_EQ(first, 3);  // n/2 rounded down
    differ = differ || h != halves[0];
  }
  EXPECT_TRUE(differ);
  EXPECT_EQ(halves, analysis::split_halves(7, 50, 9));  // the seed decides
  EXPECT_NE(halves, analysis::split_halves(7, 50, 10));
}

// y_r = s + e_r with var(s) = 1 and var(e) = 9 for 20 readers: the group mean
// has reliability 1 / (1 + 9/20) = 0.6897 (each half of 10: 1 / (1 + 9/10),
// which Spearman–Brown turns into exactly the same number). Over 3300 pairs
// the sampling SD of a correlation near 0.5–0.7 is about (1 − r²)/√3300 ≈ 0.013,
// so 0.04 is three of them.
TEST(SplitHalf, ApproachesTheKnownReliabilityOfTheGroupMean) {
  const std::string dir = scratch_dir("honest_split");
  const SentenceTable t = make_table(std::vector<int>(60, 10));
  const auto pairs = static_cast<size_t>(t.n_pairs());
  ASSERT_EQ(pairs, 3300u);
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> unit(0.0, 1.0);
  std::vector<double> s(pairs);
  for (double& v : s) v = unit(rng);
  GroupSpec g;
  g.name = "G";
  const int n = 20;
  for (int r = 0; r < n; ++r) {
    g.subjects.push_back("G_" + std::to_string(r + 1));
    for (size_t p = 0; p < pairs; ++p) g.count.push_back(20.0 + s[p] + 3.0 * unit(rng));
  }
  write_store(dir + "/H.h5", t, {g});
  std::vector<Csv> tables;
  for (int ranks : {1, 2}) {
    const std::string out = dir + "/out" + std::to_string(ranks);
    const RunResult r = run_lmgaze(
        "noise-ceiling --human " + dir + "/H.h5 --group G --split-half 200 --seed 4 --out " + out,
        ranks);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    tables.push_back(read_csv(out + "/noise_ceiling_split_half.csv"));
  }
  EXPECT_EQ(compare_csv(tables[0], tables[1], 1e-9), "");
  const Csv& c = tables[0];
  EXPECT_EQ(c.header, (std::vector<std::string>{"group", "n_readers", "splits", "r_half_mean",
                                                "reliability_mean", "reliability_sd"}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0][1], "20");
  EXPECT_EQ(c.rows[0][2], "200");
  const double truth = 1.0 / (1.0 + 9.0 / n), half_truth = 1.0 / (1.0 + 9.0 / (n / 2));
  EXPECT_NEAR(std::stod(c.rows[0][4]), truth, 0.04);
  EXPECT_NEAR(std::stod(c.rows[0][3]), half_truth, 0.04);
  EXPECT_GT(std::stod(c.rows[0][5]), 0.0);
  EXPECT_LT(std::stod(c.rows[0][5]), 0.05);
  if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lmgaze::testing
