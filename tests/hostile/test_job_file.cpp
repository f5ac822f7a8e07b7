// A job file that cannot run is refused before the first stage: exit 2, one
// line naming the job file and the line of the value at fault, and nothing
// written (no output directory). Line numbers below are those of kJob.
#include <gtest/gtest.h>

#include "hostile.hpp"

namespace lmgaze {
namespace {

using test::Outcome;
using test::run_lmgaze;
using test::Scratch;

// Three sentences; three simulated readers per group.
const char* kText =
    "Reading is a skill that people learn over many years.\n"
    "The eyes do not move smoothly across a line of text.\n"
    "Instead they jump from one word to another in quick steps.\n";

std::vector<std::string> job_lines() {
  return {"[job]",                              // 1
          "name = h",                           // 2
          "text = t.txt",                       // 3
          "[output]",                           // 4
          "dir = out",                          // 5
          "report = no",                        // 6
          "[model toy-s]",                      // 7
          "dir = " + test::model_dir("toy-s"),  // 8
          "[human r]",                          // 9
          "simulate = L1:3,L2:3",               // 10
          "groups = L1 L2",                     // 11
          "[analyses]",                         // 12
          "run = resemblance noise-ceiling",    // 13
          "cv = 2"};                            // 14
}

struct JobCase {
  const char* name;
  int line;                 // 1-based line of kJob to replace; 0: append
  const char* replacement;  // that line's new text
  int reported_line;        // the line the refusal must name
  const char* says;         // text the refusal must contain
  bool file_error = false;  // the file itself is wrong: plan refuses it too
};

class HostileJob : public ::testing::TestWithParam<JobCase> {};

TEST_P(HostileJob, RefusedBeforeAnyStageNamingFileAndLine) {
  const JobCase& c = GetParam();
  Scratch dir(std::string("job_") + c.name);
  dir.write("t.txt", kText);
  std::vector<std::string> lines = job_lines();
  if (c.line == 0)
    lines.push_back(c.replacement);
  else
    lines[static_cast<size_t>(c.line - 1)] = c.replacement;
  std::string job;
  for (const auto& l : lines) job += l + "\n";
  dir.write("h.ini", job);
  for (const char* command : {"run", "plan"}) {
    const Outcome r = run_lmgaze({command, "--job", "h.ini"}, dir.path());
    ASSERT_EQ(r.signal, 0) << r.err;
    if (std::string(command) == "plan" && !c.file_error) {
      // plan runs nothing and lists the problem under "cannot run yet".
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_NE(r.out.find("h.ini:" + std::to_string(c.reported_line) + ": "), std::string::npos)
          << r.out;
      continue;
    }
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(test::lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("lmgaze: h.ini:" + std::to_string(c.reported_line) + ": ", 0), 0u)
        << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(test::fs::exists(dir.path() / "out")) << "a stage ran";
  }
}

// Problems found once the file is read, listed by plan rather than refused.
INSTANTIATE_TEST_SUITE_P(
    Cases, HostileJob,
    ::testing::Values(
        JobCase{"cv_above_sentences", 14, "cv = 100", 14, "cv = 100: 100 folds need at least"},
        JobCase{"unset_variable", 5, "dir = ${LMGAZE_TEST_NEVER_SET}", 5,
                "${LMGAZE_TEST_NEVER_SET} is not set"},
        JobCase{"missing_text", 3, "text = missing.txt", 3, "does not exist"},
        JobCase{"group_not_simulated", 11, "groups = L1 L3", 11,
                "group L3 of [human r] is not among the simulated readers"},
        JobCase{"one_reader_no_ceiling", 10, "simulate = L1:1,L2:3", 10,
                "a noise ceiling needs at least 2 readers"},
        JobCase{"unknown_profile", 10, "simulate = L1:3,L9:3", 10, "L9"},
        JobCase{"misspelt_key", 14, "cvv = 2", 14,
                "unknown key 'cvv' in [analyses] (did you mean 'cv'?)", true},
        JobCase{"misspelt_section_key", 6, "reprot = no", 6,
                "unknown key 'reprot' in [output] (did you mean 'report'?)", true},
        JobCase{"bad_variable_name", 5, "dir = ${NOT-A-NAME}", 5, "bad variable name", true}),
    [](const auto& info) { return std::string(info.param.name); });

// The text itself is read before any stage: a tab inside a sentence is
// refused naming the job's text line and the text's own line and column.
TEST(HostileJobText, BadTextRefusedBeforeAnyStage) {
  Scratch dir("job_bad_text");
  dir.write("t.txt", "Reading is a skill.\nThe eyes\tdo not move.\n");
  std::string job;
  for (const auto& l : job_lines()) job += l + "\n";
  dir.write("h.ini", job);
  const Outcome r = run_lmgaze({"run", "--job", "h.ini"}, dir.path());
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: h.ini:3: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("t.txt:2:"), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.path() / "out"));
}

// A single command's --job FILE goes through the same reader: a misspelt key
// and an unset variable are refused by file and line; a key of another
// command before any section is left to that command.
struct CommandJobCase {
  const char* name;
  const char* job;
  int line;
  const char* says;
};

class HostileCommandJob : public ::testing::TestWithParam<CommandJobCase> {};

TEST_P(HostileCommandJob, RefusedNamingFileAndLine) {
  const CommandJobCase& c = GetParam();
  Scratch dir(std::string("cmd_job_") + c.name);
  dir.write("c.ini", c.job);
  const Outcome r = run_lmgaze({"human", "simulate", "--job", "c.ini"}, dir.path());
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(test::lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("lmgaze: c.ini:" + std::to_string(c.line) + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  EXPECT_FALSE(test::fs::exists(dir.path() / "fix.csv"));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HostileCommandJob,
    ::testing::Values(
        CommandJobCase{"misspelt_top_level", "out = fix.csv\nseeed = 4\n", 2,
                       "unknown key 'seeed' (did you mean 'seed'?)"},
        CommandJobCase{"misspelt_in_section", "out = fix.csv\n[human simulate]\nreaderz = L1:2\n",
                       3, "unknown key 'readerz' in [human simulate] (did you mean 'readers'?)"},
        CommandJobCase{"unknown_in_section", "[human simulate]\nout = fix.csv\nbatch = 4\n", 3,
                       "unknown key 'batch' in [human simulate]"},
        CommandJobCase{"unset_variable", "out = fix.csv\ntext = ${LMGAZE_TEST_NEVER_SET}\n", 2,
                       "${LMGAZE_TEST_NEVER_SET} is not set"},
        CommandJobCase{"unterminated_variable", "out = fix.csv\ntext = ${HOME\n", 2,
                       "unterminated ${...}"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(HostileCommandJobText, VariablesExpandAndOtherCommandsKeysAreLeftAlone) {
  Scratch dir("cmd_job_ok");
  dir.write("t.txt", kText);
  // batch is extract's (not a near miss of a simulate option): left alone;
  // [model x] is another section: not read, its unset variable included.
  dir.write("c.ini",
            "text = ${LMGAZE_TEST_NEVER_SET:-t.txt}\nout = fix.csv\nbatch = 4\n"
            "[human simulate]\nreaders = L1:2\n[model x]\ndir = ${LMGAZE_TEST_NEVER_SET}\n");
  const Outcome r = run_lmgaze({"human", "simulate", "--job", "c.ini"}, dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(test::fs::exists(dir.path() / "fix.csv"));
}

}  // namespace
}  // namespace lmgaze
