// lmgaze stats paired | groups | fit end to end: the built binary on small
// CSV files, its stdout, its --out tables, and one-line errors with exit 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out, err;
};

class StatsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lmgaze_stats_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }

  static std::string slurp(const std::string& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  Result lmgaze(const std::string& args) const {
    const std::string out = path("stdout.txt"), err = path("stderr.txt");
    const std::string command =
        std::string(LMGAZE_BINARY_DIR) + "/lmgaze " + args + " >" + out + " 2>" + err;
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// One error line "lmgaze: ..." containing `part`, and exit code 2.
void expect_one_line_error(const Result& r, const std::string& part) {
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: ", 0), 0u) << r.err;
  EXPECT_TRUE(contains(r.err, part)) << "expected '" << part << "' in: " << r.err;
}

// Sleep data (R `sleep`, see test_ttest.cpp) as a two-layer resemblance table:
// layer 0 holds the real data (paired t = 4.0621, df 9, p 0.002833), layer 1 b = a +
// noise of mean -0.0001 (not significant).
const double kGroup1[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const double kGroup2[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

std::string resemblance(const std::string& model, bool second) {
  std::ostringstream s;
  s << "# lmgaze resemblance --model " << model << ".h5 --cv 5\n"
    << "model,group,layer,subject,r2,r2_cv\n";
  for (int r = 0; r < 10; ++r)
    s << model << ",L1,0,s" << r << "," << (second ? kGroup2[r] : kGroup1[r]) << ",\n";
  const double noise[] = {0.003, -0.002, 0.001, -0.004, 0.002, -0.001, 0.0, 0.001, -0.003, 0.002};
  for (int r = 0; r < 10; ++r)
    s << model << ",L1,1,s" << r << "," << (second ? 0.5 + noise[r] : 0.5) << ",\n";
  s << model << ",L1,max,s0,9,\n";  // a summary row: ignored
  return s.str();
}

TEST_F(StatsCli, PairedEndToEnd) {
  const std::string a = write("base.csv", resemblance("base", false));
  const std::string b = write("tuned.csv", resemblance("tuned", true));
  const std::string out = path("paired.csv");
  const Result r = lmgaze("stats paired --a " + a + " --b " + b + " --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "differences are b - a")) << r.out;
  EXPECT_TRUE(contains(r.out, "4.0621")) << r.out;
  EXPECT_TRUE(contains(r.out, "0.002833")) << r.out;
  EXPECT_TRUE(
      contains(r.out,
               "b is significantly higher than a in 1 of 2 layers, lower in 0 (Bonferroni, alpha = "
               "0.05/2)"))
      << r.out;
  const std::string table = slurp(out);
  EXPECT_TRUE(contains(table, "# lmgaze stats paired --a " + a + " --b " + b +
                                  " --key layer --subject subject --value r2 --alpha 0.05 --out " +
                                  out))
      << table;
  EXPECT_TRUE(contains(table, "# " + a + ": lmgaze resemblance --model base.h5 --cv 5")) << table;
  EXPECT_TRUE(contains(table,
                       "\nlayer,n,mean_a,mean_b,mean_diff,t,df,p,p_bonferroni,significant,"
                       "direction\n0,10,0.75,"))
      << table;
  EXPECT_TRUE(contains(table, ",9,0.0028")) << table;
  EXPECT_TRUE(contains(table, ",1,higher\n1,10,0.5,")) << table;
  EXPECT_FALSE(fs::exists(out + ".partial"));

  // Swapped: lower instead of higher.
  const Result s = lmgaze("stats paired --a " + b + " --b " + a);
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_TRUE(contains(s.out, "higher than a in 0 of 2 layers, lower in 1")) << s.out;
}

TEST_F(StatsCli, PairedBadInputs) {
  const std::string a = write("a.csv", "layer,subject,r2\n0,s1,1\n0,s2,2\n0,s3,4\n");
  expect_one_line_error(lmgaze("stats paired --a " + a + " --b " +
                               write("b1.csv", "layer,subject,r2\n0,s1,2\n0,s7,3\n")),
                        "layer 0: paired t-test needs at least 2 pairs, got 1");
  expect_one_line_error(lmgaze("stats paired --a " + a + " --b " +
                               write("b2.csv", "layer,subject,r2\n0,s1,2\n0,s2,3\n0,s3,5\n")),
                        "differences b - a are all equal");
  expect_one_line_error(
      lmgaze("stats paired --a " + a + " --b " + write("b3.csv", "layer,reader,r2\n0,s1,2\n")),
      "b3.csv:1: no column 'subject'");
  expect_one_line_error(lmgaze("stats paired --a " + a + " --b " +
                               write("b4.csv", "layer,subject,r2\n0,s1,2\n0,s2\n")),
                        "b4.csv:3: 2 fields, the header has 3");
  expect_one_line_error(lmgaze("stats paired --a " + a), "--b");
  expect_one_line_error(lmgaze("stats paired --a " + a + " --b " + a + " --alpha 2"), "--alpha");
  expect_one_line_error(lmgaze("stats paired --a " + a + " --b " + path("none.csv")),
                        "none.csv: cannot open");
}

TEST_F(StatsCli, GroupsStudentAndWelch) {
  std::ostringstream t;
  t << "# lmgaze trivial --human h.h5\nsource,layer,head,subject,r2,coef_first,coef_self,coef_prev,"
       "intercept\n";
  for (int r = 0; r < 10; ++r) t << "L1,,,a" << r << "," << kGroup1[r] << ",0,0,0,0\n";
  for (int r = 0; r < 10; ++r) t << "L2,,,b" << r << "," << kGroup2[r] << ",0,0,0,0\n";
  t << "L2,,,b10,,0,0,0,0\n";  // missing: skipped
  const std::string f = write("trivial.csv", t.str());
  const std::string out = path("groups.csv");
  const Result r = lmgaze("stats groups --a " + f + " --b " + f +
                          " --filter-a source=L1 --filter-b source=L2 --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "[source=L2]: n = 10 (1 missing skipped)")) << r.out;
  EXPECT_TRUE(contains(r.out, "student")) << r.out;
  EXPECT_TRUE(contains(r.out, "1.8608")) << r.out;
  EXPECT_TRUE(contains(r.out, "17.7765")) << r.out;  // R: df = 17.776
  EXPECT_TRUE(contains(r.out, "0.07939")) << r.out;
  EXPECT_TRUE(contains(r.out, "0.07919")) << r.out;
  const std::string table = slurp(out);
  EXPECT_TRUE(contains(table,
                       "\ntest,n_a,n_b,mean_a,mean_b,sd_a,sd_b,mean_diff,t,df,p\n"
                       "student,10,10,0.75,"))
      << table;
  EXPECT_TRUE(contains(table, "\nwelch,10,10,")) << table;
  // The permutation row: same means, no t or df, a p near Welch's (both ~0.08).
  const size_t perm = table.find("\npermutation,10,10,0.75,");
  ASSERT_NE(perm, std::string::npos) << table;
  const std::string perm_row = table.substr(perm + 1, table.find('\n', perm + 1) - perm - 1);
  EXPECT_TRUE(contains(perm_row, ",,,")) << perm_row;  // empty t and df before p
  const double perm_p = std::stod(perm_row.substr(perm_row.rfind(',') + 1));
  EXPECT_GT(perm_p, 0.05) << perm_row;
  EXPECT_LT(perm_p, 0.12) << perm_row;
  EXPECT_TRUE(contains(table, "--filter-a source=L1 --filter-b source=L2")) << table;
  EXPECT_EQ(table.find("lmgaze trivial"), table.rfind("lmgaze trivial")) << table;  // once

  expect_one_line_error(
      lmgaze("stats groups --a " + f + " --b " + f + " --filter-a source=L1 --filter-b source=L3"),
      "needs at least 2 values in each sample, got 10 in a and 0 in b");
  expect_one_line_error(lmgaze("stats groups --a " + f + " --b " + f + " --value loss"),
                        "no column 'loss'");
}

// The slope's bootstrap interval from the models' replicate tables, by hand:
// x = log10 params 6, 7, 8, so each resample's slope is (y_c − y_a) / 2; with
// y_c − y_a = 2, 4, 6, 8, 10 the slopes are 1..5 and the 95% interval
// [1.1, 4.9] (numpy's linear interpolation).
TEST_F(StatsCli, FitBootstrapsTheSlopeFromSharedResamples) {
  auto replicates = [&](const std::string& model, const std::string& seed,
                        const std::vector<double>& values) {
    std::ostringstream s;
    s << "model,group,resample,seed,readers,best_mean_r2,noise_ceiling,resemblance\n";
    for (size_t b = 0; b < values.size(); ++b)
      s << model << ",L1," << b << "," << seed << ",00ab,0.1,0.5," << values[b] << "\n";
    return write(model + seed + ".reps.csv", s.str());
  };
  const std::string points = write("points.csv",
                                   "model,log10_params,resemblance\n"
                                   "a,6,0.1\nb,7,0.3\nc,8,0.4\n");
  const std::string a = replicates("a", "7", {0, 0, 0, 0, 0});
  const std::string b = replicates("b", "7", {0.3, 0.1, 0.9, 0.2, 0.5});
  const std::string c = replicates("c", "7", {2, 4, 6, 8, 10});
  const Result r = lmgaze("stats fit --csv " + points + " --x log10_params --y resemblance " +
                          "--bootstrap " + a + "," + b + "," + c + " --out " + path("fit.csv"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out,
                       "slope 95% bootstrap interval [1.1, 4.9] (5 resamples of readers, "
                       "seed 7)"))
      << r.out;
  const std::string table = slurp(path("fit.csv"));
  EXPECT_TRUE(contains(table, ",slope_low,slope_high,resamples,seed\n")) << table;
  EXPECT_TRUE(contains(table, ",1.1,4.9,5,7\n")) << table;
  // Another seed is other resamples: refused by name, as is a model without a table.
  expect_one_line_error(
      lmgaze("stats fit --csv " + points + " --x log10_params --y resemblance " + "--bootstrap " +
             a + "," + b + "," + replicates("c", "8", {1, 2, 3, 4, 5})),
      "the slope needs the same resamples");
  expect_one_line_error(lmgaze("stats fit --csv " + points + " --x log10_params --y resemblance " +
                               "--bootstrap " + a + "," + b),
                        "model c is in none of the --bootstrap tables");
}

TEST_F(StatsCli, FitThreeWaysToGivePoints) {
  // R's cars data (published values in test_regression.cpp), given in each of
  // the three ways; all three must print the same fit.
  const int speed[] = {4,  4,  7,  7,  8,  9,  10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13,
                       13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18,
                       18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25};
  const int dist[] = {2,  10, 4,  22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28,  26, 34,
                      34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42,  56, 76,
                      84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85};
  std::ostringstream points, xs, ys;
  points << "car,speed,dist\n";
  xs << "car,speed\n";
  ys << "car,dist\n";
  for (int i = 0; i < 50; ++i) {
    points << "c" << i << "," << speed[i] << "," << dist[i] << "\n";
    xs << "c" << i << "," << speed[i] << "\n";
    ys << "c" << (49 - i) << "," << dist[49 - i] << "\n";  // other order: the join pairs them
  }
  const std::string p = write("cars.csv", points.str());
  const std::string x = write("speed.csv", xs.str()), y = write("dist.csv", ys.str());

  const Result one =
      lmgaze("stats fit --csv " + p + " --x speed --y dist --out " + path("fit.csv"));
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_TRUE(contains(one.out, "n = 50  slope = 3.93241")) << one.out;
  EXPECT_TRUE(contains(one.out, "intercept = -17.5791")) << one.out;
  EXPECT_TRUE(contains(one.out, "r = 0.806895")) << one.out;
  EXPECT_TRUE(contains(one.out, "t = 9.464")) << one.out;
  EXPECT_TRUE(contains(one.out, "df = 48  p = 1.49e-12")) << one.out;
  const std::string table = slurp(path("fit.csv"));
  EXPECT_TRUE(contains(table,
                       "x,y,n,slope,slope_se,intercept,intercept_se,r,r_squared,t,df,p\n"
                       "speed,dist,50,3.93"))
      << table;
  EXPECT_TRUE(contains(table, "# lmgaze stats fit --csv " + p)) << table;

  const Result two = lmgaze("stats fit --x " + x + ":speed --y " + y + ":dist --join car");
  ASSERT_EQ(two.code, 0) << two.err;
  EXPECT_EQ(two.out.substr(two.out.find("n = ")), one.out.substr(one.out.find("n = ")));

  const Result same = lmgaze("stats fit --x " + p + ":speed --y " + p + ":dist");
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.out.substr(same.out.find("n = ")), one.out.substr(one.out.find("n = ")));

  // Literal lists with --log10-x: y = 1 + 2 log10(x) exactly.
  const Result lit = lmgaze("stats fit --x 10,100,1000,10000 --y 3,5,7,9 --log10-x");
  ASSERT_EQ(lit.code, 0) << lit.err;
  EXPECT_TRUE(contains(lit.out, "x = log10(x)")) << lit.out;
  EXPECT_TRUE(contains(lit.out, "n = 4  slope = 2 ")) << lit.out;
  EXPECT_TRUE(contains(lit.out, "r = 1 ")) << lit.out;

  expect_one_line_error(lmgaze("stats fit --x " + x + ":speed --y " + y + ":dist"), "--join");
  expect_one_line_error(lmgaze("stats fit --x 1,2 --y 3,4"), "at least 3 points");
  expect_one_line_error(lmgaze("stats fit --x 1,2,3 --y 3,4"), "--x has 3 numbers but --y has 2");
  expect_one_line_error(lmgaze("stats fit --x 1,2,3 --y 5,5,5"), "y values are equal");
  expect_one_line_error(lmgaze("stats fit --x 0,2,3 --y 1,5,6 --log10-x"),
                        "--x item 1: --log10-x: x = 0 is not positive");
  expect_one_line_error(lmgaze("stats fit --csv " + p + " --x speed --y stop"), "no column 'stop'");
  expect_one_line_error(lmgaze("stats fit --x speed --y dist"), "expected FILE:COLUMN");
}

TEST_F(StatsCli, HelpDocumentsColumns) {
  for (const char* c : {"paired", "groups", "fit"}) {
    const Result r = lmgaze(std::string("stats ") + c + " --help");
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, "--out columns:")) << r.out;
  }
}

}  // namespace
