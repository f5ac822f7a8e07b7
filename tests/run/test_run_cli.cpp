// `lmgaze run`, `plan` and `check` end to end on a tiny job: two small trained
// models (toy-m and its tuned variant toy-m-chat-a), five sentences, four
// simulated readers per group. Each test is self-contained (its own scratch
// directory), so ctest may run them in parallel.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "run/lock.hpp"
#include "support/run_command.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
using test::run_command;

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

// 2 articles, 5 sentences (METHODS.md 1).
const char* kText =
    "Reading is a skill that people learn over many years.\n"
    "The eyes do not move smoothly across a line of text.\n"
    "Instead they jump from one word to another in quick steps.\n"
    "\n"
    "Sometimes the eyes jump back to a word that was already read.\n"
    "Readers make regressions when a sentence turns out to be confusing.\n";

struct JobOptions {
  int cv = 0;
  std::string prefix = "Please translate this sentence into German:";
};

class RunCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = test::scratch_dir("run_" + name);
    std::ofstream(dir_ / "tiny.txt") << kText;
    write_job({});
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void write_job(const JobOptions& o) {
    std::ofstream(job()) << "[job]\nname = tiny\ntext = tiny.txt\n"
                            "[output]\ndir = out\nreport = no\n"
                            "[extract]\nbatch = 4\n"
                            "[prefixes]\ninstruction = "
                         << o.prefix << "\n"
                         << "[model toy-m]\ndir = " << kModels << "toy-m\nrole = scale\n"
                         << "prefixes = instruction\n"
                         << "[model toy-m-chat-a]\ndir = " << kModels
                         << "toy-m-chat-a\nrole = tuned\nbase = toy-m\n"
                         << "[human readers]\nsimulate = L1:4,L2:4\nseed = 3\ngroups = L1 L2\n"
                         << "[analyses]\nrun = all\ncv = " << o.cv << "\n";
  }
  std::string job() const { return (dir_ / "tiny.ini").string(); }
  fs::path out() const { return dir_ / "out"; }
  test::CommandResult lmgaze(const std::string& args) const {
    return run_command(test::lmgaze_binary() + " " + args);
  }
  test::CommandResult run() const { return lmgaze("run --job " + job()); }

  // Stage ids a run's output says it started.
  static std::set<std::string> started(const std::string& output) {
    std::set<std::string> ids;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
      const size_t at = line.find(" start ");
      if (line.rfind("[", 0) != 0 || at == std::string::npos) continue;
      std::string id = line.substr(at + 7);
      ids.insert(id.substr(0, id.find(' ')));
    }
    return ids;
  }
  // Stage ids that have a record.
  std::set<std::string> recorded() const {
    std::set<std::string> ids;
    const fs::path root = out() / ".lmgaze/stages";
    if (!fs::exists(root)) return ids;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".json") continue;
      std::string id = fs::relative(e.path(), root).string();
      ids.insert(id.substr(0, id.size() - 5));
    }
    return ids;
  }

  // Starts `lmgaze run` in the background, output to `log`.
  pid_t spawn_run(const fs::path& log) const {
    const std::string binary = test::lmgaze_binary(), job_path = job();
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(binary.c_str(), "lmgaze", "run", "--job", job_path.c_str(), nullptr);
      ::_exit(127);
    }
    return pid;
  }
  // Waits until `log` contains `text` (up to two minutes).
  static bool wait_for(const fs::path& log, const std::string& text) {
    return test::wait_until([&] { return test::read_file(log).find(text) != std::string::npos; },
                            120);
  }

  fs::path dir_;
};

const std::set<std::string> kAllStages = {
    "simulate/readers",
    "human/readers",
    "extract/toy-m.plain",
    "extract/toy-m.instruction",
    "extract/toy-m-chat-a.plain",
    "ntp",
    "noise-ceiling/readers.L1",
    "noise-ceiling/readers.L2",
    "resemblance/toy-m.readers.L1",
    "resemblance/toy-m.readers.L2",
    "resemblance/toy-m-chat-a.readers.L1",
    "resemblance/toy-m-chat-a.readers.L2",
    "trivial/toy-m",
    "trivial/toy-m-chat-a",
    "trivial/readers.L1",
    "trivial/readers.L2",
    "divergence/tuning.toy-m-chat-a",
    "divergence/prefix.toy-m.instruction",
    "agreement/readers.L1.L2",
    "stats/tuning.toy-m-chat-a.readers.L1",
    "stats/tuning.toy-m-chat-a.readers.L2",
    "stats/trivial_groups.readers.L1.L2",
};

TEST_F(RunCli, RunsThenSkipsThenRerunsExactlyWhatAnOptionAffects) {
  // toy-m's two conditions share one load of its weights; toy-m-chat-a has one.
  const auto planned = lmgaze("plan --job " + job());
  EXPECT_NE(planned.output.find("one load of toy-m for 2 conditions: plain, instruction"),
            std::string::npos)
      << planned.output;
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), kAllStages) << r.output;
  std::vector<std::string> loads;
  const std::regex load(
      R"(extract ([a-z-]+): loaded [0-9.]+ GB of weights in .*, once for ([0-9]+) condition)");
  for (std::sregex_iterator it(r.output.begin(), r.output.end(), load), end; it != end; ++it)
    loads.push_back((*it)[1].str() + " x" + (*it)[2].str());
  EXPECT_EQ(loads, (std::vector<std::string>{"toy-m x2", "toy-m-chat-a x1"})) << r.output;
  EXPECT_EQ(recorded(), kAllStages);
  EXPECT_TRUE(fs::exists(out() / "manifest.json"));
  EXPECT_TRUE(fs::exists(out() / "attention/toy-m.instruction.h5"));
  EXPECT_TRUE(fs::exists(out() / "analysis/resemblance/toy-m.readers.L1/resemblance_summary.csv"));
  EXPECT_TRUE(fs::exists(out() / "stats/trivial_groups.readers.L1.L2.csv"));
  EXPECT_NE(r.output.find("fit needs 3"), std::string::npos) << r.output;  // notes

  r = run();  // everything is done
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(started(r.output).empty()) << r.output;
  EXPECT_NE(r.output.find("0 to run"), std::string::npos) << r.output;

  // Cross-validation changes the resemblance tables and the tests made from them.
  write_job({2, JobOptions().prefix});
  const auto plan = lmgaze("plan --job " + job());
  EXPECT_NE(plan.output.find("options changed"), std::string::npos) << plan.output;
  r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output),
            (std::set<std::string>{
                "resemblance/toy-m.readers.L1", "resemblance/toy-m.readers.L2",
                "resemblance/toy-m-chat-a.readers.L1", "resemblance/toy-m-chat-a.readers.L2",
                "stats/tuning.toy-m-chat-a.readers.L1", "stats/tuning.toy-m-chat-a.readers.L2"}))
      << r.output;

  // Another prefix: that extraction and the divergence that reads it.
  write_job({2, "Please repeat this sentence:"});
  r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), (std::set<std::string>{"extract/toy-m.instruction",
                                                      "divergence/prefix.toy-m.instruction"}))
      << r.output;

  // A deleted output re-runs the stage that writes it.
  fs::remove(out() / "analysis/trivial/toy-m/trivial_summary.csv");
  r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), (std::set<std::string>{"trivial/toy-m"})) << r.output;
}

const std::set<std::string> kExtractStages = {"extract/toy-m.plain", "extract/toy-m.instruction",
                                              "extract/toy-m-chat-a.plain"};

TEST_F(RunCli, OnlyRunsTheSelectedKindsOnceTheirUpstreamIsDone) {
  // Analyses on a fresh output read attention that does not exist yet: refused
  // before anything runs, naming the extractions.
  auto r = lmgaze("run --job " + job() + " --only analyses");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("--only analyses: 3 upstream stages are not done: extract/toy-m.plain, "
                          "extract/toy-m.instruction, extract/toy-m-chat-a.plain; run them first "
                          "(--only extract)"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(recorded().empty());
  EXPECT_FALSE(fs::exists(out() / "manifest.json"));

  // Exactly the extractions.
  r = lmgaze("run --job " + job() + " --only extract");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), kExtractStages) << r.output;
  EXPECT_EQ(recorded(), kExtractStages);
  EXPECT_NE(r.output.find("22 stages, 3 to run, 0 done, 19 not selected (--only extract)"),
            std::string::npos)
      << r.output;
  // The manifest says what is done: the attention files, no table.
  const auto manifest = nlohmann::json::parse(test::read_file(out() / "manifest.json"));
  ASSERT_EQ(manifest["attention"].size(), 3u);
  for (const auto& a : manifest["attention"]) EXPECT_TRUE(a["done"].get<bool>()) << a;
  ASSERT_FALSE(manifest["tables"].empty());
  for (const auto& t : manifest["tables"]) EXPECT_FALSE(t["done"].get<bool>()) << t;

  // The rest, without extracting again.
  r = lmgaze("run --job " + job() + " --only analyses");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::set<std::string> rest;
  for (const auto& id : kAllStages)
    if (!kExtractStages.count(id)) rest.insert(id);
  EXPECT_EQ(started(r.output), rest) << r.output;
  EXPECT_EQ(recorded(), kAllStages);
  r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 to run"), std::string::npos) << r.output;

  // --force with --only forces only those kinds; what reads them runs next time.
  r = lmgaze("run --job " + job() + " --only trivial --force");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), (std::set<std::string>{"trivial/toy-m", "trivial/toy-m-chat-a",
                                                      "trivial/readers.L1", "trivial/readers.L2"}))
      << r.output;
  r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), (std::set<std::string>{"stats/trivial_groups.readers.L1.L2"}))
      << r.output;

  r = lmgaze("run --job " + job() + " --only extract,extraction");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("--only: unknown stage kind 'extraction'"), std::string::npos)
      << r.output;
}

TEST_F(RunCli, SecondRunOnTheSameOutputIsRefusedUntilTheHolderEnds) {
  // A child process holds the output's lock as a running `lmgaze run` would.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t holder = ::fork();
  if (holder == 0) {
    ::close(ready[0]);
    try {
      run::OutputLock lock(run::lock_path(out().string()));
      const char c = 'L';
      if (::write(ready[1], &c, 1) == 1) ::pause();  // until killed
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(ready[1]);
  char c = 0;
  const bool locked = ::read(ready[0], &c, 1) == 1;
  ::close(ready[0]);
  ASSERT_TRUE(locked);

  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  auto r = lmgaze("run --job " + job() + " --only simulate");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find(out().string() + " is in use by another lmgaze run (host " + host +
                          ", pid " + std::to_string(holder) + ", started "),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(recorded().empty());

  // The kernel drops the lock with its holder, however it dies.
  ::kill(holder, SIGKILL);
  int status = 0;
  ::waitpid(holder, &status, 0);
  r = lmgaze("run --job " + job() + " --only simulate");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(started(r.output), (std::set<std::string>{"simulate/readers"})) << r.output;
  // The lock file now names that run, not the dead holder.
  const std::string text = test::read_file(run::lock_path(out().string()));
  EXPECT_EQ(text.find(" " + std::to_string(holder) + " "), std::string::npos) << text;
  EXPECT_EQ(text.rfind(std::string(host) + " ", 0), 0u) << text;
}

// Replaces field `column` of the first data row of a CSV table with f(value).
void edit_first_row(const fs::path& csv, size_t column, double factor) {
  std::ifstream in(csv);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  in.close();
  size_t row = 0;
  while (lines[row].rfind("#", 0) == 0) ++row;
  ++row;  // header
  std::vector<std::string> fields;
  std::stringstream ss(lines[row]);
  for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", std::stod(fields[column]) * factor);
  fields[column] = buf;
  std::string joined;
  for (size_t i = 0; i < fields.size(); ++i) joined += (i ? "," : "") + fields[i];
  lines[row] = joined;
  std::ofstream o(csv);
  for (const auto& l : lines) o << l << "\n";
}

TEST_F(RunCli, CheckPassesOnIdenticalTablesAndFailsOnAMovedValue) {
  ASSERT_EQ(run().exit_code, 0);
  const std::string expected = (dir_ / "expected").string();
  auto r = lmgaze("check --job " + job() + " --expected " + expected);
  EXPECT_EQ(r.exit_code, 2) << r.output;  // no such directory
  r = lmgaze("check --job " + job() + " --expected " + expected + " --store");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = lmgaze("check --job " + job() + " --expected " + expected);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok: "), std::string::npos) << r.output;

  // mean_r2 (column 3) of layer 0, toy-m vs L1: within the tolerance, then 1% off.
  const fs::path table =
      fs::path(expected) / "analysis/resemblance/toy-m.readers.L1/resemblance_summary.csv";
  edit_first_row(table, 3, 1 + 1e-9);
  r = lmgaze("check --job " + job() + " --expected " + expected);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  edit_first_row(table, 3, 1.01);
  r = lmgaze("check --job " + job() + " --expected " + expected);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("moved    analysis/resemblance/toy-m.readers.L1/"
                          "resemblance_summary.csv"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("mean_r2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("REGRESSION"), std::string::npos) << r.output;
  // A table the run no longer writes is a regression too.
  fs::remove(out() / "stats/trivial_groups.readers.L1.L2.csv");
  r = lmgaze("check --job " + job() + " --expected " + expected + " --rtol 0.1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("missing  stats/trivial_groups"), std::string::npos) << r.output;
}

// Every recorded stage has its outputs; an extraction without a record has
// no attention file under its final name.
void expect_consistent(const fs::path& out, const std::set<std::string>& recorded) {
  for (const std::string id : {"toy-m.plain", "toy-m.instruction", "toy-m-chat-a.plain"}) {
    const bool file = fs::exists(out / "attention" / (id + ".h5"));
    EXPECT_EQ(file, recorded.count("extract/" + id) > 0) << id;
  }
}

TEST_F(RunCli, SigtermFinishesTheStageStopsAndTheNextRunResumes) {
  const fs::path log = dir_ / "run.log";
  const pid_t pid = spawn_run(log);
  ASSERT_TRUE(wait_for(log, " start extract/toy-m.plain")) << test::read_file(log);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string output = test::read_file(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << output;
  EXPECT_NE(output.find("stopped by signal 15"), std::string::npos) << output;
  const std::set<std::string> done = recorded();
  EXPECT_TRUE(done.count("extract/toy-m.plain")) << output;  // the stage it was in finished
  EXPECT_LT(done.size(), kAllStages.size());
  expect_consistent(out(), done);

  const auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::set<std::string> rest;
  for (const auto& id : kAllStages)
    if (!done.count(id)) rest.insert(id);
  EXPECT_EQ(started(r.output), rest) << r.output;
  EXPECT_EQ(recorded(), kAllStages);
}

TEST_F(RunCli, SecondSignalAbandonsTheStageAndLeavesNothingMarkedDone) {
  const fs::path log = dir_ / "run.log";
  const pid_t pid = spawn_run(log);
  ASSERT_TRUE(wait_for(log, " start extract/toy-m.plain")) << test::read_file(log);
  ::kill(pid, SIGTERM);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  // Killed by the second signal, or (when the stage beat it) stopped after it.
  EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) ||
              (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM))
      << test::read_file(log);
  const std::set<std::string> done = recorded();
  expect_consistent(out(), done);

  // A complete-looking output without a record is not trusted either.
  if (!done.count("extract/toy-m.plain")) {
    fs::create_directories(out() / "attention");
    std::ofstream(out() / "attention/toy-m.plain.h5") << "not an attention file";
  }
  const auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(recorded(), kAllStages);
  for (const auto& id : done) EXPECT_FALSE(started(r.output).count(id)) << id;
}

TEST_F(RunCli, PlanPrintsPaperGraphAndRunRefusesWhatIsMissing) {
  const std::string unset =
      "env -u LLAMA_7B -u LLAMA_65B -u READING_BRAIN_TEXT -u READING_BRAIN_FIXATIONS "
      "-u LMGAZE_OUT ";
  const std::string paper = std::string(LMGAZE_SOURCE_DIR) + "/jobs/paper.ini";
  auto r = run_command(unset + test::lmgaze_binary() + " plan --ranks 8 --job " + paper);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // LLaMA-7B at fp16 in one stage: 2 x 6,738,415,616 bytes of weights.
  EXPECT_NE(r.output.find("stage 0: layers 0-31, weights 13.48 GB"), std::string::npos) << r.output;
  // LLaMA-65B in four stages of 20 layers.
  EXPECT_NE(r.output.find("stage 3: layers 60-79"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("${LLAMA_7B} is not set"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot run yet"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("divergence/reference"), std::string::npos) << r.output;

  r = run_command(unset + test::lmgaze_binary() + " run --job " + paper);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("paper.ini:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("is not set (and "), std::string::npos) << r.output;

  // A malformed job: one line naming file and line.
  std::ofstream(job()) << "[job]\nname = x\n[model m]\ndir = d\nrole = tuned\n";
  r = run();
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(test::count_lines(r.output), 1) << r.output;
  EXPECT_NE(r.output.find("tiny.ini:5: a tuned model needs base"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lmgaze
