// The typed calls behind `lmgaze human simulate` and `human mean`: options
// refused before anything is read or written, and the CSV the command writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "human/mean.hpp"
#include "human/simulate_fixations.hpp"
#include "support/input_error.hpp"

namespace lmgaze::human {
namespace {

namespace fs = std::filesystem;

using test::problem_of;

TEST(HumanCalls, SimulateRefusesBadOptionsBeforeReadingTheText) {
  const fs::path out = fs::temp_directory_path() / "lmgaze_human_calls_fix.csv";
  fs::remove(out);
  std::ostringstream log;
  SimulateOptions o;
  o.text = "/nonexistent/text.txt";
  EXPECT_NE(problem_of([&] { simulate_fixations(o, log); }).find("--text and --out"),
            std::string::npos);
  o.out = out.string();
  o.readers = "L1:0";
  EXPECT_NE(problem_of([&] { simulate_fixations(o, log); }).find("--readers"), std::string::npos);
  o.readers = "L1:2,L1:3";
  EXPECT_NE(problem_of([&] { simulate_fixations(o, log); }).find("twice"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(log.str().empty()) << log.str();
}

TEST(HumanCalls, SimulateWritesTheSameCsvForTheSameSeed) {
  const fs::path dir = fs::temp_directory_path() / "lmgaze_human_calls_sim";
  fs::create_directories(dir);
  std::ofstream(dir / "t.txt") << "The eyes jump from one word to another.\nThey jump back.\n";
  SimulateOptions o;
  o.text = (dir / "t.txt").string();
  o.readers = "L1:2,L2:1";
  o.seed = 4;
  std::string first;
  for (int k = 0; k < 2; ++k) {
    o.out = (dir / ("f" + std::to_string(k) + ".csv")).string();
    std::ostringstream log;
    simulate_fixations(o, log);
    EXPECT_NE(log.str().find("SIMULATED readers (L1 2, L2 1; seed 4)"), std::string::npos)
        << log.str();
    std::ifstream in(o.out);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text.rfind("group,subject,article,sentence,fixation,word,duration_ms,simulated", 0),
              0u);
    if (k == 0)
      first = text;
    else
      EXPECT_EQ(text, first);
  }
  fs::remove_all(dir);
}

TEST(HumanCalls, MeanNeedsBothPaths) {
  std::ostringstream log;
  MeanOptions o;
  o.store = "/nonexistent/h.h5";
  EXPECT_EQ(problem_of([&] { group_means(o, log); }),
            "lmgaze human mean: usage: lmgaze human mean HUMAN.h5 --out MEAN.h5");
  EXPECT_TRUE(log.str().empty());
}

}  // namespace
}  // namespace lmgaze::human
