// Trivial-pattern reliance of the real Reading Brain group means, and the
// regression of the L1 mean on the L2 mean, computed by lmgaze.
//
// Data: ../shared/data/reading_brain/mean_saccade_count.csv (L1 and L2 group
// means, full n×n per sentence; only the tril j <= i enters) and
// sentences.csv. The expected numbers were computed once, independently, by
// tests/reference/analysis_reading_brain.py (numpy.linalg.lstsq on the explicit
// design matrix; run `/usr/bin/python3 tests/reference/analysis_reading_brain.py
// ../shared/data/reading_brain` to reproduce them) and are written below.
// Tolerance: 1e-9 relative.
//
// The test writes a human store from the CSV (its own small parser, the store
// layout of human_store.hpp), runs `lmgaze trivial --human` (lmgaze_analysis_cli)
// on it for L1 and L2,
// and fits L1 on L2 through the analysis library (MomentPlan / Moments).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/moments.hpp"
#include "common/tril.hpp"
#include "fixtures.hpp"

namespace lmgaze::testing {
namespace {

// From tests/reference/analysis_reading_brain.py (148 sentences, 8917 pairs).
struct Expected {
  double r2, intercept, first, self, prev;
};
const Expected kL1 = {0.2738303250156422, 0.025651526709198725, 0.0072591198249133404,
                      0.13054704166897452, 0.088803871674489443};
const Expected kL2 = {0.34406060622203305, 0.027661089069666359, 0.0082958044180046486,
                      0.23844965786116862, 0.094656339673478182};
const double kL1OnL2R2 = 0.68336931717553517, kL1OnL2Intercept = 0.016559635370813165,
             kL1OnL2Slope = 0.54915150032231252;

const std::string kData = std::string(LMGAZE_SHARED_DIR) + "/data/reading_brain";

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) fields.push_back(x);
    rows.push_back(fields);
  }
  return rows;
}

void expect_rel(double expected, double actual) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::fabs(expected)) << expected;
}

class ReadingBrain : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kData + "/mean_saccade_count.csv")) GTEST_SKIP() << "no " << kData;
    for (const auto& r : csv_rows(kData + "/sentences.csv")) {
      table_.article.push_back(std::stoi(r[0]));
      table_.index.push_back(std::stoi(r[1]));
      table_.n_words.push_back(std::stoi(r[2]));
    }
    table_.pair_offset = tril_offsets(table_.n_words);
    std::map<std::pair<int, int>, size_t> sentence;
    for (size_t s = 0; s < table_.size(); ++s) sentence[{table_.article[s], table_.index[s]}] = s;
    for (const char* g : {"L1", "L2"})
      values_[g].assign(static_cast<size_t>(table_.n_pairs()), std::nan(""));
    // group, subject, article, sentence, from_word, to_word, value
    for (const auto& r : csv_rows(kData + "/mean_saccade_count.csv")) {
      const int i = std::stoi(r[4]), j = std::stoi(r[5]);
      if (j > i) continue;
      const size_t s = sentence.at({std::stoi(r[2]), std::stoi(r[3])});
      values_.at(r[0])[static_cast<size_t>(table_.pair_offset[s] + tril_index(i, j))] =
          std::stod(r[6]);
    }
    for (const auto& [g, v] : values_)
      for (double x : v) ASSERT_FALSE(std::isnan(x)) << g << ": a tril entry is missing";
  }
  SentenceTable table_;
  std::map<std::string, std::vector<double>> values_;
};

TEST_F(ReadingBrain, TrivialRelianceOfGroupMeans) {
  ASSERT_EQ(table_.size(), 148u);
  ASSERT_EQ(table_.n_pairs(), 8917);
  const std::string dir = scratch_dir("reading_brain");
  write_store(dir + "/means.h5", table_,
              {{"L1", {"mean"}, values_["L1"]}, {"L2", {"mean"}, values_["L2"]}});
  for (const auto& [group, expected] : {std::pair{"L1", kL1}, std::pair{"L2", kL2}}) {
    const std::string out = dir + "/" + group;
    const RunResult r =
        run_lmgaze("trivial --human " + dir + "/means.h5 --group " + group + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Csv csv = read_csv(out + "/trivial.csv");
    ASSERT_EQ(csv.rows.size(), 1u) << r.out;
    const auto& row = csv.rows[0];  // source layer head subject r2 first self prev intercept
    EXPECT_EQ(row[3], "mean");
    expect_rel(expected.r2, std::stod(row[4]));
    expect_rel(expected.first, std::stod(row[5]));
    expect_rel(expected.self, std::stod(row[6]));
    expect_rel(expected.prev, std::stod(row[7]));
    expect_rel(expected.intercept, std::stod(row[8]));
  }
  std::filesystem::remove_all(dir);
}

TEST_F(ReadingBrain, L1MeanOnL2Mean) {
  // Two "ranks": sentences [0, 70) and [70, 148), moments summed.
  const auto& x_all = values_["L2"];
  const auto& y_all = values_["L1"];
  std::vector<double> total;
  std::unique_ptr<analysis::Moments> m;
  for (auto [b, e] : {std::pair<size_t, size_t>{0, 70}, {70, 148}}) {
    const analysis::MomentPlan plan(table_, b, e, 1, 1, {});
    analysis::Moments part(1, plan);
    const auto p0 = table_.pair_offset[b];
    const auto n = static_cast<Eigen::Index>(table_.pair_offset[e] - p0);
    Eigen::MatrixXd x(n, 2), y(n, 1);
    for (Eigen::Index i = 0; i < n; ++i) {
      x(i, 0) = 1;
      x(i, 1) = x_all[static_cast<size_t>(p0 + i)];
      y(i, 0) = y_all[static_cast<size_t>(p0 + i)];
    }
    part.accumulate(plan, x, y);
    if (!m) {
      m = std::make_unique<analysis::Moments>(part);
    } else {
      for (size_t k = 0; k < part.data().size(); ++k) m->data()[k] += part.data()[k];
    }
  }
  const analysis::OlsFit fit = m->fit_all()[0];
  expect_rel(kL1OnL2R2, fit.r2);
  expect_rel(kL1OnL2Intercept, fit.intercept);
  expect_rel(kL1OnL2Slope, fit.coef(0));
  EXPECT_EQ(fit.n, 8917);
}

}  // namespace
}  // namespace lmgaze::testing
