// Benchmark: the analyses of `lmgaze resemblance` and `noise-ceiling` on a
// problem shaped like LLaMA 65B against the L2 readers: 80 layers x 64 heads,
// 148 sentences of 6..14 words (~10), 56 readers, synthetic numbers. The
// paper's pipeline fits one scikit-learn LinearRegression per (layer, reader),
// 4480 fits; here every layer is one pass of moments over the attention and 56
// solves of a 65x65 system.
//
//   bench_resemblance [DIR] [--cv K] [--bootstrap B] [--splits S] [--pca-k k]
//   mpirun -np N bench_resemblance ...  (ranks split the sentences)
//   bench_resemblance DIR --write-only  (the inputs only, DIR/model.h5 and
//     DIR/human.h5, group L2: for timing whole processes on them, as
//     bench_analysis_vs_numpy.sh does)
//   (DIR default /tmp/lmgaze_bench; K = 10, B = 1000, S = 100, k = 20)
//
// Prints the time to write the inputs (not part of the analysis), then each
// part on its own:
//   1. resemblance: in-sample R² of every (layer, reader), the per-head maps
//      (R² on each head alone, from the same moments) and the paper's ceiling,
//      split into I/O, arithmetic (moments), MPI reduction and rank-0 solves;
//   2. the same with K-fold CV: CV R², the layer chosen inside the folds and the
//      CV (leave-one-out) ceiling;
//   3. the bootstrap over readers: B resamples of each layer's mean R² and of
//      the resemblance, from each reader's R² (sufficient statistics, no refit);
//   4. the split-half ceiling with S seeded splits;
//   5. the fixed-capacity resemblance on the first k principal components of
//      each layer's heads, K folds (k = 20, GPT-2 large's heads: the smallest
//      head count of the paper's models).
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "analysis/bootstrap.hpp"
#include "analysis/pca_resemblance.hpp"
#include "analysis/resemblance.hpp"
#include "analysis/split_half.hpp"
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

void print_part(const char* what, double wall, const lmgaze::analysis::Timing& t) {
  std::printf(
      "%s: wall %.3f s = io %.3f + arithmetic %.3f + reduce %.3f + solve %.3f "
      "(+ noise ceiling and setup %.3f)\n",
      what, wall, t.io, t.math, t.reduce, t.solve, wall - t.io - t.math - t.reduce - t.solve);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::string dir = "/tmp/lmgaze_bench";
  int cv = 10, resamples = 1000, splits = 100, pca_k = 20;
  bool write_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cv" && i + 1 < argc)
      cv = std::stoi(argv[++i]);
    else if (a == "--bootstrap" && i + 1 < argc)
      resamples = std::stoi(argv[++i]);
    else if (a == "--splits" && i + 1 < argc)
      splits = std::stoi(argv[++i]);
    else if (a == "--pca-k" && i + 1 < argc)
      pca_k = std::stoi(argv[++i]);
    else if (a == "--write-only")
      write_only = true;
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
    if (write_only) {
      MPI_Finalize();
      return 0;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    using namespace lmgaze::analysis;
    ResemblanceOptions o;
    o.model_path = dir + "/model.h5";
    o.human_path = dir + "/human.h5";
    o.group = "L2";
    double total = 0;

    // 1. In-sample resemblance, per-head maps, the paper's ceiling.
    double t0 = MPI_Wtime();
    const auto plain = run_resemblance(o, MPI_COMM_WORLD);
    double wall = MPI_Wtime() - t0;
    total += wall;
    if (rank == 0) {
      char what[160];
      std::snprintf(what, sizeof what,
                    "1. resemblance + per-head maps (%d x %d heads) + ceiling, %d rank(s)", kLayers,
                    kHeads, size);
      print_part(what, wall, plain.time);
      std::printf(
          "   %zu fits of %d regressors and %zu single-head fits; R² of layer 0, reader "
          "1: %.4f; noise ceiling %.4f\n",
          plain.r2.size(), kHeads, plain.head_r2.size(), plain.r2[0], plain.ceiling);
    }

    // 2. The same with K-fold cross-validation (layer chosen inside the folds).
    ResemblanceResult with_cv;
    if (cv >= 2) {
      o.cv_folds = cv;
      t0 = MPI_Wtime();
      with_cv = run_resemblance(o, MPI_COMM_WORLD);
      wall = MPI_Wtime() - t0;
      total += wall;
      if (rank == 0) {
        const std::string what = "2. the same with CV resemblance, " + std::to_string(cv) +
                                 " folds (layer chosen inside the folds, CV ceiling)";
        print_part(what.c_str(), wall, with_cv.time);
        std::printf("   cv resemblance %.4f\n", with_cv.cv_resemblance);
      }
    }

    // 3. Bootstrap over readers from each reader's R² (rank 0; no refit).
    if (rank == 0 && resamples > 0) {
      t0 = MPI_Wtime();
      const size_t n = plain.readers.subjects.size();
      std::vector<std::vector<double>> layer_means(kLayers);
      for (const auto& counts : bootstrap_counts(static_cast<int>(n), resamples, 1))
        for (size_t l = 0; l < static_cast<size_t>(kLayers); ++l)
          layer_means[l].push_back(
              resampled_mean(std::vector<double>(plain.r2.begin() + static_cast<long>(l * n),
                                                 plain.r2.begin() + static_cast<long>((l + 1) * n)),
                             counts));
      for (const auto& m : layer_means) percentile_interval(m);
      const auto reps = resemblance_replicates(plain.r2, kLayers, plain.ceiling_detail.r2,
                                               plain.ceiling, resamples, 1);
      std::vector<double> values;
      for (const auto& r : reps) values.push_back(r.resemblance);
      const Interval i = percentile_interval(values);
      wall = MPI_Wtime() - t0;
      total += wall;
      std::printf(
          "3. bootstrap, %d resamples of readers (every layer's mean R² and the resemblance, "
          "from per-reader R²): %.3f s; resemblance interval [%.4f, %.4f]\n",
          resamples, wall, i.low, i.high);
    }

    // 4. Split-half ceiling.
    if (splits > 0) {
      const lmgaze::HumanStore store(dir + "/human.h5");
      SplitHalfOptions so;
      so.group = "L2";
      so.splits = splits;
      t0 = MPI_Wtime();
      const auto sh = run_split_half(store, so, MPI_COMM_WORLD);
      wall = MPI_Wtime() - t0;
      total += wall;
      if (rank == 0)
        std::printf("4. split-half ceiling, %d splits: %.3f s; reliability %.4f (sd %.4f)\n",
                    splits, wall, sh.reliability_mean, sh.reliability_sd);
    }
    // 5. Fixed capacity: k principal components per layer, inside the folds.
    if (pca_k > 0 && cv >= 2) {
      PcaResemblanceOptions po;
      po.model_path = o.model_path;
      po.human_path = o.human_path;
      po.group = "L2";
      po.folds = cv;
      po.components = pca_k;
      t0 = MPI_Wtime();
      const auto pca = run_pca_resemblance(po, MPI_COMM_WORLD);
      wall = MPI_Wtime() - t0;
      total += wall;
      if (rank == 0)
        std::printf(
            "5. fixed-capacity resemblance, first %d principal components, %d folds: %.3f s; "
            "mean R²_cv %.4f\n",
            pca_k, cv, wall, pca.choice.mean_r2_cv.mean);
    }
    if (rank == 0) std::printf("total of the parts: %.3f s\n", total);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_resemblance: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return 0;
}
