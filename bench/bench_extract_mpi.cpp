// Benchmark: distributed `lmgaze extract` on the CPU (METHODS.md 9, issue 5).
//
// A GPT-2-small-shaped model (12 layers, 12 heads, C 768, V 50257, tied
// lm_head; 124M parameters, 498 MB fp32) with random weights and the real
// GPT-2 BPE files, over data/text/demo.txt repeated --copies times, run as
//   N=1            1 rank, 1 thread     (the strong-scaling baseline)
//   N=1 T=cores    1 rank, all cores as torch threads
//   N=2 S=1        2 ranks, 1 thread each: pure data parallel, 2 groups
//   N=2 S=2        2 ranks, 1 thread each: one group, a 2-stage pipeline
// each --runs times (default 2; the fastest counts, the machine is shared).
//
// Thread policy: one torch thread per rank and ranks <= cores, so no two
// compute threads share a core; the N=1 baseline gets the same one thread per
// core it uses, and is also shown with every core as a torch thread, so that
// data parallelism is compared with intra-op threading at equal total cores.
// Every run uses `mpirun --bind-to none` (the same launcher and start-up cost).
//
// Control: the same as N=1 T=1, twice at once as two independent jobs. On an
// idle machine with 2 free cores each takes as long as one alone; on a shared
// machine this shows how much of the second core is really free, which bounds
// any parallel efficiency measured at that moment.
//
// Prints per run the wall time of the whole job (start-up, loading, the
// extraction, the file) and lmgaze's own extraction time (after loading), and
// the efficiencies:
//   data parallel   T(N=1) / (2 T(N=2,S=1))
//   vs threads      T(N=1, T=cores) / T(N=2,S=1)   (equal total cores)
//   pipeline        T(N=1) / (2 T(N=2,S=2))
//   control         T(N=1) / T(two N=1 at once)    (1 on an idle machine)
//
//   bench_extract_mpi [--dir DIR] [--copies K] [--runs R] [--batch B]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "distributed/random_checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Config {
  std::string name;
  int ranks, stages, threads;
};

struct Timing {
  double wall = 1e300;     // whole mpirun, seconds
  double extract = 1e300;  // lmgaze's "tokens in X s"
  int64_t tokens = 0;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string command(const Config& c, const std::string& model, const std::string& text,
                    const std::string& dir, int batch, const std::string& tag) {
  return "mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 "
         "-np " +
         std::to_string(c.ranks) + " " + LMGAZE_BINARY_DIR + "/lmgaze extract --model " + model +
         " --text " + text + " --out " + dir + "/" + tag + ".h5 --batch " + std::to_string(batch) +
         " --stages " + std::to_string(c.stages) + " --threads " + std::to_string(c.threads) +
         " >" + dir + "/" + tag + ".log 2>&1";
}

// Reads lmgaze's summary from a run's log; exits the benchmark if it failed.
Timing parse(const Config& c, const std::string& log, int status, double wall) {
  Timing t;
  t.wall = wall;
  const std::string output = slurp(log);
  std::smatch m;
  static const std::regex summary(R"((\d+) tokens in ([0-9.]+) s)");
  if (status != 0 || !std::regex_search(output, m, summary)) {
    std::cerr << "bench_extract_mpi: " << c.name << " failed:\n" << output << "\n";
    std::exit(1);
  }
  t.tokens = std::stoll(m[1]);
  t.extract = std::stod(m[2]);
  return t;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Runs one configuration once.
Timing run(const Config& c, const std::string& model, const std::string& text,
           const std::string& dir, int batch) {
  const auto start = Clock::now();
  const int status = std::system(command(c, model, text, dir, batch, "run").c_str());
  return parse(c, dir + "/run.log", status, seconds_since(start));
}

// Runs one configuration twice at once, as two independent jobs; the slower.
Timing run_pair(const Config& c, const std::string& model, const std::string& text,
                const std::string& dir, int batch) {
  const auto start = Clock::now();
  const std::string both = "(" + command(c, model, text, dir, batch, "pair_a") + ") & (" +
                           command(c, model, text, dir, batch, "pair_b") + "); wait";
  const int status = std::system(both.c_str());
  const double wall = seconds_since(start);
  Timing a = parse(c, dir + "/pair_a.log", status, wall);
  Timing b = parse(c, dir + "/pair_b.log", status, wall);
  a.extract = std::max(a.extract, b.extract);
  return a;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/lmgaze_bench_mpi";
  int copies = 4, runs = 2, batch = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--dir")
      dir = argv[i + 1];
    else if (a == "--copies")
      copies = std::stoi(argv[i + 1]);
    else if (a == "--runs")
      runs = std::stoi(argv[i + 1]);
    else if (a == "--batch")
      batch = std::stoi(argv[i + 1]);
  }
  fs::create_directories(dir);
  const std::string model = dir + "/gpt2-small-random";
  const std::string text = dir + "/corpus.txt";

  const auto t0 = Clock::now();
  const int64_t bytes =
      lmgaze::testing::write_random_checkpoint(lmgaze::testing::gpt2_small_shape(), model,
                                               std::string(LMGAZE_SHARED_DIR) + "/models/gpt2-toy");
  {
    // demo.txt `copies` times, one blank line between copies (articles).
    std::string demo = slurp(std::string(LMGAZE_SOURCE_DIR) + "/data/text/demo.txt");
    while (!demo.empty() && demo.back() == '\n') demo.pop_back();
    std::ofstream out(text);
    for (int k = 0; k < copies; ++k) out << (k ? "\n\n" : "") << demo;
    out << "\n";
  }
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  std::printf("bench_extract_mpi: GPT-2-small shape, random fp32 weights (%.0f MB), %s\n",
              bytes / 1e6, text.c_str());
  std::printf("machine: %s, %ld cores; inputs written in %.1f s; best of %d runs, batch %d\n",
              cpu_model().c_str(), cores, std::chrono::duration<double>(Clock::now() - t0).count(),
              runs, batch);

  const std::vector<Config> configs = {
      {"N=1 S=1 T=1", 1, 1, 1},
      {"N=1 S=1 T=" + std::to_string(cores), 1, 1, static_cast<int>(cores)},
      {"N=2 S=1 T=1", 2, 1, 1},
      {"N=2 S=2 T=1", 2, 2, 1}};
  std::vector<Timing> best(configs.size() + 1);  // the last: the control pair
  auto keep = [&](size_t c, const Timing& t) {
    best[c].wall = std::min(best[c].wall, t.wall);
    best[c].extract = std::min(best[c].extract, t.extract);
    best[c].tokens = t.tokens;
  };
  for (int r = 0; r < runs; ++r) {  // interleaved, so a busy moment hits every configuration
    for (size_t c = 0; c < configs.size(); ++c) keep(c, run(configs[c], model, text, dir, batch));
    keep(configs.size(), run_pair(configs[0], model, text, dir, batch));
  }

  std::printf("\n%-14s %10s %12s %12s\n", "config", "wall s", "extract s", "tokens/s");
  for (size_t c = 0; c < configs.size(); ++c)
    std::printf("%-14s %10.2f %12.2f %12.0f\n", configs[c].name.c_str(), best[c].wall,
                best[c].extract, best[c].tokens / best[c].extract);
  auto eff = [&](const char* what, size_t base, size_t other, double ranks) {
    std::printf("%-34s wall %.2f   extraction %.2f\n", what,
                best[base].wall / (ranks * best[other].wall),
                best[base].extract / (ranks * best[other].extract));
  };
  std::printf("%-14s %10.2f %12.2f   (slower of two independent N=1 T=1 jobs at once)\n", "control",
              best.back().wall, best.back().extract);
  std::printf("\n");
  eff("control (two independent jobs)", 0, configs.size(), 1);
  eff("data-parallel efficiency (N=2,S=1)", 0, 2, 2);
  eff("vs 1 rank x all cores (N=2,S=1)", 1, 2, 1);
  eff("pipeline efficiency (N=2,S=2)", 0, 3, 2);
  for (const char* f : {"run.h5", "pair_a.h5", "pair_b.h5"}) fs::remove(dir + "/" + f);
  return 0;
}
