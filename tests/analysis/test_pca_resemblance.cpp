// The fixed-capacity resemblance (analysis/pca_resemblance.hpp) against a
// direct numpy computation (tests/reference/pca_resemblance_reference.py:
// numpy.linalg.eigh of the training covariance, lstsq on the explicit
// scores), with 1 and 3 ranks; with k = all heads it must equal the
// cross-validated R² on all heads; bad --pca-k values are refused by name
// before anything is written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "analysis/pca_resemblance.hpp"
#include "fixtures.hpp"

namespace lmgaze::testing {
namespace {

class PcaResemblance : public ::testing::Test {
 protected:
  // 5 layers × 4 heads; 6 readers who follow head 1 of layer 3 plus noise, two
  // of them missing sentences.
  void SetUp() override {
    dir_ = scratch_dir("pca_resemblance");
    write_head_following_study(dir_);
  }
  void TearDown() override {
    if (!std::getenv("LMGAZE_KEEP_SCRATCH")) std::filesystem::remove_all(dir_);
  }
  RunResult run(const std::string& out, const std::string& extra, int ranks = 0) const {
    return run_lmgaze("resemblance --model " + dir_ + "/M.h5 --human " + dir_ +
                          "/H.h5 --group L1 --cv 4 " + extra + " --out " + out,
                      ranks);
  }
  std::string dir_;
};

TEST_F(PcaResemblance, MatchesDirectNumpy) {
  const std::string ref_text =
      run_reference("pca_resemblance_reference.py", dir_ + "/M.h5 " + dir_ + "/H.h5 L1 4 2");
  ASSERT_FALSE(ref_text.empty()) << "reference script failed";
  const auto ref = nlohmann::json::parse(ref_text);
  for (int ranks : {1, 3}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const std::string out = dir_ + "/out" + std::to_string(ranks);
    const RunResult r = run(out, "--pca-k 2", ranks);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("fixed capacity (first 2 principal components"), std::string::npos);
    const Csv layers = read_csv(out + "/resemblance_pca.csv");
    EXPECT_EQ(layers.header,
              (std::vector<std::string>{"model", "group", "k", "layer", "mean_r2_cv"}));
    ASSERT_EQ(layers.rows.size(), 5u);
    // Both sides in double over ~400 values of magnitude ~1: agreement to
    // round-off (1e-16 per operation, sums of ~1e3 terms), as the CV test.
    for (size_t l = 0; l < 5; ++l)
      EXPECT_NEAR(std::stod(layers.rows[l][4]), ref["layer_mean_r2_cv"][l].get<double>(), 1e-9)
          << "layer " << l;
    const Csv folds = read_csv(out + "/resemblance_pca_folds.csv");
    ASSERT_EQ(folds.rows.size(), 4u);
    for (size_t f = 0; f < 4; ++f)
      EXPECT_EQ(std::stoi(folds.rows[f][4]), ref["layer_of_fold"][f].get<int>()) << "fold " << f;
    const Csv summary = read_csv(out + "/resemblance_pca_summary.csv");
    EXPECT_EQ(summary.header,
              (std::vector<std::string>{"model", "group", "k", "folds", "mean_r2_cv",
                                        "cv_noise_ceiling", "pca_cv_resemblance"}));
    ASSERT_EQ(summary.rows.size(), 1u);
    const double mean = std::stod(summary.rows[0][4]), ceiling = std::stod(summary.rows[0][5]);
    EXPECT_NEAR(mean, ref["mean_r2_cv"].get<double>(), 1e-9);
    // The ceiling is the CV resemblance's (checked against numpy in test_honest).
    const Csv cv = read_csv(out + "/resemblance_cv_summary.csv");
    EXPECT_EQ(summary.rows[0][5], cv.rows[0][4]);
    EXPECT_DOUBLE_EQ(std::stod(summary.rows[0][6]), mean / ceiling);
  }
}

// k = every head: the components span the heads, so the fits are the CV fits
// on all heads (resemblance.csv r2_cv, resemblance_cv_*.csv).
TEST_F(PcaResemblance, AllComponentsEqualTheCrossValidatedFit) {
  const std::string out = dir_ + "/all";
  const RunResult r = run(out, "--pca-k 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Csv layers = read_csv(out + "/resemblance_pca.csv");
  const Csv summary = read_csv(out + "/resemblance_summary.csv");  // mean_r2_cv per layer
  for (size_t l = 0; l < 5; ++l)
    EXPECT_NEAR(std::stod(layers.rows[l][4]), std::stod(summary.rows[l][5]), 1e-9) << l;
  const Csv a = read_csv(out + "/resemblance_pca_summary.csv");
  const Csv b = read_csv(out + "/resemblance_cv_summary.csv");
  EXPECT_NEAR(std::stod(a.rows[0][4]), std::stod(b.rows[0][3]), 1e-9);
  EXPECT_NEAR(std::stod(a.rows[0][6]), std::stod(b.rows[0][5]), 1e-9);
}

TEST_F(PcaResemblance, RefusesBadKBeforeWriting) {
  for (const auto& [extra, part] :
       {std::pair<std::string, std::string>{"--pca-k 5", "the model has 4 heads per layer"},
        {"--pca-k -1", "1 <= k <= heads"}}) {
    const std::string out = dir_ + "/bad";
    const RunResult r = run(out, extra);
    EXPECT_EQ(r.exit_code, 2) << extra;
    EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/resemblance_summary.csv")) << extra;
  }
  const RunResult r = run_lmgaze("resemblance --model " + dir_ + "/M.h5 --human " + dir_ +
                                 "/H.h5 --group L1 --pca-k 2 --out " + dir_ + "/bad2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--pca-k needs --cv K"), std::string::npos) << r.err;
}

// The leading direction of a design whose heads vary along (1, 1, 0) mostly.
TEST(PcaComponents, LeadingDirectionByHand) {
  // Rows (heads): (1,1,0), (-1,-1,0), (0,0,0.1), (0,0,-0.1): covariance·n =
  // [[2,2,0],[2,2,0],[0,0,0.02]], eigenvalues 4, 0.02, 0; leading (1,1,0)/√2.
  Eigen::MatrixXd x(4, 4);
  x << 1, 1, 1, 0, 1, -1, -1, 0, 1, 0, 0, 0.1, 1, 0, 0, -0.1;
  const Eigen::MatrixXd v = analysis::leading_components(x.transpose() * x, 2);
  EXPECT_NEAR(std::fabs(v(0, 0)), std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(std::fabs(v(1, 0)), std::sqrt(0.5), 1e-12);
  EXPECT_NEAR(v(2, 0), 0, 1e-12);
  EXPECT_NEAR(std::fabs(v(2, 1)), 1, 1e-12);
}

}  // namespace
}  // namespace lmgaze::testing
