// `lmgaze run --only` (run/select.hpp) on the demo job's graph: which stages a
// selection holds back, which upstream stages it is missing, and the wording
// of the refusal. The run itself is tested end to end in test_run_cli.cpp.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "run/graph.hpp"
#include "run/job.hpp"
#include "run/select.hpp"
#include "support/run_command.hpp"

namespace lmgaze::run {
namespace {

const std::string kJobs = std::string(LMGAZE_SOURCE_DIR) + "/jobs/";

// The message of the InputError parse_only throws ("" when it does not).
std::string only_error(const std::string& list) {
  try {
    parse_only(list);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class DemoGraph : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("LMGAZE_OUT");
    graph_ = build_graph(load_job(kJobs + "demo.ini"), true);
  }
  // Every stage pending, as in a fresh output directory.
  std::vector<StageState> all_pending() const {
    return std::vector<StageState>(graph_.stages.size(), StageState{true, "not run yet"});
  }
  std::vector<std::string> ids_of_kind(const std::string& kind) const {
    std::vector<std::string> ids;
    for (const Stage& s : graph_.stages)
      if (s.kind == kind) ids.push_back(s.id);
    return ids;
  }
  Graph graph_;
};

TEST(Only, ParsesKindsAndTheAnalysesGroup) {
  EXPECT_EQ(parse_only("extract"), (std::set<std::string>{"extract"}));
  EXPECT_EQ(parse_only("report,extract"), (std::set<std::string>{"extract", "report"}));
  EXPECT_EQ(parse_only("analyses"),
            (std::set<std::string>{"simulate", "human", "ntp", "noise-ceiling", "resemblance",
                                   "trivial", "divergence", "agreement", "stats"}));
  EXPECT_EQ(parse_only("analyses,report").size(), 10u);
  EXPECT_EQ(parse_only("stats,").size(), 1u);
}

TEST(Only, RefusesUnknownKindsInOneLine) {
  std::string e = only_error("extract,resemblence");
  EXPECT_NE(e.find("unknown stage kind 'resemblence'"), std::string::npos) << e;
  EXPECT_NE(e.find("noise-ceiling"), std::string::npos) << e;  // lists the valid ones
  EXPECT_EQ(test::count_lines(e), 1) << e;
  e = only_error(",");
  EXPECT_NE(e.find("--only needs a stage kind"), std::string::npos) << e;
  EXPECT_EQ(only_error("extraction").empty(), false);  // plan's name is extract
}

TEST_F(DemoGraph, EveryKindOfTheGraphCanBeSelected) {
  const auto& kinds = stage_kinds();
  std::set<std::string> seen;
  for (const Stage& s : graph_.stages) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), s.kind), kinds.end()) << s.id;
    seen.insert(s.kind);
  }
  EXPECT_EQ(seen.size(), kinds.size());  // the demo has every kind
}

TEST_F(DemoGraph, ExtractNeedsNothingAndHoldsTheRest) {
  auto states = all_pending();
  EXPECT_TRUE(hold_unselected(graph_, parse_only("extract"), states).empty());
  size_t held = 0, selected = 0;
  for (size_t i = 0; i < states.size(); ++i) {
    const bool extract = graph_.stages[i].kind == "extract";
    EXPECT_EQ(states[i].held, !extract) << graph_.stages[i].id;
    held += states[i].held;
    selected += !states[i].held;
  }
  EXPECT_EQ(selected, 10u);  // 6 models plain, 2 of them with 2 prefixes
  EXPECT_EQ(held, graph_.stages.size() - 10);
}

TEST_F(DemoGraph, AnalysesOnAFreshOutputMissEveryExtraction) {
  auto states = all_pending();
  // The divergence stages read the prefixed attention too: all 10 are missing.
  EXPECT_EQ(hold_unselected(graph_, parse_only("analyses"), states), ids_of_kind("extract"));
  // Human data needs no extraction.
  states = all_pending();
  EXPECT_TRUE(hold_unselected(graph_, parse_only("simulate,human"), states).empty());
  // A human store without its simulated fixations.
  states = all_pending();
  EXPECT_EQ(hold_unselected(graph_, parse_only("human"), states),
            std::vector<std::string>{"simulate/readers"});
}

TEST_F(DemoGraph, DoneUpstreamStagesAreNotMissing) {
  auto states = all_pending();
  for (size_t i = 0; i < states.size(); ++i)
    if (graph_.stages[i].kind == "extract") states[i] = StageState{};  // done
  EXPECT_TRUE(hold_unselected(graph_, parse_only("analyses"), states).empty());
  for (size_t i = 0; i < states.size(); ++i) {
    const std::string& kind = graph_.stages[i].kind;
    EXPECT_EQ(states[i].held, kind == "report") << graph_.stages[i].id;
    EXPECT_EQ(states[i].run, kind != "extract") << graph_.stages[i].id;
  }
  // The report waits for the analyses; once they are done it can run alone.
  states = all_pending();
  for (auto& s : states) s = StageState{};
  states.back() = StageState{true, "not run yet"};
  ASSERT_EQ(graph_.stages.back().id, "report");
  EXPECT_TRUE(hold_unselected(graph_, parse_only("report"), states).empty());
  states[0] = StageState{true, "input changed"};  // simulate/readers
  EXPECT_EQ(hold_unselected(graph_, parse_only("report"), states),
            std::vector<std::string>{"simulate/readers"});
}

TEST_F(DemoGraph, RefusalNamesTheStagesAndTheKindsThatRunThem) {
  auto states = all_pending();
  const auto missing = hold_unselected(graph_, parse_only("analyses"), states);
  const std::string m = missing_upstream_message(missing, "analyses");
  EXPECT_EQ(test::count_lines(m), 1) << m;
  EXPECT_NE(m.find("--only analyses: 10 upstream stages are not done: extract/toy-s.plain, "),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(" and 6 more; run them first (--only extract)"), std::string::npos) << m;
  // The report alone on a fresh output: every other stage is missing.
  states = all_pending();
  const std::string all =
      missing_upstream_message(hold_unselected(graph_, parse_only("report"), states), "report");
  EXPECT_NE(all.find("--only report: 54 upstream stages are not done: simulate/readers, "
                     "human/readers, extract/toy-s.plain, extract/toy-m.plain and 50 more; run "
                     "them first (--only extract,analyses) or add those kinds to --only"),
            std::string::npos)
      << all;
  const std::string one = missing_upstream_message({"simulate/readers"}, "human");
  EXPECT_NE(one.find("1 upstream stage is not done: simulate/readers; run it first (--only "
                     "simulate) or add that kind to --only"),
            std::string::npos)
      << one;
}

}  // namespace
}  // namespace lmgaze::run
