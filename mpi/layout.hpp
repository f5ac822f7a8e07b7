// How the ranks of a distributed extraction are arranged (METHODS.md 9).
//
// N ranks form G = N / S pipeline groups of S stages. Rank r is stage r % S of
// group r / S, so the stages of one group are consecutive ranks and, with the
// usual by-slot placement, sit on the same node where hidden states travel
// through shared memory. Stage k of a group owns a contiguous range of layers;
// stage 0 also holds the embedding, stage S - 1 the final norm and lm_head.
// Groups take contiguous ranges of sentences (weighted_range over token counts).
//
// Everything here is decided from sizes alone and is torch-free, so every rank
// computes the same layout without talking to the others, and the checks run
// before any weight is read.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mpi/partition.hpp"

namespace lmgaze::mpi {

struct PipelineLayout {
  int world = 1;   // N
  int stages = 1;  // S
  int groups = 1;  // G = N / S
  int rank = 0;
  int group = 0;  // rank / S
  int stage = 0;  // rank % S

  int rank_of(int g, int k) const { return g * stages + k; }
  int stage_of(int r) const { return r % stages; }
  int group_of(int r) const { return r / stages; }
  bool first_stage() const { return stage == 0; }
  bool last_stage() const { return stage == stages - 1; }
  int prev_rank() const { return first_stage() ? -1 : rank - 1; }  // upstream stage
  int next_rank() const { return last_stage() ? -1 : rank + 1; }   // downstream stage
};

// Checks that N ranks can form groups of `stages` stages over a model of
// `n_layers` layers; throws InputError with the reason (stages < 1, N not a
// multiple of S, S larger than the number of layers).
PipelineLayout make_layout(int world, int rank, int stages, int n_layers);

// Contiguous, non-empty layer ranges, one per stage, that minimise the bytes of
// the heaviest stage. layer_bytes[l] is what layer l weighs; stage 0 also
// carries first_bytes (the embedding) and the last stage last_bytes (final norm
// and lm_head, the embedding again when the head is tied to it). Ties are
// broken towards earlier cuts, so the result is deterministic.
// Requires 1 <= stages <= layer_bytes.size().
std::vector<Range> balance_stages(const std::vector<int64_t>& layer_bytes, int64_t first_bytes,
                                  int64_t last_bytes, int stages);

// The ranks that share this node (MPI_COMM_TYPE_SHARED): a rank's GPU is
// cuda:local_rank, and CPU threads are shared among local_size ranks.
struct NodeRanks {
  int local_rank = 0;
  int local_size = 1;
};
NodeRanks node_ranks(MPI_Comm comm = MPI_COMM_WORLD);

// Refuses more ranks on a node than its GPUs can take at `ranks_per_gpu` ranks
// each (1: a GPU per rank), naming the numbers. `device` is the --device value,
// for the message.
void check_gpus_per_node(const std::string& device, int ranks_on_node, int gpus_on_node,
                         int ranks_per_gpu = 1);

// "rank 3 (group 1, stage 1 of 2, layers 6-11)": how messages name a rank.
std::string describe_rank(const PipelineLayout& layout, int rank, const Range& layers);

}  // namespace lmgaze::mpi
