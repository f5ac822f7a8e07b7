// The typed calls behind `lmgaze stats paired|groups|fit`: the command line
// they record (the same whether `lmgaze run` or a person made the table), and
// options refused before any file is read or written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "stats/fit_analysis.hpp"
#include "stats/groups_analysis.hpp"
#include "stats/paired_analysis.hpp"
#include "support/input_error.hpp"

namespace lmgaze::stats {
namespace {

namespace fs = std::filesystem;

using test::problem_of;

TEST(StatsCalls, PairedRecordsEveryOptionWithDefaultsInHelpOrder) {
  PairedOptions o;
  o.a = "x";
  o.b = "y";
  o.out = "t.csv";
  o.filter_b = {"source=L2"};
  EXPECT_EQ(o.command_line(),
            "lmgaze stats paired --a x --b y --key layer --subject subject --value r2 --alpha 0.05 "
            "--out t.csv --filter-b source=L2");
}

TEST(StatsCalls, GroupsLeavesPermutationsToTheirOwnComment) {
  GroupsOptions o;
  o.a = "x";
  o.b = "x";
  o.permutations = 50;
  o.filter_a = {"source=L1"};
  EXPECT_EQ(o.command_line(), "lmgaze stats groups --a x --b x --value r2 --filter-a source=L1");
}

TEST(StatsCalls, FitRecordsTheSwitchOnlyWhenOn) {
  FitOptions o;
  o.csv = "p.csv";
  o.x = "params";
  o.y = "resemblance";
  EXPECT_EQ(o.command_line(), "lmgaze stats fit --csv p.csv --x params --y resemblance");
  o.log10_x = true;
  o.bootstrap = "a.csv,b.csv";
  EXPECT_EQ(o.command_line(),
            "lmgaze stats fit --csv p.csv --x params --y resemblance --log10-x --bootstrap "
            "a.csv,b.csv");
}

// Inputs that do not exist: the options' problem is reported, not the file's,
// and no output appears.
TEST(StatsCalls, BadOptionsAreRefusedBeforeAnythingIsReadOrWritten) {
  const fs::path out = fs::temp_directory_path() / "lmgaze_stats_calls_out.csv";
  fs::remove(out);
  std::ostringstream log;

  PairedOptions p;
  p.a = p.b = "/nonexistent/a.csv";
  p.out = out.string();
  p.alpha = 2;
  EXPECT_EQ(problem_of([&] { paired_analysis(p, log); }), "--alpha must be between 0 and 1");

  GroupsOptions g;
  g.a = g.b = "/nonexistent/a.csv";
  g.out = out.string();
  g.permutations = 0;
  EXPECT_NE(problem_of([&] { groups_analysis(g, log); }).find("--permutations"), std::string::npos);

  FitOptions f;
  f.x = "1,2,3";
  f.y = "/nonexistent/p.csv:y";
  f.out = out.string();
  EXPECT_NE(problem_of([&] { fit_analysis(f, log); }).find("both be lists of numbers"),
            std::string::npos);
  f.csv = "/nonexistent/p.csv";
  f.x = "a";
  f.y = "b";
  f.join = "model";
  EXPECT_NE(problem_of([&] { fit_analysis(f, log); }).find("--join pairs two files"),
            std::string::npos);
  f.join.clear();
  f.filter_x = {"model=m1"};
  EXPECT_NE(problem_of([&] { fit_analysis(f, log); }).find("--filter-x"), std::string::npos);
  f.filter_x = {"model"};
  EXPECT_FALSE(problem_of([&] { fit_analysis(f, log); }).empty());

  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(log.str().empty()) << log.str();
}

// The call writes the table it prints, headed by its command line and the
// input's comments.
TEST(StatsCalls, FitWritesItsTable) {
  const fs::path dir = fs::temp_directory_path() / "lmgaze_stats_calls_fit";
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "p.csv");
    f << "# points\nmodel,x,y\nm1,1,2\nm2,2,4.5\nm3,3,5.5\n";
  }
  FitOptions o;
  o.csv = (dir / "p.csv").string();
  o.x = "x";
  o.y = "y";
  o.out = (dir / "fit.csv").string();
  std::ostringstream log;
  const LineFit f = fit_analysis(o, log);
  EXPECT_EQ(f.n, 3);
  EXPECT_NE(log.str().find("n = 3"), std::string::npos) << log.str();
  std::ifstream in(o.out);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(first, "# lmgaze stats fit --csv " + o.csv + " --x x --y y --out " + o.out);
  EXPECT_EQ(second, "# " + o.csv + ": points");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lmgaze::stats
