// The companions of the paper's score (report/companions.hpp): the order of the
// models by the paper's score and by the cross-validated score, worded from the
// values on constructed studies where it survives and where it does not; the
// companion tables; and a run folder whose manifest lists the cv, split-half,
// fixed-capacity and reading-measure tables, through `write_report`.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.hpp"
#include "report/companions.hpp"
#include "report/report.hpp"
#include "stats/csv.hpp"
#include "support/run_command.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lmgaze::report;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ResemblanceSeries scored(const std::string& model, int layer, double paper, double cv,
                         std::vector<int> folds = {}) {
  ResemblanceSeries r;
  r.model = model;
  r.store = "rb";
  r.group = "L1";
  r.best.layer = layer;
  r.best.resemblance = paper;
  r.cv.present = true;
  r.cv.k = 4;
  r.cv.cv_resemblance = cv;
  r.cv.fold_layers = std::move(folds);
  return r;
}

// Three scale models s < m < l and a tuned model, in manifest order.
Study zoo(double s_paper, double s_cv, double m_paper, double m_cv, double l_paper, double l_cv) {
  Study s;
  s.manifest.models = {{"s", "f", 1e6, "", "scale", 2, 2},
                       {"m", "f", 1e7, "", "scale", 2, 2},
                       {"l", "f", 1e8, "", "scale", 2, 2},
                       {"t", "f", 1e7, "m", "tuned", 2, 2}};
  s.resemblance = {scored("l", 1, l_paper, l_cv), scored("s", 0, s_paper, s_cv),
                   scored("m", 1, m_paper, m_cv), scored("t", 1, 0.9, 0.01)};
  return s;
}

std::string only(const std::vector<std::string>& lines) {
  EXPECT_EQ(lines.size(), 1u);
  return lines.empty() ? "" : lines.front();
}

TEST(OrderingWords, SameOrderSurvives) {
  // Paper 0.2 < 0.3 < 0.5, cv 0.05 < 0.08 < 0.12: the same order, lower values.
  const std::string w = only(ordering_words(zoo(0.2, 0.05, 0.3, 0.08, 0.5, 0.12)));
  EXPECT_TRUE(contains(w, "Scale models on rb L1")) << w;
  EXPECT_TRUE(contains(w, "l (0.5) > m (0.3) > s (0.2)")) << w;
  EXPECT_TRUE(contains(w,
                       "(4 folds, layer chosen inside the folds): l (0.12) > m (0.08) > s "
                       "(0.05)"))
      << w;
  EXPECT_TRUE(contains(w,
                       "The same order: the scaling ordering of the paper's score survives "
                       "cross-validation."))
      << w;
  // The tuned model (0.9 in sample) is not a scale model: not in the order.
  EXPECT_FALSE(contains(w, "t (")) << w;
}

TEST(OrderingWords, SwappedPairDoesNotSurvive) {
  // cv: m 0.04 below s 0.05, while the paper puts m above s.
  const std::string w = only(ordering_words(zoo(0.2, 0.05, 0.3, 0.04, 0.5, 0.12)));
  EXPECT_TRUE(contains(w, "l (0.12) > s (0.05) > m (0.04)")) << w;
  EXPECT_TRUE(contains(w,
                       "A different order: the scaling ordering of the paper's score does not "
                       "survive cross-validation (pair that change places: s and m)."))
      << w;
  EXPECT_FALSE(contains(w, "survives")) << w;
}

TEST(OrderingWords, ReversedOrderNamesEveryPair) {
  const std::string w = only(ordering_words(zoo(0.2, 0.3, 0.3, 0.2, 0.5, 0.1)));
  EXPECT_TRUE(contains(w, "s (0.3) > m (0.2) > l (0.1)")) << w;
  EXPECT_TRUE(contains(w, "(pairs that change places: s and m; s and l; m and l)")) << w;
}

TEST(OrderingWords, TieInOneScoreOnlyIsNotTheSameOrder) {
  const std::string w = only(ordering_words(zoo(0.2, 0.05, 0.3, 0.05, 0.5, 0.12)));
  EXPECT_TRUE(contains(w, "l (0.12) > s (0.05) = m (0.05)")) << w;
  EXPECT_TRUE(contains(w, "does not survive cross-validation (tied in one score only: s and m)."))
      << w;
}

TEST(OrderingWords, WithoutTwoScaleModelsEveryScoredModelIsOrdered) {
  Study s = zoo(0.2, 0.05, 0.3, 0.08, 0.5, 0.12);
  for (auto& m : s.manifest.models) m.role = "other";
  const std::string w = only(ordering_words(s));
  EXPECT_TRUE(contains(w, "Models on rb L1")) << w;
  EXPECT_TRUE(contains(w, "t (0.9) > l (0.5) > m (0.3) > s (0.2)")) << w;
  // t (0.9 in sample, 0.01 cross-validated) falls from first to last.
  EXPECT_TRUE(contains(w, "l (0.12) > m (0.08) > s (0.05) > t (0.01)")) << w;
  EXPECT_TRUE(contains(w,
                       "A different order: the ordering of the paper's score does not survive "
                       "cross-validation (pairs that change places: s and t; m and t; l and "
                       "t)."))
      << w;
}

TEST(OrderingWords, NothingWithoutTwoCrossValidatedModels) {
  Study s = zoo(0.2, 0.05, 0.3, 0.08, 0.5, 0.12);
  for (auto& r : s.resemblance)
    if (r.model != "l") r.cv.present = false;
  EXPECT_TRUE(ordering_words(s).empty());
  s.resemblance.clear();
  EXPECT_TRUE(ordering_words(s).empty());
  EXPECT_TRUE(companion_tables(s).empty());
}

TEST(CompanionTables, CrossValidatedRowsNameTheFoldLayers) {
  Study s = zoo(0.2, 0.05, 0.3, 0.08, 0.5, 0.12);
  s.resemblance = {scored("l", 2, 0.5, 0.12, {2, 2, 3, -1})};
  const auto tables = companion_tables(s);
  ASSERT_EQ(tables.size(), 1u);
  const OutTable& t = tables.front();
  EXPECT_EQ(t.name, "resemblance_cv");
  ASSERT_EQ(t.rows.size(), 1u);
  auto col = [&t](const std::string& name) {
    for (size_t k = 0; k < t.header.size(); ++k)
      if (t.header[k] == name) return t.rows[0][k];
    ADD_FAILURE() << name;
    return std::string();
  };
  EXPECT_EQ(col("paper_layer"), "2");
  EXPECT_EQ(col("fold_layers"), "2 2 3 none");
  EXPECT_EQ(col("folds_on_paper_layer"), "2");
  EXPECT_EQ(col("cv_folds"), "4");
  EXPECT_EQ(col("paper_resemblance"), "0.5");
  EXPECT_EQ(col("cv_resemblance"), "0.12");
}

// A run folder: two scale models with cv tables, a split-half ceiling, the
// fixed-capacity variant and a reading measure.
class CompanionRun : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ =
        lmgaze::test::scratch_dir(std::string("companions_") +
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const auto& [m, r2, cv] :
         {std::tuple<std::string, double, double>{"a", 0.02, 0.06}, {"b", 0.04, 0.03}}) {
      const std::string dir = "analysis/resemblance/" + m + ".sim.A/";
      put(dir + "resemblance_summary.csv",
          "model,group,layer,mean_r2,sem_r2,mean_r2_cv,noise_ceiling,resemblance\n" + m +
              ",A,0,0.01,0.001,0.005,0.2,0.05\n" + m + ",A,1," + std::to_string(r2) +
              ",0.001,0.01,0.2," + std::to_string(r2 / 0.2) + "\n" + m + ",A,max," +
              std::to_string(r2) + ",0.001,0.01,0.2," + std::to_string(r2 / 0.2) + "\n");
      put(dir + "resemblance_cv_summary.csv",
          "# cross-validated\nmodel,group,k,mean_r2_cv,cv_noise_ceiling,cv_resemblance\n" + m +
              ",A,3,0.01,0.1," + std::to_string(cv) + "\n");
      put(dir + "resemblance_cv_folds.csv",
          "model,group,fold,selected_layer\n" + m + ",A,0,1\n" + m + ",A,1,0\n" + m + ",A,2,1\n");
      put("analysis/resemblance/" + m + ".sim.A.trt/resemblance_trt_summary.csv",
          "model,group,measure,layer,readers,mean_r2,mean_r2_cv\n" + m + ",A,trt,0,3,0.11,\n" + m +
              ",A,trt,1,3,0.13,\n");
      put("analysis/resemblance/" + m + ".sim.A.pca/resemblance_pca_summary.csv",
          "model,group,k,folds,mean_r2_cv,cv_noise_ceiling,pca_cv_resemblance\n" + m +
              ",A,2,3,0.004,0.1,0.04\n");
    }
    put("analysis/noise_ceiling/sim.A/noise_ceiling.csv",
        "group,subject,r2\nA,r0,0.18\nA,r1,0.22\nA,r2,0.20\n");
    put("analysis/noise_ceiling/sim.A/noise_ceiling_split_half.csv",
        "group,n_readers,splits,r_half_mean,reliability_mean,reliability_sd\nA,3,50,0.5,0.6,0."
        "07\n");
  }
  void TearDown() override { fs::remove_all(out_); }

  void put(const std::string& rel, const std::string& text) {
    fs::create_directories((out_ / rel).parent_path());
    std::ofstream(out_ / rel) << text;
  }

  // cv_and_pca false: only the split-half table beside the paper's numbers.
  void manifest(bool cv_and_pca = true) {
    std::ostringstream t;
    for (const char* m : {"a", "b"}) {
      const std::string dir = std::string("analysis/resemblance/") + m + ".sim.A";
      const std::string who =
          std::string("\"model\": \"") + m + "\", \"store\": \"sim\", \"group\": \"A\"";
      t << "{\"stage\": \"resemblance/" << m << ".sim.A\", \"kind\": \"resemblance\", " << who
        << ", \"done\": true, \"files\": {\"summary\": \"" << dir << "/resemblance_summary.csv\"";
      if (cv_and_pca)
        t << ", \"cv_summary\": \"" << dir << "/resemblance_cv_summary.csv\", \"cv_folds\": \""
          << dir << "/resemblance_cv_folds.csv\"";
      t << "}},\n"
        << "{\"stage\": \"resemblance/" << m << ".sim.A.trt\", \"kind\": \"resemblance_measure\", "
        << who << ", \"measure\": \"trt\", \"done\": true, \"files\": {\"summary\": \"" << dir
        << ".trt/resemblance_trt_summary.csv\"}},\n";
      if (cv_and_pca)
        t << "{\"stage\": \"resemblance-pca/" << m << ".sim.A\", \"kind\": \"resemblance_pca\", "
          << who << ", \"done\": true, \"files\": {\"summary\": \"" << dir
          << ".pca/resemblance_pca_summary.csv\"}},\n";
    }
    t << "{\"stage\": \"noise-ceiling/sim.A\", \"kind\": \"noise_ceiling\", \"store\": \"sim\", "
         "\"group\": \"A\", \"done\": true, \"files\": {\"rows\": "
         "\"analysis/noise_ceiling/sim.A/noise_ceiling.csv\", \"split_half\": "
         "\"analysis/noise_ceiling/sim.A/noise_ceiling_split_half.csv\"}}";
    put("manifest.json",
        "{\"format\": \"lmgaze-run-manifest\", \"format_version\": 1, \"job\": \"c.ini\", "
        "\"name\": \"c\", \"out\": \"" +
            out_.string() +
            "\", \"models\": [{\"name\": \"a\", \"family\": \"f\", \"role\": \"scale\", "
            "\"n_params\": 1e6, \"n_layers\": 2, \"n_heads\": 2}, {\"name\": \"b\", \"family\": "
            "\"f\", \"role\": \"scale\", \"n_params\": 1e7, \"n_layers\": 2, \"n_heads\": 2}], "
            "\"conditions\": [{\"name\": \"plain\", \"prefix\": \"\"}], \"reference\": [], "
            "\"human\": [{\"name\": \"sim\", \"groups\": [\"A\"], \"simulated\": true, "
            "\"group_means\": false, \"with_models\": true}], \"tables\": [\n" +
            t.str() + "]}\n");
  }

  std::string slurp(const fs::path& file) const {
    std::ifstream in(out_ / file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  ReportOptions options() const {
    ReportOptions o;
    o.out_dir = out_.string();
    return o;
  }

  fs::path out_;
};

TEST_F(CompanionRun, ReportShowsTheCompanionsAndTheMeasureFigure) {
  manifest();
  const auto r = write_report(options());
  const std::string md = slurp("report/index.md");
  // Paper: b 0.2 above a 0.1; cross-validated: a 0.06 above b 0.03.
  EXPECT_TRUE(contains(md,
                       "Scale models on sim A [SIMULATED], ordered by the paper's score (best "
                       "layer in sample over the reader-on-mean ceiling): b (0.2) > a (0.1); "
                       "by the cross-validated score (3 folds, layer chosen inside the "
                       "folds): a (0.06) > b (0.03). A different order"))
      << md;
  EXPECT_TRUE(contains(md, "(pair that change places: a and b)")) << md;
  EXPECT_TRUE(contains(md,
                       "the companions below choose the layer inside the folds and score "
                       "held-out sentences (METHODS.md 10), estimate the reliability of the "
                       "group mean from split halves and fix the regression's capacity (first "
                       "k principal components). Each table names its variant."))
      << md;
  EXPECT_TRUE(contains(md, "Paper's score vs cross-validated score")) << md;
  EXPECT_TRUE(contains(md, "Split-half reliability beside the paper's noise ceiling")) << md;
  EXPECT_TRUE(contains(md, "Fixed-capacity resemblance")) << md;
  EXPECT_TRUE(contains(md, "figures/measure.trt.sim.A.png")) << md;

  const auto cv = lmgaze::stats::read_csv((out_ / "report/tables/resemblance_cv.csv").string());
  ASSERT_EQ(cv.rows.size(), 2u);
  EXPECT_EQ(cv.rows[0].fields[cv.column("fold_layers")], "1 0 1");
  EXPECT_EQ(cv.rows[0].fields[cv.column("folds_on_paper_layer")], "2");
  EXPECT_DOUBLE_EQ(cv.number(cv.rows[0], cv.column("cv_resemblance")), 0.06);
  const auto sh =
      lmgaze::stats::read_csv((out_ / "report/tables/noise_ceiling_split_half.csv").string());
  ASSERT_EQ(sh.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(sh.number(sh.rows[0], sh.column("reader_on_mean")), 0.2);  // (0.18+0.22+0.2)/3
  EXPECT_DOUBLE_EQ(sh.number(sh.rows[0], sh.column("split_half_reliability")), 0.6);
  EXPECT_EQ(sh.rows[0].fields[sh.column("splits")], "50");
  const auto pca = lmgaze::stats::read_csv((out_ / "report/tables/resemblance_pca.csv").string());
  ASSERT_EQ(pca.rows.size(), 2u);
  EXPECT_DOUBLE_EQ(pca.number(pca.rows[1], pca.column("pca_cv_resemblance")), 0.04);
  EXPECT_DOUBLE_EQ(pca.number(pca.rows[1], pca.column("paper_resemblance")), 0.2);
  const auto ms =
      lmgaze::stats::read_csv((out_ / "report/tables/resemblance_measures.csv").string());
  EXPECT_EQ(ms.rows.size(), 4u);

  EXPECT_NE(std::find(r.figures.begin(), r.figures.end(), "measure.trt.sim.A"), r.figures.end());
  EXPECT_EQ(slurp("report/figures/measure.trt.sim.A.png").substr(0, 4), "\x89PNG");
  const std::string gp = slurp("report/figures/measure.trt.sim.A.gp");
  EXPECT_TRUE(contains(gp, "0 0.11")) << gp;
  EXPECT_TRUE(contains(gp, "1 0.13")) << gp;
}

TEST_F(CompanionRun, OnlyTheCompanionsTheRunHasAreNamed) {
  manifest(/*cv_and_pca=*/false);
  ReportOptions o = options();
  o.figures = false;
  const auto r = write_report(o);
  const std::string md = slurp("report/index.md");
  EXPECT_TRUE(contains(md,
                       "the companions below estimate the reliability of the group mean from "
                       "split halves. Each table names its variant."))
      << md;
  EXPECT_FALSE(contains(md, "principal components")) << md;
  EXPECT_FALSE(contains(md, "survive")) << md;  // no cross-validated score: no order in words
  EXPECT_EQ(std::find(r.tables.begin(), r.tables.end(), "resemblance_cv"), r.tables.end());
  EXPECT_EQ(std::find(r.tables.begin(), r.tables.end(), "resemblance_pca"), r.tables.end());
  EXPECT_NE(std::find(r.tables.begin(), r.tables.end(), "noise_ceiling_split_half"),
            r.tables.end());
}

TEST_F(CompanionRun, ListedCvTableThatIsNotThereIsAnError) {
  manifest();
  fs::remove(out_ / "analysis/resemblance/a.sim.A/resemblance_cv_summary.csv");
  try {
    write_report(options());
    FAIL() << "no error";
  } catch (const lmgaze::InputError& e) {
    EXPECT_TRUE(contains(e.what(), "resemblance_cv_summary.csv")) << e.what();
  }
}

TEST_F(CompanionRun, CvSummaryOfTwoRowsIsAnError) {
  manifest();
  put("analysis/resemblance/b.sim.A/resemblance_cv_summary.csv",
      "model,group,k,mean_r2_cv,cv_noise_ceiling,cv_resemblance\nb,A,3,0.01,0.1,0.1\n"
      "b,A,3,0.01,0.1,0.2\n");
  ReportOptions o = options();
  o.figures = false;
  try {
    write_report(o);
    FAIL() << "no error";
  } catch (const lmgaze::InputError& e) {
    EXPECT_TRUE(contains(e.what(), "expected one row, found 2")) << e.what();
  }
}

}  // namespace
