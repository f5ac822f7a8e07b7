// `lmgaze extract`: word-level attention of every layer and head, and the
// next-token loss, of one checkpoint over one corpus (METHODS.md 2 and 7),
// on one rank or distributed over MPI ranks (METHODS.md 9).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace lmgaze {

// One attention file: the corpus as the model reads it after one prefix.
struct ExtractTarget {
  std::string out_path;
  std::string prefix;  // instruction prefix; empty = none
};

struct ExtractOptions {
  std::string model_dir;
  std::string text_path;
  // One file per condition (plain, instruction prefix, noise prefix, ...),
  // extracted one after the other with the weights loaded once.
  std::vector<ExtractTarget> targets;
  std::string dtype = "fp32";  // fp32 | fp16 | bf16 | fp64
  std::string device = "cpu";  // cpu | cuda (rank i of a node takes cuda:i) | cuda:N (one rank)
  int batch = 8;               // sentences per micro-batch (one forward pass)
  // length: a group's sentences sorted by token count before they are cut
  // into batches (little padding); file: consecutive sentences. The file's
  // order is the same either way (batch_order.hpp).
  std::string order = "length";
  bool timings = false;  // print each micro-batch's phases (forward, softmax, merge, copy, write)
  bool quiet = false;    // no progress or summary lines
  // Distribution over MPI_COMM_WORLD: N ranks = N / stages pipeline groups of
  // `stages` ranks each; a stage owns a contiguous range of layers.
  int stages = 1;
  int in_flight = 2;            // micro-batches a stage may send ahead of the next one
  double peer_timeout_s = 600;  // a pipeline peer silent this long has died or hangs
  int threads = 0;              // torch intra-op threads per rank; 0 = node's cores / its ranks
  // --device cuda: ranks of a node that share one GPU (rank i takes
  // cuda:(i / ranks_per_gpu)); 1 = a GPU per rank. Sharing suits models far
  // smaller than a GPU, and lets one GPU run any rank layout.
  int ranks_per_gpu = 1;

  // The tokenizer files to read (tokenizer.hpp) and the BOS rule (bos_choice.hpp).
  std::string tokenizer = "auto";  // auto | json | sentencepiece | bpe-files
  std::string bos = "auto";        // auto | yes | no

  // Called on every rank once targets[k]'s file is complete under its final
  // name (lmgaze run records that condition as done at once).
  std::function<void(size_t k)> target_done;
  // Asked on every rank (collectively) before each target after the first:
  // true ends the extraction there, the targets written so far kept.
  std::function<bool()> stop_requested;
};

// Thrown on every rank when the inputs, the rank layout or the weights are
// refused before extraction starts: the ranks agreed to stop together, so the
// job ends without MPI_Abort, and exactly one rank (reporter() true) holds the
// reason and prints it. A one-rank run throws the original InputError instead.
class ExtractRefused : public InputError {
 public:
  ExtractRefused(const std::string& what, bool reporter) : InputError(what), reporter_(reporter) {}
  bool reporter() const { return reporter_; }

 private:
  bool reporter_;
};

// Validates the inputs (every target's, before a weight is read), loads the
// weights once, and writes each target's attention file atomically
// (PATH.partial renamed to PATH once complete), in order. Collective over
// MPI_COMM_WORLD: every rank calls it with the same options. Throws InputError
// (ExtractRefused on more than one rank) for anything found before extraction
// starts; a failure during extraction on more than one rank prints one line
// naming the rank and its stage and aborts the job (MPI_Abort), leaving at
// most PATH.partial, never marked complete; targets written before it stay.
void run_extraction(const ExtractOptions& options);

}  // namespace lmgaze
