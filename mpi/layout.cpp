#include "mpi/layout.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "common/error.hpp"

namespace lmgaze::mpi {

PipelineLayout make_layout(int world, int rank, int stages, int n_layers) {
  if (stages < 1) throw InputError("--stages " + std::to_string(stages) + ": must be at least 1");
  if (world % stages != 0)
    throw InputError("--stages " + std::to_string(stages) + " does not divide the " +
                     std::to_string(world) +
                     " MPI ranks into whole pipeline groups (ranks must be a multiple of stages)");
  if (stages > n_layers)
    throw InputError("--stages " + std::to_string(stages) + " is more than the model's " +
                     std::to_string(n_layers) + " layers (every stage needs at least one layer)");
  PipelineLayout p;
  p.world = world;
  p.stages = stages;
  p.groups = world / stages;
  p.rank = rank;
  p.group = rank / stages;
  p.stage = rank % stages;
  return p;
}

std::vector<Range> balance_stages(const std::vector<int64_t>& layer_bytes, int64_t first_bytes,
                                  int64_t last_bytes, int stages) {
  const int L = static_cast<int>(layer_bytes.size());
  if (stages < 1 || stages > L) throw std::invalid_argument("balance_stages: 1 <= stages <= L");
  std::vector<int64_t> prefix(L + 1, 0);
  for (int l = 0; l < L; ++l) prefix[l + 1] = prefix[l] + layer_bytes[l];
  // Bytes of stage k holding layers [a, b).
  auto cost = [&](int k, int a, int b) {
    return prefix[b] - prefix[a] + (k == 0 ? first_bytes : 0) + (k == stages - 1 ? last_bytes : 0);
  };
  // best[k][i]: the smallest heaviest stage when stages 0..k hold layers [0, i);
  // cut[k][i]: where stage k starts in that split. O(S L^2): L is at most ~100.
  constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  std::vector<std::vector<int64_t>> best(stages, std::vector<int64_t>(L + 1, kInf));
  std::vector<std::vector<int>> cut(stages, std::vector<int>(L + 1, 0));
  for (int i = 1; i <= L; ++i) best[0][i] = cost(0, 0, i);
  for (int k = 1; k < stages; ++k)
    for (int i = k + 1; i <= L; ++i)
      for (int j = k; j < i; ++j) {  // stage k holds [j, i); stages 0..k-1 hold [0, j)
        if (best[k - 1][j] == kInf) continue;
        const int64_t v = std::max(best[k - 1][j], cost(k, j, i));
        if (v < best[k][i]) {  // strict: the earliest cut wins a tie
          best[k][i] = v;
          cut[k][i] = j;
        }
      }
  std::vector<Range> ranges(stages);
  int end = L;
  for (int k = stages - 1; k >= 0; --k) {
    const int begin = k == 0 ? 0 : cut[k][end];
    ranges[k] = Range{static_cast<size_t>(begin), static_cast<size_t>(end)};
    end = begin;
  }
  return ranges;
}

NodeRanks node_ranks(MPI_Comm comm) {
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  NodeRanks n;
  MPI_Comm_rank(node, &n.local_rank);
  MPI_Comm_size(node, &n.local_size);
  MPI_Comm_free(&node);
  return n;
}

void check_gpus_per_node(const std::string& device, int ranks_on_node, int gpus_on_node,
                         int ranks_per_gpu) {
  if (ranks_per_gpu < 1) throw InputError("--ranks-per-gpu must be at least 1");
  if (ranks_on_node <= static_cast<int64_t>(gpus_on_node) * ranks_per_gpu) return;
  if (ranks_per_gpu == 1)
    throw InputError("--device " + device + ": " + std::to_string(ranks_on_node) +
                     " ranks on this node need one GPU each, but it has " +
                     std::to_string(gpus_on_node) +
                     " (start fewer ranks per node, or share GPUs with --ranks-per-gpu)");
  throw InputError("--device " + device + ": " + std::to_string(ranks_on_node) +
                   " ranks on this node at " + std::to_string(ranks_per_gpu) + " per GPU need " +
                   std::to_string((ranks_on_node + ranks_per_gpu - 1) / ranks_per_gpu) +
                   " GPUs, but it has " + std::to_string(gpus_on_node));
}

std::string describe_rank(const PipelineLayout& layout, int rank, const Range& layers) {
  std::string s = "rank " + std::to_string(rank) + " (group " +
                  std::to_string(layout.group_of(rank)) + ", stage " +
                  std::to_string(layout.stage_of(rank)) + " of " + std::to_string(layout.stages);
  if (layers.size() == 1)
    s += ", layer " + std::to_string(layers.begin);
  else
    s += ", layers " + std::to_string(layers.begin) + "-" + std::to_string(layers.end - 1);
  return s + ")";
}

}  // namespace lmgaze::mpi
