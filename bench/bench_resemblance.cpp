// Benchmark: `lmgaze resemblance` on a problem shaped like LLaMA 65B against
// the L2 readers: 80 layers x 64 heads, 148 sentences of 6..14 words (~10),
// 56 readers, synthetic numbers. The paper's pipeline fits one scikit-learn
// LinearRegression per (layer, reader), 4480 fits; here every layer is one
// pass of moments over the attention and 56 solves of a 65x65 system.
//
//   bench_resemblance [DIR] [--cv K]    (DIR default: /tmp/lmgaze_bench)
//   mpirun -np N bench_resemblance ...  (ranks split the sentences)
//
// Prints the time to write the inputs (not part of the analysis) and the
// analysis wall time split into I/O (reading attention and reader values),
// arithmetic (moment accumulation), MPI reduction and rank-0 solves.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "analysis/resemblance.hpp"
#include "common/tril.hpp"
#include "human/human_store.hpp"
#include "io/attention_file.hpp"

namespace {

constexpr int kLayers = 80, kHeads = 64, kSentences = 148, kReaders = 56;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void write_inputs(const std::string& dir, lmgaze::SentenceTable& table) {
  using namespace lmgaze;
  std::mt19937 rng(65);
  std::uniform_int_distribution<int> words(6, 14);
  for (int s = 0; s < kSentences; ++s) {
    table.article.push_back(s / 30);
    table.index.push_back(s % 30);
    table.n_words.push_back(words(rng));
  }
  table.pair_offset = tril_offsets(table.n_words);
  const int64_t pairs = table.n_pairs();
  AttentionMeta meta;
  meta.model_name = "synthetic-65b-shape";
  meta.model_type = "synthetic";
  meta.dtype = "float32";
  meta.n_layers = kLayers;
  meta.n_heads = kHeads;
  AttentionWriter w(dir + "/model.h5", meta, table);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(kHeads * pairs));
  for (int l = 0; l < kLayers; ++l) {
    for (float& x : v) x = u(rng);
    w.write_layer_block(l, 0, pairs, v.data());
  }
  w.write_ntp(0, std::vector<double>(kSentences, 1.0), std::vector<int64_t>(kSentences, 1));
  w.finish();
  human::GroupData g;
  g.name = "L2";
  std::discrete_distribution<int> count({70, 20, 7, 3});
  for (int r = 0; r < kReaders; ++r) {
    g.subjects.push_back(std::to_string(r + 1));
    for (int64_t p = 0; p < pairs; ++p) g.count.push_back(count(rng));
  }
  human::StoreMeta sm;
  sm.text_kind = "sentences";
  sm.data_kind = "saccades";
  sm.simulated = true;
  human::write_store(dir + "/human.h5", table, sm, {g});
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::string dir = "/tmp/lmgaze_bench";
  int cv = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cv" && i + 1 < argc)
      cv = std::stoi(argv[++i]);
    else
      dir = a;
  }
  try {
    if (rank == 0) {
      std::filesystem::create_directories(dir);
      const auto t0 = std::chrono::steady_clock::now();
      lmgaze::SentenceTable table;
      write_inputs(dir, table);
      std::printf(
          "inputs: %d layers x %d heads, %d sentences, %lld pairs, %d readers "
          "(written in %.2f s, not counted)\n",
          kLayers, kHeads, kSentences, static_cast<long long>(table.n_pairs()), kReaders,
          seconds_since(t0));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    lmgaze::analysis::ResemblanceOptions o;
    o.model_path = dir + "/model.h5";
    o.human_path = dir + "/human.h5";
    o.group = "L2";
    o.cv_folds = cv;
    const double t0 = MPI_Wtime();
    const auto r = lmgaze::analysis::run_resemblance(o, MPI_COMM_WORLD);
    const double wall = MPI_Wtime() - t0;
    if (rank == 0) {
      std::printf(
          "resemblance, %d rank(s)%s: wall %.3f s = io %.3f + arithmetic %.3f + "
          "reduce %.3f + solve %.3f (+ noise ceiling and setup %.3f)\n",
          size, cv ? (", cv " + std::to_string(cv)).c_str() : "", wall, r.time.io, r.time.math,
          r.time.reduce, r.time.solve,
          wall - r.time.io - r.time.math - r.time.reduce - r.time.solve);
      std::printf("%zu fits of %d regressors; R² of layer 0, reader 1: %.4f; noise ceiling %.4f\n",
                  r.r2.size(), kHeads, r.r2[0], r.ceiling);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_resemblance: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return 0;
}
