// `mpirun -np N lmgaze extract --stages S` end to end (METHODS.md 9):
//   - the file written by N = 4, S = 2; N = 2, S = 2 and N = 4, S = 1 equals
//     the one-rank file dataset by dataset (run in fp64, so that other BLAS
//     shapes and thread counts leave only double round-off: attention within
//     one float32 step as stored, loss sums within 1e-10 relative);
//   - impossible rank layouts and bad weights are refused in one line, before
//     anything is written;
//   - each stage holds only its share of a model of a few hundred MB;
//   - a rank killed mid-run ends the job within seconds, non-zero, naming the
//     rank, and leaves no file marked complete; a rank that hangs is named with
//     its stage by its neighbour's deadline.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "distributed/random_checkpoint.hpp"
#include "io/attention_file.hpp"
#include "io/hdf5.hpp"
#include "support/run_command.hpp"

namespace lmgaze {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::run_command;

const std::string kModels = std::string(LMGAZE_SHARED_DIR) + "/models/";
const std::string kDemoText = std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt";

// Explicit flags, so the tests do not depend on setup.sh's environment: run
// as root in containers, more ranks than cores, no core binding (ranks share
// the cores through --threads 1), and waiting ranks yield their core.
std::string mpirun(int ranks) {
  return "mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 "
         "-np " +
         std::to_string(ranks) + " ";
}

std::string extract_command(int ranks, const std::string& args) {
  return (ranks > 0 ? mpirun(ranks) : std::string()) + test::lmgaze_binary() +
         " extract --threads 1 " + args;
}

test::CommandResult extract(int ranks, const std::string& args) {
  return run_command(extract_command(ranks, args));
}

// Lines lmgaze itself printed (mpirun adds its own notices about the exit).
std::vector<std::string> lmgaze_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("lmgaze", 0) == 0) lines.push_back(line);
  return lines;
}

template <class T>
void expect_vectors_near(const h5::File& a, const h5::File& b, const std::string& name,
                         double tol) {
  const std::vector<T> x = a.read_vector<T>(name), y = b.read_vector<T>(name);
  ASSERT_EQ(x.size(), y.size()) << name;
  for (size_t i = 0; i < x.size(); ++i)
    ASSERT_NEAR(static_cast<double>(x[i]), static_cast<double>(y[i]), tol)
        << name << "[" << i << "]";
}

// Dataset by dataset: the same groups and datasets, the same sentence table,
// model input, counts and attributes; attention within `attention_tol`
// absolute and loss sums within `nll_rel_tol` relative.
void expect_same_file(const std::string& path_a, const std::string& path_b, double attention_tol,
                      double nll_rel_tol) {
  h5::File a = h5::File::open_read(path_a), b = h5::File::open_read(path_b);
  EXPECT_EQ(a.attr_int("complete"), 1);
  EXPECT_EQ(b.attr_int("complete"), 1);
  for (const char* attr :
       {"format", "model_path", "model_name", "model_type", "dtype", "prefix", "tokenizer", "text"})
    EXPECT_EQ(a.attr_string(attr), b.attr_string(attr)) << attr;
  for (const char* attr : {"n_layers", "n_heads", "n_params", "format_version"})
    EXPECT_EQ(a.attr_int(attr), b.attr_int(attr)) << attr;
  ASSERT_EQ(a.list("/"), b.list("/"));
  for (const std::string& group : a.list("/")) ASSERT_EQ(a.list(group), b.list(group)) << group;

  for (const char* name :
       {"/sentences/article", "/sentences/index", "/sentences/n_words", "/tokens/word"})
    expect_vectors_near<int32_t>(a, b, name, 0);
  for (const char* name : {"/sentences/pair_offset", "/tokens/offset", "/tokens/ids",
                           "/tokens/n_tokens", "/ntp/n_tokens"})
    expect_vectors_near<int64_t>(a, b, name, 0);
  const std::vector<double> nll_a = a.read_vector<double>("/ntp/nll_sum"),
                            nll_b = b.read_vector<double>("/ntp/nll_sum");
  ASSERT_EQ(nll_a.size(), nll_b.size());
  for (size_t s = 0; s < nll_a.size(); ++s)
    EXPECT_NEAR(nll_a[s], nll_b[s], nll_rel_tol * std::fabs(nll_a[s])) << "sentence " << s;
  for (const std::string& layer : a.list("/attention")) {
    const std::string name = "/attention/" + layer;
    const h5::Shape2 shape = a.matrix_shape(name);
    ASSERT_EQ(shape.rows, b.matrix_shape(name).rows);
    ASSERT_EQ(shape.cols, b.matrix_shape(name).cols);
    std::vector<float> x(shape.rows * shape.cols), y(x.size());
    a.read_block<float>(name, 0, 0, shape, x.data());
    b.read_block<float>(name, 0, 0, shape, y.data());
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(double(x[i]) - y[i]));
    EXPECT_LE(worst, attention_tol) << name;
  }
}

class DistributedExtract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = test::scratch_dir("distributed"); }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string out(const std::string& name) { return (dir_ / name).string(); }
  static fs::path dir_;
};
fs::path DistributedExtract::dir_;

struct Layout {
  int ranks, stages;
};

// N = 1 is the reference; every other layout must write the same file. toy-l
// (LLaMA, 6 layers, untied head) in every layout, gpt2-toy (3 layers, lm_head
// tied to the embedding, so the last stage loads the embedding matrix too) as
// one pipeline. Micro-batches of 5 sentences do not line up with the group
// boundaries, so with 2 groups the batches (and their padding) differ from the
// one-rank run.
TEST_F(DistributedExtract, EveryLayoutWritesTheOneRankFile) {
  for (const std::string model : {"toy-l", "gpt2-toy"}) {
    const std::string reference = out(model + "_n1.h5");
    const std::string common = "--quiet --dtype fp64 --batch 5 --model " + kModels + model +
                               " --text " + kDemoText + " --prefix 'Read this:' ";
    auto r = extract(0, common + "--out " + reference);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::vector<Layout> layouts = {{4, 2}, {2, 2}, {4, 1}};
    if (model == "gpt2-toy") layouts = {{2, 2}};
    for (Layout l : layouts) {
      SCOPED_TRACE(model + " N=" + std::to_string(l.ranks) + " S=" + std::to_string(l.stages));
      const std::string path =
          out(model + "_n" + std::to_string(l.ranks) + "_s" + std::to_string(l.stages) + ".h5");
      const auto start = Clock::now();
      r = extract(l.ranks, common + "--stages " + std::to_string(l.stages) + " --out " + path);
      ASSERT_EQ(r.exit_code, 0) << r.output;
      std::cout << model << " N=" << l.ranks << " S=" << l.stages << ": "
                << std::chrono::duration<double>(Clock::now() - start).count() << " s\n";
      EXPECT_FALSE(fs::exists(path + ".partial"));
      // Computed in fp64, the layouts differ by double round-off (about
      // 1e-15); the file stores attention as float32, and two doubles that
      // close can still round to neighbouring float32 values: one step,
      // 2^-24 for values in [0.5, 1) (attention never exceeds 1). Loss sums
      // are stored in double: 2^-53 per operation over reductions of at most
      // V = 50257 terms gives 6e-12 relative; 1e-10 leaves margin.
      expect_same_file(reference, path, std::ldexp(1.0, -24), 1e-10);
    }
  }
}

// The layout is printed before loading, so any rank an error names can be
// placed; the summary gives every rank's share of the weights.
TEST_F(DistributedExtract, LayoutAndSummaryNameEveryStage) {
  auto r = extract(4, "--stages 2 --model " + kModels + "toy-l --text " + kDemoText + " --out " +
                          out("layout.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 ranks = 2 groups x 2 stages"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stage 0: layers 0-2 + embedding"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stage 1: layers 3-5 + norm + lm_head"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rank 3 (group 1, stage 1 of 2, layers 3-5): weights"), std::string::npos)
      << r.output;
}

// One lmgaze line with the reason, exit 2, nothing written.
void expect_refused(const test::CommandResult& r, const std::string& out_path,
                    const std::string& reason) {
  EXPECT_NE(r.exit_code, 0) << r.output;
  const auto lines = lmgaze_lines(r.output);
  ASSERT_EQ(lines.size(), 1u) << r.output;
  EXPECT_NE(lines[0].find(reason), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("MPI_ABORT"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out_path));
  EXPECT_FALSE(fs::exists(out_path + ".partial"));
}

TEST_F(DistributedExtract, ImpossibleLayoutsAreRefusedBeforeLoading) {
  const std::string o = out("refused.h5");
  const std::string args = "--model " + kModels + "gpt2-toy --text " + kDemoText + " --out " + o;
  auto r = extract(3, args + " --stages 2");
  expect_refused(r, o, "--stages 2 does not divide the 3 MPI ranks");
  EXPECT_EQ(r.exit_code, 2);
  expect_refused(extract(4, args + " --stages 4"), o, "more than the model's 3 layers");
  // This machine's LibTorch has no GPU; with one, 3 ranks on a 1-GPU node
  // are refused by the same check (mpi/layout.hpp, test_layout).
  expect_refused(extract(2, args + " --device cuda"), o, "--device cuda");
}

TEST_F(DistributedExtract, BadWeightsAreRefusedOnceNamingRankAndStage) {
  const fs::path m = dir_ / "truncated";
  fs::create_directories(m);
  for (const auto& e : fs::directory_iterator(kModels + "toy-s"))
    fs::copy_file(e.path(), m / e.path().filename());
  fs::resize_file(m / "model.safetensors", fs::file_size(m / "model.safetensors") / 2);
  const std::string o = out("truncated.h5");
  auto r = extract(2, "--stages 2 --model " + m.string() + " --text " + kDemoText + " --out " + o);
  expect_refused(r, o, "rank 0 (group 0, stage 0 of 2, layer");
  EXPECT_NE(r.output.find("model.safetensors"), std::string::npos) << r.output;
}

// ---------------------------------------------------------------------------
// A random-weight LLaMA of ~630 MB (12 layers of 51 MB): big enough that a
// stage's share of the weights dominates its memory, and slow enough on the
// demo text (several seconds) to kill a rank mid-run.

class BigModel : public DistributedExtract {
 protected:
  static void SetUpTestSuite() {
    DistributedExtract::SetUpTestSuite();
    testing::TinyModel shape;
    shape.model_type = "llama";
    shape.n_layers = 12, shape.n_heads = 8, shape.n_kv_heads = 8, shape.hidden = 1024;
    shape.intermediate = 2816, shape.vocab_size = 2000, shape.max_positions = 256;
    shape.norm_eps = 1e-6;
    model_ = (dir_ / "big").string();
    model_bytes_ = testing::write_random_checkpoint(shape, model_, kModels + "toy-s");
    std::ofstream(out("short.txt")) << "Reading is a skill.\nThe eyes do not move smoothly.\n";
  }
  static std::string model_;
  static int64_t model_bytes_;
};
std::string BigModel::model_;
int64_t BigModel::model_bytes_ = 0;

// "rank 1 (group 0, stage 1 of 2, layers 6-11): weights 321.3 MB, peak RSS
// 420.0 MB (80.0 MB before loading)" -> {peak, before} in MB, by rank.
std::map<int, std::pair<double, double>> peak_rss(const std::string& output) {
  static const std::regex line(
      R"(rank (\d+) \([^)]*\): weights [0-9.]+ MB, peak RSS ([0-9.]+) MB \(([0-9.]+) MB before)");
  std::map<int, std::pair<double, double>> out;
  for (std::sregex_iterator it(output.begin(), output.end(), line), end; it != end; ++it)
    out[std::stoi((*it)[1])] = {std::stod((*it)[2]), std::stod((*it)[3])};
  return out;
}

// Each stage of S = 2 peaks at about half the weights above what the process
// held before loading (LibTorch itself), where one rank holding the whole
// model peaks at all of it.
TEST_F(BigModel, EachStageHoldsOnlyItsShareOfTheWeights) {
  const double model_mb = model_bytes_ / 1e6;
  const std::string args = "--model " + model_ + " --text " + out("short.txt");
  auto one = extract(1, args + " --out " + out("rss_n1.h5"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto two = extract(2, args + " --stages 2 --out " + out("rss_s2.h5"));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  std::cout << one.output << two.output;
  const auto whole = peak_rss(one.output), stages = peak_rss(two.output);
  ASSERT_EQ(whole.size(), 1u) << one.output;
  ASSERT_EQ(stages.size(), 2u) << two.output;
  const double whole_growth = whole.at(0).first - whole.at(0).second;
  EXPECT_GT(whole_growth, 0.95 * model_mb);  // the measure sees the weights
  for (const auto& [rank, rss] : stages) {
    const double growth = rss.first - rss.second;
    std::cout << "model " << model_mb << " MB; one rank grows " << whole_growth << " MB; stage "
              << rank << " grows " << growth << " MB (peak " << rss.first << " MB)\n";
    // Half the weights, plus one layer being loaded and the activations.
    EXPECT_LT(growth, 0.5 * model_mb + 0.15 * model_mb) << "stage " << rank;
    EXPECT_LT(rss.first, whole.at(0).first - 0.3 * model_mb) << "stage " << rank;
  }
}

// mpirun in the background, its output to a file; pid is mpirun's.
struct Background {
  pid_t pid = -1;
  std::string log;
  explicit Background(const std::string& command, std::string log_path) : log(log_path) {
    pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + command + " >" + log + " 2>&1").c_str(), nullptr);
      _exit(127);
    }
  }
  // Exit code, or -1 when it has not ended within timeout_s (then killed).
  int wait(double timeout_s) {
    const auto start = Clock::now();
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::duration<double>(Clock::now() - start).count() > timeout_s) {
        ::kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string output() const {
    std::ifstream in(log);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

// The pid of the lmgaze process that is MPI rank `rank` of the job writing
// `out_path` (Open MPI puts the rank in each process's environment).
pid_t find_rank(const std::string& out_path, int rank) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(e.path() / "cmdline"), env(e.path() / "environ");
    std::string c((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    std::string v((std::istreambuf_iterator<char>(env)), std::istreambuf_iterator<char>());
    if (c.rfind(test::lmgaze_binary(), 0) == 0 && c.find(out_path) != std::string::npos &&
        v.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') !=
            std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

// Starts N = 2, S = 2 on the big model over the demo text and returns once
// both ranks are extracting (the partial file exists, and a moment more).
Background start_extraction(const std::string& model, const std::string& o,
                            const std::string& extra) {
  fs::remove(o);
  fs::remove(o + ".partial");
  Background job(extract_command(2, "--stages 2 --batch 1 --model " + model + " --text " +
                                        kDemoText + " --out " + o + " " + extra),
                 o + ".log");
  const auto start = Clock::now();
  while (!fs::exists(o + ".partial") &&
         std::chrono::duration<double>(Clock::now() - start).count() < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return job;
}

// No file under the real name; a partial file, if any, is not marked complete.
void expect_nothing_complete(const std::string& o) {
  EXPECT_FALSE(fs::exists(o));
  if (!fs::exists(o + ".partial")) return;
  try {
    h5::File f = h5::File::open_read(o + ".partial");
    EXPECT_NE(f.attr_int("complete"), 1);
  } catch (const InputError&) {
    // Not even readable as HDF5: certainly not complete.
  }
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Open MPI's default when a process dies: mpirun kills the job and names the
// rank; the layout printed at the start says which stage that rank ran.
TEST_F(BigModel, AKilledRankEndsTheJobWithinSeconds) {
  const std::string o = out("killed.h5");
  Background job = start_extraction(model_, o, "");
  const pid_t victim = find_rank(o, 1);
  ASSERT_GT(victim, 0) << job.output();
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const auto killed = Clock::now();
  const int code = job.wait(60);
  const double took = seconds_since(killed);
  const std::string output = job.output();
  std::cout << output << "\njob ended " << took << " s after the kill, exit code " << code << "\n";
  EXPECT_NE(code, 0) << output;
  EXPECT_NE(code, -1) << "still running 60 s after the kill\n" << output;
  EXPECT_LT(took, 10) << output;
  // Open MPI 4.1 names the rank (its PID field may read 0).
  EXPECT_NE(output.find("process rank 1 with PID"), std::string::npos) << output;
  EXPECT_NE(output.find("stage 1: layers 6-11 + norm + lm_head"), std::string::npos) << output;
  EXPECT_NE(output.find("ranks 1\n"), std::string::npos) << output;
  expect_nothing_complete(o);
}

// A rank that stops answering (here: SIGSTOP) is invisible to mpirun; its
// neighbour's deadline names it, with its stage, and aborts the job.
TEST_F(BigModel, AHungRankIsNamedWithItsStageByItsNeighbour) {
  const std::string o = out("hung.h5");
  Background job = start_extraction(model_, o, "--quiet --peer-timeout 3");
  const pid_t victim = find_rank(o, 1);
  ASSERT_GT(victim, 0) << job.output();
  ASSERT_EQ(::kill(victim, SIGSTOP), 0);
  const auto stopped = Clock::now();
  const int code = job.wait(60);
  const double took = seconds_since(stopped);
  ::kill(victim, SIGKILL);  // ours; normally mpirun has already killed it
  const std::string output = job.output();
  std::cout << output << "\njob ended " << took << " s after the stop, exit code " << code << "\n";
  EXPECT_NE(code, 0) << output;
  EXPECT_NE(code, -1) << "still running 60 s after the stop\n" << output;
  EXPECT_LT(took, 3 + 10) << output;
  EXPECT_NE(output.find("lmgaze: rank 0 (group 0, stage 0 of 2, layers 0-5): rank 1 (group 0, "
                        "stage 1 of 2, layers 6-11) took no hidden states for 3 s"),
            std::string::npos)
      << output;
  expect_nothing_complete(o);
}

}  // namespace
}  // namespace lmgaze
