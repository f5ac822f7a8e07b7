// Hidden states between consecutive stages of a pipeline group (METHODS.md 9).
//
// Host-staged: the sender copies hidden [B, T, C] to a contiguous CPU tensor
// and sends its bytes with MPI point-to-point; the receiver gets them into a
// CPU tensor and the stage moves it to its device. This works with any MPI
// (CUDA-aware or not) and any device.
//
// Overlap: the sender keeps up to `in_flight` micro-batches on the wire and
// the receiver posts its receives that many micro-batches ahead, so stage k
// computes micro-batch m + 1 while stage k + 1 computes m.
//
// No shapes travel: both sides know the micro-batch schedule (the same
// sentences, hence the same [B, T]) and the model's C and dtype. Messages
// between one pair of ranks arrive in order (MPI's non-overtaking rule), so one
// tag serves every micro-batch.
//
// Every wait has a deadline: a peer that takes or sends nothing for
// `timeout_s` seconds has died or hangs, and PeerFailure names it.
#pragma once

#include <mpi.h>
#include <torch/types.h>

#include <deque>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace lmgaze {

class PeerFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LinkOptions {
  MPI_Comm comm = MPI_COMM_NULL;
  int peer = -1;          // the other stage's rank in comm
  std::string peer_name;  // "rank 1 (group 0, stage 1 of 2, layers 2-3)", for errors
  int in_flight = 2;      // micro-batches on the wire at once
  double timeout_s = 600;
};

class HiddenSender {
 public:
  // Hidden states travel as `dtype`, the model's, which the receiver expects.
  HiddenSender(LinkOptions options, torch::Dtype dtype) : o_(std::move(options)), dtype_(dtype) {}
  // Starts sending hidden [B, T, C] (any device); returns once at most
  // in_flight - 1 earlier sends are still pending.
  void send(const torch::Tensor& hidden);
  // Lets MPI move pending sends along without waiting (an MPI that copies
  // through shared memory needs the sender's calls to make progress).
  void poll();
  // Waits for every pending send, then for the downstream stage to report that
  // it (and every stage after it) has finished. `downstream_stages` bounds how
  // long that may legitimately take.
  void finish(int downstream_stages);

 private:
  struct Pending {
    torch::Tensor buffer;  // [B, T, C] on the CPU, alive until the send completes
    std::vector<MPI_Request> requests;
  };
  void wait_oldest();

  LinkOptions o_;
  torch::Dtype dtype_;
  std::deque<Pending> pending_;
};

class HiddenReceiver {
 public:
  // shapes: [B, T] of every micro-batch this stage will receive, in order;
  // hidden states are [B, T, hidden] of `dtype`.
  HiddenReceiver(LinkOptions options, std::vector<std::pair<int64_t, int64_t>> shapes,
                 int64_t hidden, torch::Dtype dtype);
  // The next micro-batch's hidden states [B, T, C] on the CPU.
  torch::Tensor receive();
  // Tells the upstream stage that this stage and those after it are done.
  void finish();

 private:
  struct Posted {
    torch::Tensor buffer;  // [B, T, C] on the CPU
    std::vector<MPI_Request> requests;
  };
  void post_next();

  LinkOptions o_;
  std::vector<std::pair<int64_t, int64_t>> shapes_;
  int64_t hidden_;
  torch::Dtype dtype_;
  size_t next_post_ = 0;
  std::deque<Posted> posted_;
};

}  // namespace lmgaze
