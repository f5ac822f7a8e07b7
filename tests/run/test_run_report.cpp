// The report stage of `lmgaze run` and its gnuplot children: under mpirun, and
// when a stop signal reaches lmgaze's whole process group (Open MPI's mpirun
// forwards signals to each rank's process group; a terminal sends Ctrl-C to
// the foreground group). The contract under test (README, `lmgaze run`): the
// first signal lets the current stage finish, figures included; a second one
// abandons it and leaves no gnuplot behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/run_command.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
using test::run_command;

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";

const char* kText =
    "Reading is a skill that people learn over many years.\n"
    "The eyes do not move smoothly across a line of text.\n"
    "\n"
    "Sometimes the eyes jump back to a word that was already read.\n"
    "Readers make regressions when a sentence turns out to be confusing.\n";

using test::wait_until;

// Gone, or a zombie nobody has reaped yet: either way it no longer runs.
bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  const std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] == 'Z';
}

class ReportStage : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = test::scratch_dir("run_report_" + name);
    std::ofstream(dir_ / "tiny.txt") << kText;
    // Two models of one family, so the report has resemblance, tuning and
    // trivial-pattern figures.
    std::ofstream(job()) << "[job]\nname = tiny\ntext = tiny.txt\n"
                            "[output]\ndir = out\nreport = yes\n"
                            "[extract]\nbatch = 4\n"
                         << "[model toy-m]\ndir = " << kModels << "toy-m\nrole = scale\n"
                         << "[model toy-m-chat-a]\ndir = " << kModels
                         << "toy-m-chat-a\nrole = tuned\nbase = toy-m\n"
                         << "[human readers]\nsimulate = L1:3,L2:3\nseed = 5\ngroups = L1 L2\n"
                         << "[analyses]\nrun = all\n";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::string job() const { return (dir_ / "tiny.ini").string(); }
  fs::path out() const { return dir_ / "out"; }
  fs::path figures() const { return out() / "report/figures"; }

  static std::string mpirun(int ranks) {
    return "mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 "
           "-np " +
           std::to_string(ranks) + " " + test::lmgaze_binary();
  }

  // Every figure of the report is there as a real PNG and SVG; returns how many.
  int expect_figures() const {
    int n = 0;
    if (!fs::exists(figures())) return 0;
    for (const auto& e : fs::directory_iterator(figures())) {
      if (e.path().extension() != ".gp") continue;
      SCOPED_TRACE(e.path().string());
      fs::path png = e.path(), svg = e.path();
      png.replace_extension(".png");
      svg.replace_extension(".svg");
      const std::string image = test::read_file(png);
      EXPECT_GT(image.size(), 1000u);
      EXPECT_EQ(image.substr(0, 4), "\x89PNG");
      EXPECT_NE(test::read_file(svg).find("</svg>"), std::string::npos);
      fs::path log = e.path();
      EXPECT_FALSE(fs::exists(log.replace_extension(".log")));  // gnuplot said nothing
      ++n;
    }
    return n;
  }

  // `lmgaze run --job` in a process group of its own (as mpirun starts a rank,
  // and a shell a job), with `gnuplot` as given; output to `log`.
  pid_t spawn_run(const fs::path& log, const std::string& gnuplot) const {
    const std::string binary = test::lmgaze_binary(), job_path = job();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setpgid(0, 0);
      ::setenv("LMGAZE_GNUPLOT", gnuplot.c_str(), 1);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(binary.c_str(), "lmgaze", "run", "--job", job_path.c_str(), nullptr);
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // no race with the child's own call: same result
    return pid;
  }

  // A gnuplot that first runs `before` (a shell command line), then the real one.
  std::string gnuplot_wrapper(const std::string& before) const {
    const fs::path path = dir_ / "gnuplot-wrapper";
    std::ofstream(path) << "#!/bin/sh\n" << before << "\nexec gnuplot \"$@\"\n";
    fs::permissions(path, fs::perms::owner_all);
    return path.string();
  }

  // Every stage but the report, so that a run has only the report to do.
  void run_all_but_report() const {
    const auto r =
        run_command(test::lmgaze_binary() + " run --job " + job() + " --only extract,analyses");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_FALSE(fs::exists(out() / "report/index.md"));
  }

  fs::path dir_;
};

TEST_F(ReportStage, UnderMpirunEveryFigureIsDrawn) {
  auto r = run_command(mpirun(2) + " run --job " + job());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" done  report "), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(out() / "report/index.md"));
  EXPECT_GE(expect_figures(), 4);

  // `lmgaze report` itself under mpirun: one rank writes, the others wait (two
  // ranks clearing and filling report/ at once fail each other).
  r = run_command(mpirun(2) + " report --job " + job());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("lmgaze report: " + (out() / "report").string() + "/index.md"),
            r.output.rfind("lmgaze report: " + (out() / "report").string() + "/index.md"))
      << r.output;  // said once
  EXPECT_GE(expect_figures(), 4);
}

TEST_F(ReportStage, StopSignalToTheProcessGroupLetsTheFiguresFinish) {
  run_all_but_report();
  // The first figure's gnuplot waits until the signal has been sent.
  const fs::path started = dir_ / "gnuplot-started", signalled = dir_ / "signalled";
  const std::string gnuplot = gnuplot_wrapper(
      "if [ ! -e '" + started.string() + "' ]; then touch '" + started.string() +
      "'; while [ ! -e '" + signalled.string() + "' ]; do sleep 0.05; done; sleep 0.3; fi");
  const fs::path log = dir_ / "run.log";
  const pid_t pid = spawn_run(log, gnuplot);
  ASSERT_TRUE(wait_until([&] { return fs::exists(started); }, 120)) << test::read_file(log);
  ASSERT_EQ(::kill(-pid, SIGTERM), 0);  // lmgaze's whole process group
  std::ofstream(signalled) << "";
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string output = test::read_file(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  // The report was the last stage: it finished, and the run says it had the signal.
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("signal 15 received; all stages had finished"), std::string::npos)
      << output;
  EXPECT_TRUE(fs::exists(out() / ".lmgaze/stages/report.json")) << output;
  EXPECT_TRUE(fs::exists(out() / "report/index.md")) << output;
  EXPECT_GE(expect_figures(), 4);
}

TEST_F(ReportStage, AbandonedReportLeavesNoGnuplotRunning) {
  run_all_but_report();
  // A gnuplot that would take a minute; it writes its pid first.
  const fs::path pid_file = dir_ / "gnuplot.pid";
  const std::string gnuplot =
      gnuplot_wrapper("echo $$ > '" + pid_file.string() + ".tmp'; mv '" + pid_file.string() +
                      ".tmp' '" + pid_file.string() + "'; exec sleep 60");
  const fs::path log = dir_ / "run.log";
  const pid_t pid = spawn_run(log, gnuplot);
  ASSERT_TRUE(wait_until([&] { return fs::exists(pid_file); }, 120)) << test::read_file(log);
  const pid_t child = std::stoi(test::read_file(pid_file));
  ASSERT_FALSE(gone(child));
  ::kill(pid, SIGTERM);  // finish the stage ...
  // (two signals sent at once may arrive as one)
  ASSERT_TRUE(wait_until(
      [&] { return test::read_file(log).find("stop requested") != std::string::npos; }, 30))
      << test::read_file(log);
  ::kill(pid, SIGTERM);  // ... no: abandon it
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << test::read_file(log);
  EXPECT_TRUE(wait_until([&] { return gone(child); }, 5)) << "gnuplot " << child << " survived";
  if (!gone(child)) ::kill(child, SIGKILL);
  EXPECT_FALSE(fs::exists(out() / ".lmgaze/stages/report.json"));
  EXPECT_FALSE(fs::exists(out() / "report/index.md"));
}

}  // namespace
}  // namespace lmgaze
