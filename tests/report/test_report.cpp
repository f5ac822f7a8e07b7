// lmgaze report on a small synthetic run: a manifest and hand-written tables in
// the formats the analysis and stats commands write. Checks that every figure
// exists as a non-empty PNG and SVG, that the tables are there in CSV and
// Markdown, and that index.md words the statistics of the stats tables
// correctly (counts, directions, the simulated-readers warning).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "report/gnuplot.hpp"
#include "report/report.hpp"
#include "report/tables.hpp"
#include "stats/csv.hpp"
#include "support/run_command.hpp"

namespace {

namespace fs = std::filesystem;
using lmgaze::InputError;
using lmgaze::report::ReportOptions;
using lmgaze::report::write_report;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A run folder with every kind of table the report reads.
class SyntheticRun : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = lmgaze::test::scratch_dir(
        std::string("report_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    write_tables();
    write_manifest(/*simulated=*/true, /*all_done=*/true);
  }
  void TearDown() override { fs::remove_all(out_); }

  void put(const std::string& rel, const std::string& text) {
    fs::create_directories((out_ / rel).parent_path());
    std::ofstream(out_ / rel) << text;
  }

  // Resemblance summary of one model: mean_r2 per layer, the best repeated as "max".
  void resemblance(const std::string& model, const std::vector<double>& r2) {
    std::ostringstream s;
    s << "# lmgaze resemblance --model attention/" << model << ".plain.h5 --group A\n"
      << "model,group,layer,mean_r2,sem_r2,mean_r2_cv,noise_ceiling,resemblance\n";
    size_t best = 0;
    for (size_t l = 0; l < r2.size(); ++l) {
      s << model << ",A," << l << "," << r2[l] << ",0.001," << r2[l] * 0.8 << ",0.2," << r2[l] / 0.2
        << "\n";
      if (r2[l] > r2[best]) best = l;
    }
    s << model << ",A,max," << r2[best] << ",0.001," << r2[best] * 0.8 << ",0.2," << r2[best] / 0.2
      << "\n";
    put("analysis/resemblance/" + model + ".sim.A/resemblance_summary.csv", s.str());
  }

  // Bootstrap table of one model: each layer's mean R² ± 0.002, the resemblance in [low, high].
  void bootstrap(const std::string& model, size_t layers, double low, double high) {
    std::ostringstream s;
    s << "model,group,quantity,layer,estimate,low,high,resamples,seed\n";
    for (size_t l = 0; l < layers; ++l)
      s << model << ",A,mean_r2," << l << ",0.02,0.018,0.022,1000,7\n";
    s << model << ",A,resemblance,max,0.1," << low << "," << high << ",1000,7\n";
    put("analysis/resemblance/" + model + ".sim.A/resemblance_bootstrap.csv", s.str());
  }

  void divergence(const std::string& name, const std::string& a, const std::string& b,
                  const std::string& mode, const std::vector<double>& js) {
    std::ostringstream s;
    s << "# mode " << mode << ", heads average\na,b,mode,index,mean,sem,n\n";
    for (size_t k = 0; k < js.size(); ++k)
      s << a << "," << b << "," << mode << "," << k << "," << js[k] << ",0.0005,12\n";
    put("analysis/divergence/" + name + "/divergence_summary.csv", s.str());
  }

  void trivial_model(const std::string& model, const std::vector<double>& r2) {
    std::ostringstream s;
    s << "source,layer,mean_r2,sem_r2,n\n";
    for (size_t l = 0; l < r2.size(); ++l) s << model << "," << l << "," << r2[l] << ",0.02,4\n";
    put("analysis/trivial/" + model + "/trivial_summary.csv", s.str());
  }

  void write_tables() {
    resemblance("m-s", {0.010, 0.012});
    resemblance("m-m", {0.015, 0.020, 0.018, 0.016});
    resemblance("m-l", {0.020, 0.025, 0.031, 0.022});
    resemblance("m-tuned", {0.014, 0.022, 0.015, 0.012});
    // Resemblance 0.06, 0.1, 0.155, 0.11: the largest model's interval above the
    // smallest's; the tuned model's interval overlaps its base's.
    bootstrap("m-s", 2, 0.05, 0.07);
    bootstrap("m-m", 4, 0.09, 0.11);
    bootstrap("m-l", 4, 0.14, 0.17);
    bootstrap("m-tuned", 4, 0.10, 0.12);
    // Per-head R² of m-l (4 layers x 8 heads): layer 2 head 5 highest, then layer 1 head 0.
    std::ostringstream heads;
    heads << "model,group,layer,head,mean_r2,sem_r2\n";
    for (int l = 0; l < 4; ++l)
      for (int h = 0; h < 8; ++h)
        heads << "m-l,A," << l << "," << h << ","
              << (l == 2 && h == 5   ? 0.03
                  : l == 1 && h == 0 ? 0.025
                                     : 0.001 * (l + h))
              << ",0.001\n";
    put("analysis/resemblance/m-l.sim.A/resemblance_heads.csv", heads.str());
    divergence("reference", "m-tuned", "m-tuned2", "layer", {0.010, 0.012, 0.011, 0.009});
    divergence("tuning.m-tuned", "m-m", "m-tuned", "layer", {0.020, 0.006, 0.030, 0.008});
    divergence("scaling.m-m.m-l", "m-m", "m-l", "part", {0.05, 0.06, 0.07, 0.08});
    divergence("prefix.m-m.instruction", "m-m", "m-m.instruction", "layer",
               {0.004, 0.006, 0.007, 0.005});
    divergence("prefix.m-m.noise", "m-m", "m-m.noise", "layer", {0.003, 0.007, 0.005, 0.004});
    trivial_model("m-s", {0.5, 0.4});
    trivial_model("m-m", {0.45, 0.35, 0.3, 0.2});
    trivial_model("m-l", {0.4, 0.3, 0.2, 0.1});
    trivial_model("m-tuned", {0.47, 0.33, 0.32, 0.25});
    std::ostringstream a, b;
    a << "source,layer,head,subject,r2,coef_first,coef_self,coef_prev,intercept\n";
    b << a.str();
    for (int r = 0; r < 6; ++r) {
      a << "A,,,sim0" << r << "," << 0.04 + 0.002 * r << ",0,0,0,0\n";
      b << "B,,,sim0" << r << "," << 0.09 + 0.004 * r << ",0,0,0,0\n";
    }
    put("analysis/trivial/sim.A/trivial.csv", a.str());
    put("analysis/trivial/sim.B/trivial.csv", b.str());
    put("analysis/trivial/real.A/trivial.csv",
        "source,layer,head,subject,r2,coef_first,coef_self,coef_prev,intercept\n"
        "A,,,mean,0.21,0,0,0,0\n");
    put("analysis/noise_ceiling/sim.A/noise_ceiling.csv",
        "group,subject,r2\nA,sim00,0.18\nA,sim01,0.22\nA,sim02,0.20\n");
    put("analysis/ntp/ntp.csv",
        "model,loss,tokens\nm-s,5.0,600\nm-m,4.8,600\nm-l,4.5,600\nm-tuned,4.7,600\n");
    // Paired t per layer, tuned - base: lower in layers 0 and 3, higher in layer 1;
    // layer 2 is higher but not significant.
    put("stats/tuning.m-tuned.sim.A.csv",
        "# lmgaze stats paired --a x --b y --key layer --subject subject --value r2 --alpha 0.05 "
        "--out z\n"
        "# mean_diff and t are b - a; significant: p < alpha/4 = 0.0125; higher 1, lower 2\n"
        "layer,n,mean_a,mean_b,mean_diff,t,df,p,p_bonferroni,significant,direction\n"
        "0,6,0.015,0.010,-0.005,-6.1,5,0.0017,0.0068,1,lower\n"
        "1,6,0.020,0.026,0.006,7.2,5,0.0008,0.0032,1,higher\n"
        "2,6,0.018,0.019,0.001,1.1,5,0.32,1,0,higher\n"
        "3,6,0.016,0.011,-0.005,-5.5,5,0.0027,0.0108,1,lower\n");
    put("stats/trivial_groups.sim.A.B.csv",
        "# mean_diff and t are mean(b) - mean(a)\n"
        "test,n_a,n_b,mean_a,mean_b,sd_a,sd_b,mean_diff,t,df,p\n"
        "student,6,6,0.045,0.1,0.004,0.007,0.055,16.7,10,1.2e-08\n"
        "welch,6,6,0.045,0.1,0.004,0.007,0.055,16.7,7.9,1.9e-07\n");
    put("stats/scaling.sim.A.points.csv",
        "model,log10_params,resemblance\nm-s,6,0.06\nm-m,7,0.1\nm-l,8,0.155\n");
    put("stats/scaling.sim.A.csv",
        "x,y,n,slope,slope_se,intercept,intercept_se,r,r_squared,t,df,p\n"
        "log10_params,resemblance,3,0.0475,0.0029,-0.227,0.02,0.998,0.996,16.4,1,0.039\n");
    put("stats/ntp.sim.A.points.csv",
        "model,loss,resemblance\nm-s,5.0,0.06\nm-m,4.8,0.1\nm-l,4.5,0.155\nm-tuned,4.7,0.11\n");
    put("stats/ntp.sim.A.csv",
        "x,y,n,slope,slope_se,intercept,intercept_se,r,r_squared,t,df,p\n"
        "loss,resemblance,4,-0.19,0.02,1.0,0.1,-0.99,0.98,-9.9,2,0.01\n");
  }

  void write_manifest(bool simulated, bool all_done) {
    const std::string sim = simulated ? "true" : "false";
    auto table = [](const std::string& stage, const std::string& kind, const std::string& fields,
                    const std::string& files, bool done = true) {
      return "{\"stage\": \"" + stage + "\", \"kind\": \"" + kind + "\", " + fields +
             (fields.empty() ? "" : ", ") + "\"files\": {" + files +
             "}, \"done\": " + (done ? "true" : "false") + "}";
    };
    std::vector<std::string> t;
    for (const char* m : {"m-s", "m-m", "m-l", "m-tuned"}) {
      const std::string dir = std::string("analysis/resemblance/") + m + ".sim.A/";
      t.push_back(
          table(std::string("resemblance/") + m + ".sim.A", "resemblance",
                std::string("\"model\": \"") + m + "\", \"store\": \"sim\", \"group\": \"A\"",
                "\"summary\": \"" + dir + "resemblance_summary.csv\", \"bootstrap\": \"" + dir +
                    "resemblance_bootstrap.csv\"" +
                    (std::string(m) == "m-l" ? ", \"heads\": \"" + dir + "resemblance_heads.csv\""
                                             : std::string())));
      t.push_back(table(
          std::string("trivial/") + m, "trivial_model", std::string("\"model\": \"") + m + "\"",
          std::string("\"summary\": \"analysis/trivial/") + m + "/trivial_summary.csv\""));
    }
    auto div = [&](const std::string& name, const std::string& kind, const std::string& extra) {
      t.push_back(
          table("divergence/" + name, "divergence", "\"divergence\": \"" + kind + "\"" + extra,
                "\"summary\": \"analysis/divergence/" + name + "/divergence_summary.csv\""));
    };
    div("reference", "reference", ", \"a\": \"m-tuned\", \"b\": \"m-tuned2\"");
    div("tuning.m-tuned", "tuning", ", \"a\": \"m-m\", \"b\": \"m-tuned\", \"model\": \"m-tuned\"");
    div("scaling.m-m.m-l", "scaling", ", \"a\": \"m-m\", \"b\": \"m-l\"");
    div("prefix.m-m.instruction", "prefix",
        ", \"model\": \"m-m\", \"condition\": \"instruction\", \"heads\": \"per-head\"");
    div("prefix.m-m.noise", "prefix",
        ", \"model\": \"m-m\", \"condition\": \"noise\", \"heads\": \"per-head\"");
    for (const char* g : {"A", "B"})
      t.push_back(table(std::string("trivial/sim.") + g, "trivial_human",
                        std::string("\"store\": \"sim\", \"group\": \"") + g + "\"",
                        std::string("\"rows\": \"analysis/trivial/sim.") + g + "/trivial.csv\""));
    t.push_back(table("trivial/real.A", "trivial_human", "\"store\": \"real\", \"group\": \"A\"",
                      "\"rows\": \"analysis/trivial/real.A/trivial.csv\""));
    t.push_back(table("noise-ceiling/sim.A", "noise_ceiling",
                      "\"store\": \"sim\", \"group\": \"A\"",
                      "\"rows\": \"analysis/noise_ceiling/sim.A/noise_ceiling.csv\""));
    t.push_back(table("ntp", "ntp", "", "\"rows\": \"analysis/ntp/ntp.csv\""));
    t.push_back(table("stats/tuning.m-tuned.sim.A", "stats_paired",
                      "\"model\": \"m-tuned\", \"store\": \"sim\", \"group\": \"A\"",
                      "\"rows\": \"stats/tuning.m-tuned.sim.A.csv\""));
    t.push_back(table("stats/trivial_groups.sim.A.B", "stats_groups",
                      "\"store\": \"sim\", \"a\": \"A\", \"b\": \"B\"",
                      "\"rows\": \"stats/trivial_groups.sim.A.B.csv\""));
    for (const char* what : {"scaling", "ntp"})
      t.push_back(table(std::string("stats/") + what + ".sim.A", "stats_fit",
                        std::string("\"what\": \"") + what +
                            "\", \"store\": \"sim\", \"group\": \"A\", \"points\": \"stats/" +
                            what + ".sim.A.points.csv\"",
                        std::string("\"rows\": \"stats/") + what + ".sim.A.csv\""));
    t.push_back(table("divergence/tuning.m-tuned2", "divergence", "\"divergence\": \"tuning\"",
                      "\"summary\": \"analysis/divergence/tuning.m-tuned2/divergence_summary.csv\"",
                      /*done=*/all_done && false));  // never run: listed as not done
    std::ostringstream m;
    m << "{\"format\": \"lmgaze-run-manifest\", \"format_version\": 1, \"job\": \"synthetic.ini\","
         " \"name\": \"synthetic\", \"out\": \""
      << out_.string() << "\",\n \"models\": ["
      << "{\"name\": \"m-s\", \"family\": \"f\", \"role\": \"scale\", \"n_params\": 1e6, "
         "\"n_layers\": 2, \"n_heads\": 2},"
      << "{\"name\": \"m-m\", \"family\": \"f\", \"role\": \"scale\", \"n_params\": 1e7, "
         "\"n_layers\": 4, \"n_heads\": 4},"
      << "{\"name\": \"m-l\", \"family\": \"f\", \"role\": \"scale\", \"n_params\": 1e8, "
         "\"n_layers\": 4, \"n_heads\": 8},"
      << "{\"name\": \"m-tuned\", \"family\": \"f\", \"role\": \"tuned\", \"base\": \"m-m\", "
         "\"n_params\": 1e7, \"n_layers\": 4, \"n_heads\": 4},"
      << "{\"name\": \"m-tuned2\", \"family\": \"f\", \"role\": \"tuned\", \"base\": \"m-m\", "
         "\"n_params\": 1e7, \"n_layers\": 4, \"n_heads\": 4}],\n"
      << " \"conditions\": [{\"name\": \"plain\", \"prefix\": \"\"}],\n"
      << " \"reference\": [\"m-tuned\", \"m-tuned2\"],\n"
      << " \"human\": [{\"name\": \"sim\", \"groups\": [\"A\", \"B\"], \"simulated\": " << sim
      << ", \"group_means\": false, \"with_models\": true},"
         " {\"name\": \"real\", \"groups\": [\"A\"], \"simulated\": false, \"group_means\": true,"
         " \"with_models\": false}],\n"
      << " \"tables\": [\n";
    for (size_t k = 0; k < t.size(); ++k) m << (k ? ",\n" : "") << "  " << t[k];
    m << "]}\n";
    put("manifest.json", m.str());
  }

  ReportOptions options() const {
    ReportOptions o;
    o.out_dir = out_.string();
    return o;
  }

  std::string index() const { return slurp(out_ / "report" / "index.md"); }

  fs::path out_;
};

TEST_F(SyntheticRun, WritesEveryFigureAsPngAndSvg) {
  const auto r = write_report(options());
  const std::vector<std::string> expected = {
      "divergence", "prefix",  "resemblance.sim.A", "tuning.m-tuned.sim.A", "scaling.sim.A",
      "ntp.sim.A",  "trivial", "trivial_readers",   "heads.m-l.sim.A"};
  for (const auto& name : expected) {
    SCOPED_TRACE(name);
    EXPECT_NE(std::find(r.figures.begin(), r.figures.end(), name), r.figures.end());
    const fs::path dir = out_ / "report" / "figures";
    const std::string png = slurp(dir / (name + ".png"));
    ASSERT_GT(png.size(), 2000u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const std::string svg = slurp(dir / (name + ".svg"));
    EXPECT_TRUE(contains(svg, "<svg")) << svg.substr(0, 200);
    EXPECT_TRUE(contains(svg, "</svg>"));
    EXPECT_TRUE(fs::exists(dir / (name + ".gp")));
  }
  // The axes carry their labels into the SVG text.
  EXPECT_TRUE(contains(slurp(out_ / "report/figures/divergence.svg"), "JS divergence (nats)"));
  EXPECT_TRUE(contains(slurp(out_ / "report/figures/scaling.sim.A.svg"), "log10(parameters)"));
  // Only OUT/report/ is written.
  EXPECT_FALSE(fs::exists(out_ / "report.partial"));
  EXPECT_FALSE(fs::exists(out_ / "figures"));
}

TEST_F(SyntheticRun, WritesTablesAsCsvAndMarkdown) {
  const auto r = write_report(options());
  for (const auto& name : r.tables) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(fs::exists(out_ / "report/tables" / (name + ".csv")));
    EXPECT_TRUE(contains(slurp(out_ / "report/tables" / (name + ".md")), "|---|"));
  }
  const auto summary =
      lmgaze::stats::read_csv((out_ / "report/tables/tuning_summary.csv").string());
  ASSERT_EQ(summary.rows.size(), 1u);
  const auto& row = summary.rows[0];
  EXPECT_EQ(row.fields[summary.column("tuned")], "m-tuned");
  EXPECT_EQ(row.fields[summary.column("base")], "m-m");
  EXPECT_EQ(row.fields[summary.column("higher")], "1");
  EXPECT_EQ(row.fields[summary.column("lower")], "2");
  EXPECT_DOUBLE_EQ(summary.number(row, summary.column("threshold")), 0.0125);

  // The best layer's bootstrap interval, as the bootstrap table gives it.
  const auto best = lmgaze::stats::read_csv((out_ / "report/tables/resemblance_best.csv").string());
  for (const auto& b : best.rows)
    if (b.fields[best.column("model")] == "m-l") {
      EXPECT_DOUBLE_EQ(best.number(b, best.column("resemblance_low")), 0.14);
      EXPECT_DOUBLE_EQ(best.number(b, best.column("resemblance_high")), 0.17);
    }
  const auto div =
      lmgaze::stats::read_csv((out_ / "report/tables/divergence_summary.csv").string());
  for (const auto& d : div.rows)
    if (d.fields[div.column("kind")] == "tuning")  // layers 0 and 2 above the reference
      EXPECT_EQ(d.fields[div.column("above_reference")], "2");
    else if (d.fields[div.column("kind")] == "scaling")  // every part above its mean
      EXPECT_EQ(d.fields[div.column("above_reference")], "4");
}

TEST_F(SyntheticRun, IndexWordsTheStatistics) {
  write_report(options());
  const std::string md = index();
  EXPECT_TRUE(contains(md, "SIMULATED READERS")) << md;
  EXPECT_TRUE(contains(md, "lowers resemblance significantly in 2 of 4 layers, raises it in 1"))
      << md;
  EXPECT_TRUE(contains(md, "Bonferroni: p < 0.05/4 = 0.0125"));
  EXPECT_TRUE(contains(md, "resemblance rises by 0.0475 per tenfold increase in parameters"));
  EXPECT_TRUE(contains(md, "n = 3 models; significant at α = 0.05"));
  EXPECT_TRUE(contains(md, "n = 4 models; significant at α = 0.05"));
  EXPECT_TRUE(contains(md, "lower loss goes with higher resemblance (r = -0.99"));
  EXPECT_TRUE(contains(md, "B readers rely on trivial patterns more than A readers"));
  EXPECT_TRUE(contains(md, "Welch t(7.9) = 16.7, p = 1.9e-07"));
  EXPECT_TRUE(contains(md,
                       "m-m vs m-tuned (tuning): mean JS divergence 0.016, above the "
                       "reference in 2 of 4 layers"));
  EXPECT_TRUE(contains(md, "instruction above noise in 3 of 4 layers"));
  EXPECT_TRUE(contains(md, "Best layer, sim A [SIMULATED]: m-l layer 2"));
  EXPECT_TRUE(contains(md, "real (group means, no test possible): reliance A 0.21"));
  EXPECT_TRUE(contains(md, "Noise ceiling of sim A [SIMULATED]: 0.2"));
  EXPECT_TRUE(contains(md, "Instruction tuning (m-m → m-tuned) changes reliance by +0.0175"));
  EXPECT_TRUE(contains(md, "![")) << "figures are embedded";
  EXPECT_TRUE(contains(md, "figures/tuning.m-tuned.sim.A.png"));
  // The one stage listed as not done is reported, not silently dropped.
  EXPECT_TRUE(contains(md, "Incomplete run"));
  EXPECT_TRUE(contains(md, "divergence/tuning.m-tuned2"));
  // The claims under the intervals, worded from the bootstrap tables written above.
  EXPECT_TRUE(contains(md,
                       "Claim \"larger models resemble human readers more\" (sim A [SIMULATED]): "
                       "holds under the intervals: the largest model, m-l 0.155 [0.14, 0.17], and "
                       "the smallest, m-s 0.06 [0.05, 0.07], do not overlap, the largest above"))
      << md;
  EXPECT_TRUE(contains(md,
                       "(m-m → m-tuned, sim A [SIMULATED]): holds under the intervals: the "
                       "tuned model m-tuned 0.11 [0.1, 0.12] against its base m-m 0.1 "
                       "[0.09, 0.11] does not lie above it (they overlap)"));
  // Per-head resemblance: the top heads in order, the map embedded.
  EXPECT_TRUE(contains(md,
                       "Top heads of m-l (sim A [SIMULATED], mean R² of a reader on one head "
                       "alone): layer 2 head 5 0.03, layer 1 head 0 0.025, layer 3 head 7 "
                       "0.01"));
  EXPECT_TRUE(contains(md, "figures/heads.m-l.sim.A.png"));
  // m-s has 2 layers, the others 4: the per-layer figure uses relative depth and says so.
  EXPECT_TRUE(contains(md,
                       "plots relative depth, (layer + 0.5) / layers, because the models "
                       "differ in depth"));
}

TEST_F(SyntheticRun, LayerAxisOfTheResemblanceFigure) {
  const fs::path gp = out_ / "report/figures/resemblance.sim.A.gp";
  write_report(options());  // auto: the depths differ
  std::string script = slurp(gp);
  EXPECT_TRUE(contains(script, "relative depth"));
  // m-s (2 layers) at (l + 0.5) / 2: layer 0 at x = 0.25, layer 1 at 0.75; the
  // bootstrap intervals are the error bars.
  EXPECT_TRUE(contains(script, "0.25 0.01 0.018 0.022")) << script;
  EXPECT_TRUE(contains(script, "0.75 0.012 0.018 0.022"));
  EXPECT_TRUE(contains(script, "bootstrap percentile interval over readers, 1000 resamples"));
  ReportOptions o = options();
  o.layer_axis = "layer";
  write_report(o);
  script = slurp(gp);
  EXPECT_FALSE(contains(script, "relative depth"));
  EXPECT_TRUE(contains(script, "\n1 0.012 0.018 0.022"));
  EXPECT_TRUE(contains(index(), "plots the layer index."));
  o.layer_axis = "deep";
  EXPECT_THROW(write_report(o), InputError);
}

TEST_F(SyntheticRun, TuningFigureMarksDirectionAndStandardErrors) {
  write_report(options());
  const std::string script = slurp(out_ / "report/figures/tuning.m-tuned.sim.A.gp");
  // Layer 1 raised (up triangle), layers 0 and 3 lowered (down triangle): one
  // point each in its own datablock, drawn with different markers.
  EXPECT_TRUE(contains(script, "title \"significantly higher\"")) << script;
  EXPECT_TRUE(contains(script, "title \"significantly lower\""));
  EXPECT_TRUE(contains(script, "pt 9 ps 2"));
  EXPECT_TRUE(contains(script, "pt 11 ps 2"));
  // Standard error of the paired difference = |mean_diff / t|: 0.005 / 6.1 at layer 0.
  EXPECT_TRUE(contains(script, "0 -0.005 " + lmgaze::report::full(0.005 / 6.1))) << script;
  // The two means carry the resemblance tables' standard errors (0.001).
  EXPECT_TRUE(contains(script, "0 0.015 0.01 0.001 0.001"));
}

TEST_F(SyntheticRun, NoWarningWithoutSimulatedReaders) {
  write_manifest(/*simulated=*/false, true);
  ReportOptions o = options();
  o.figures = false;
  write_report(o);
  const std::string md = index();
  EXPECT_FALSE(contains(md, "SIMULATED")) << md;
  EXPECT_TRUE(contains(md, "lowers resemblance significantly in 2 of 4 layers, raises it in 1"));
}

TEST_F(SyntheticRun, WithoutFiguresNeedsNoGnuplot) {
  ::setenv("LMGAZE_GNUPLOT", "/nonexistent/gnuplot", 1);
  ReportOptions o = options();
  o.figures = false;
  const auto r = write_report(o);
  EXPECT_TRUE(r.figures.empty());
  EXPECT_TRUE(fs::exists(out_ / "report/index.md"));
  // With figures, a missing gnuplot is one clear error.
  o.figures = true;
  try {
    write_report(o);
    FAIL() << "no error without gnuplot";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "gnuplot")) << e.what();
    EXPECT_TRUE(contains(e.what(), "gnuplot-nox")) << e.what();
  }
  ::unsetenv("LMGAZE_GNUPLOT");
  // Refused before anything is touched: the earlier report is still there.
  EXPECT_TRUE(fs::exists(out_ / "report/index.md"));
}

TEST_F(SyntheticRun, FailedReportLeavesNoIndex) {
  write_report(options());
  ASSERT_TRUE(fs::exists(out_ / "report/index.md"));
  // A gnuplot that fails: the report stops with the script's name and leaves no
  // index.md, so the run's report stage is not taken as done.
  const fs::path fake = out_ / "fake-gnuplot";
  std::ofstream(fake) << "#!/bin/sh\necho 'line 3: unexpected trouble' >&2\nexit 1\n";
  fs::permissions(fake, fs::perms::owner_all);
  ReportOptions o = options();
  o.gnuplot = fake.string();
  try {
    write_report(o);
    FAIL() << "no error from a failing gnuplot";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), ".gp")) << e.what();
    EXPECT_TRUE(contains(e.what(), "unexpected trouble")) << e.what();
  }
  EXPECT_FALSE(fs::exists(out_ / "report/index.md"));
}

TEST_F(SyntheticRun, ErrorsNameTheFile) {
  fs::remove(out_ / "stats/tuning.m-tuned.sim.A.csv");
  try {
    write_report(options());
    FAIL() << "no error for a table listed as done but absent";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "tuning.m-tuned.sim.A.csv")) << e.what();
  }
  fs::remove(out_ / "manifest.json");
  try {
    write_report(options());
    FAIL() << "no error without a manifest";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.what(), "manifest.json")) << e.what();
  }
}

TEST(GnuplotScript, QuotesAndDrawsBothFormats) {
  lmgaze::report::Figure f;
  f.name = "x";
  f.title = "a \"quoted\" title";
  f.data = {{"d0", {"0 1", "1 2"}}};
  lmgaze::report::Panel p;
  p.xlabel = "layer";
  p.plots = {"$d0 using 1:2 with lines title 'y'"};
  f.panels = {p};
  const std::string s = lmgaze::report::gnuplot_script(f);
  EXPECT_TRUE(contains(s, "set terminal pngcairo"));
  EXPECT_TRUE(contains(s, "set terminal svg"));
  EXPECT_TRUE(contains(s, "set output \"x.png\""));
  EXPECT_TRUE(contains(s, "set output \"x.svg\""));
  EXPECT_TRUE(contains(s, "a \\\"quoted\\\" title"));
  EXPECT_EQ(lmgaze::report::quoted("two\nlines"), "\"two\\nlines\"");
}

// End to end through the executable: lmgaze report --dir OUT.
TEST_F(SyntheticRun, CommandLine) {
  const std::string lmgaze = lmgaze::test::lmgaze_binary();
  auto r = lmgaze::test::run_command(lmgaze + " report --dir " + out_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "index.md")) << r.output;
  EXPECT_TRUE(contains(r.output, "SIMULATED")) << r.output;
  EXPECT_TRUE(fs::exists(out_ / "report/figures/trivial.png"));

  r = lmgaze::test::run_command(lmgaze + " report");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(lmgaze::test::count_lines(r.output), 1) << r.output;

  r = lmgaze::test::run_command(lmgaze + " report --dir " + (out_ / "nothing").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(lmgaze::test::count_lines(r.output), 1) << r.output;
  EXPECT_TRUE(contains(r.output, "manifest.json")) << r.output;
}

}  // namespace
