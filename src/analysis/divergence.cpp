#include "analysis/divergence.hpp"

#include <cmath>

#include "analysis/inputs.hpp"
#include "analysis/js.hpp"
#include "common/error.hpp"
#include "io/attention_file.hpp"
#include "mpi/reduce.hpp"

namespace lmgaze::analysis {
namespace {

// Mean over layers [first, last) of the heads' matrices for sentences
// [s_begin, s_end): [heads][pairs] (per head) or [1][pairs] (heads averaged).
std::vector<double> part_matrix(const AttentionReader& file, std::pair<int, int> layers,
                                size_t s_begin, size_t s_end, bool average_heads) {
  const SentenceTable& sent = file.sentences();
  const auto pairs = static_cast<size_t>(sent.pair_offset[s_end] - sent.pair_offset[s_begin]);
  const auto heads = static_cast<size_t>(file.n_heads());
  std::vector<double> sum(heads * pairs, 0.0);
  if (pairs == 0) return average_heads ? std::vector<double>() : sum;
  for (int l = layers.first; l < layers.second; ++l) {
    const std::vector<float> att = file.read_layer(l, s_begin, s_end);
    check_attention(att, sent, s_begin, s_end, l, file.path());
    for (size_t i = 0; i < att.size(); ++i) sum[i] += att[i];
  }
  const double n_layers = layers.second - layers.first;
  for (double& v : sum) v /= n_layers;
  if (!average_heads) return sum;
  std::vector<double> mean(pairs, 0.0);
  for (size_t h = 0; h < heads; ++h)
    for (size_t i = 0; i < pairs; ++i) mean[i] += sum[h * pairs + i];
  for (double& v : mean) v /= static_cast<double>(heads);
  return mean;
}

}  // namespace

std::vector<std::pair<int, int>> layer_parts(int n_layers, int parts) {
  std::vector<std::pair<int, int>> out;
  const int base = n_layers / parts, extra = n_layers % parts;
  int at = 0;
  for (int k = 0; k < parts; ++k) {
    const int len = base + (k < extra ? 1 : 0);
    out.emplace_back(at, at + len);
    at += len;
  }
  return out;
}

DivergenceResult run_divergence(const DivergenceOptions& options, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const AttentionReader a(options.a_path), b(options.b_path);
  a.sentences().require_same(b.sentences(), a.path(), b.path());
  DivergenceResult result;
  result.a_model = a.meta().model_name;
  result.b_model = b.meta().model_name;
  const bool per_head = options.heads == HeadMode::kPerHead;
  if (per_head && a.n_heads() != b.n_heads())
    throw InputError(a.path() + " and " + b.path() +
                     ": --heads per-head needs the same number "
                     "of heads (" +
                     std::to_string(a.n_heads()) + " vs " + std::to_string(b.n_heads()) +
                     "); use --heads average");
  if (!options.force_parts && a.n_layers() == b.n_layers()) {
    result.mode = "layer";
    for (int l = 0; l < a.n_layers(); ++l) result.a_layers.emplace_back(l, l + 1);
    result.b_layers = result.a_layers;
  } else {
    result.mode = "part";
    const int fewest = std::min(a.n_layers(), b.n_layers());
    if (options.parts < 1 || options.parts > fewest) {
      const std::string counts = a.path() + " has " + std::to_string(a.n_layers()) +
                                 " layers and " + b.path() + " has " + std::to_string(b.n_layers());
      // Without --parts the 4 parts are lmgaze's default, not the user's choice.
      if (!options.force_parts)
        throw InputError(
            counts + ": different layer counts are compared in " + std::to_string(options.parts) +
            " parts by default, which needs at " + "least " + std::to_string(options.parts) +
            " layers in each; give --parts N with N from 1 to " + std::to_string(fewest));
      throw InputError("--parts " + std::to_string(options.parts) + " must be between 1 and " +
                       std::to_string(fewest) + " (" + counts + ")");
    }
    result.a_layers = layer_parts(a.n_layers(), options.parts);
    result.b_layers = layer_parts(b.n_layers(), options.parts);
  }

  const SentenceTable& sent = a.sentences();
  result.n_sentences = sent.size();
  const mpi::Range mine = my_sentences(sent, comm);
  const size_t n_index = result.n_index();
  const int64_t p0 = sent.pair_offset[mine.begin];
  const auto pairs = static_cast<size_t>(sent.pair_offset[mine.end] - p0);
  const size_t heads = per_head ? static_cast<size_t>(a.n_heads()) : 1;
  std::vector<double> js(n_index * sent.size(), 0.0);
  std::vector<int64_t> skipped(n_index, 0);
  for (size_t k = 0; k < n_index && !mine.empty(); ++k) {
    const auto xa = part_matrix(a, result.a_layers[k], mine.begin, mine.end, !per_head);
    const auto xb = part_matrix(b, result.b_layers[k], mine.begin, mine.end, !per_head);
    for (size_t s = mine.begin; s < mine.end; ++s) {
      const auto at = static_cast<size_t>(sent.pair_offset[s] - p0);
      double sum = 0;
      int used = 0;
      for (size_t h = 0; h < heads; ++h) {
        const SentenceJs v = js_divergence_rows(xa.data() + h * pairs + at,
                                                xb.data() + h * pairs + at, sent.n_words[s]);
        skipped[k] += v.rows_skipped;
        if (!std::isnan(v.mean)) {
          sum += v.mean;
          ++used;
        }
      }
      js[k * sent.size() + s] = used > 0 ? sum / used : std::nan("");
    }
  }
  // Each entry comes from exactly one rank (the others add 0), so the sum is exact.
  mpi::reduce_sum(js, comm);
  mpi::reduce_sum(skipped, comm);
  if (rank == 0) {
    result.js = std::move(js);
    result.rows_skipped = std::move(skipped);
  }
  return result;
}

}  // namespace lmgaze::analysis
