// The extraction driver: one rank, or N ranks in N / S pipeline groups of S
// stages (METHODS.md 9; layout in mpi/layout.hpp).
//
// Every rank runs the same steps:
//   1. plan      read corpus, config and tokenizer, tokenize, check the rank
//                layout, pick device and threads, cut the layers into stages
//                and the sentences into groups (no weights read yet);
//   2. load      its stage's weights only (stage.hpp);
//   3. open      the attention file, collectively (parallel HDF5);
//   4. extract   its group's micro-batches through its stage: receive hidden
//                states from the previous stage (or embed), run its layers,
//                send them on (hidden_link.hpp), and write the word-level
//                attention of its own layers straight into the file; the last
//                stage also writes /ntp and /tokens/n_tokens;
//   5. finish    barrier, then the `complete` flag and the rename.
// A failure in steps 1-3 is agreed on by all ranks, which stop together and
// report it once. A failure in step 4 leaves the other ranks mid-message, so
// the failing rank names itself and its stage and aborts the job.
#include "extract/extractor.hpp"

#include <c10/core/Event.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <torch/cuda.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "common/eta.hpp"
#include "common/inputs.hpp"
#include "extract/batch_order.hpp"
#include "extract/bos_choice.hpp"
#include "extract/hidden_link.hpp"
#include "extract/stage.hpp"
#include "extract/tokenized_corpus.hpp"
#include "extract/word_merge.hpp"
#include "extract/write_queue.hpp"
#include "io/atomic_output.hpp"
#include "io/attention_file.hpp"
#include "model/model_config.hpp"
#include "model/softmax_clock.hpp"
#include "mpi/comm.hpp"
#include "mpi/layout.hpp"
#include "mpi/partition.hpp"
#include "mpi/wait.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

torch::Dtype parse_dtype(const std::string& name) {
  if (name == "fp32") return torch::kFloat32;
  if (name == "fp16") return torch::kFloat16;
  if (name == "bf16") return torch::kBFloat16;
  if (name == "fp64") return torch::kFloat64;
  throw InputError("--dtype " + name + ": expected fp32, fp16, bf16 or fp64");
}

// --device cuda gives rank i of a node cuda:(i / ranks_per_gpu); --device
// cuda:N names one GPU, which only one rank per node can use.
torch::Device pick_device(const std::string& name, const mpi::NodeRanks& node, int ranks_per_gpu) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) != 0)
    throw InputError("--device " + name + ": expected cpu, cuda or cuda:N");
  if (!torch::cuda::is_available())
    throw InputError("--device " + name + ": this LibTorch sees no CUDA device");
  const int gpus = static_cast<int>(torch::cuda::device_count());
  if (name == "cuda") {
    mpi::check_gpus_per_node(name, node.local_size, gpus, ranks_per_gpu);
    return torch::Device(torch::kCUDA,
                         static_cast<c10::DeviceIndex>(node.local_rank / ranks_per_gpu));
  }
  if (node.local_size > 1)
    throw InputError("--device " + name + " names one GPU, but " + std::to_string(node.local_size) +
                     " ranks share this node; use --device cuda (rank i of a node takes cuda:i)");
  std::optional<torch::Device> device;
  try {
    device.emplace(name);
  } catch (const c10::Error&) {
    throw InputError("--device " + name + ": expected cpu, cuda or cuda:N");
  }
  if (device->index() >= gpus)
    throw InputError("--device " + name + ": this node has " + std::to_string(gpus) + " GPUs");
  return *device;
}

// Torch intra-op threads. Ranks on one node share its cores: each takes an
// equal share (at least one, at most the cores it may run on), so N ranks of
// one thread on N cores compare fairly with one rank of N threads.
int pick_threads(int requested, const mpi::NodeRanks& node) {
  if (requested > 0) return requested;
  cpu_set_t set;
  CPU_ZERO(&set);
  const int mine = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  const int share = static_cast<int>(std::max<long>(1, online / node.local_size));
  return std::max(1, std::min(mine, share));
}

// Sizes every thread pool a forward pass uses. Debian's LibTorch calls the
// system BLAS (OpenBLAS), whose pthread pool torch::set_num_threads does not
// size: left alone, every rank would start one BLAS thread per core and ranks
// sharing a node would oversubscribe it. Looked up at run time, so any BLAS
// (or none) links.
void use_threads(int n) {
  torch::set_num_threads(n);
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}

// One target file's share of the plan: the corpus as the model reads it after
// the target's prefix, and how those inputs are cut into micro-batches.
struct TargetPlan {
  ExtractTarget target;
  std::vector<TokenizedSentence> tokens;
  std::vector<int64_t> n_tokens;            // [sentences] model-input length of each
  std::vector<mpi::Range> group_sentences;  // [G] sentences of each group
  std::vector<Batch> batches;               // this group's micro-batches
  int64_t padded_tokens = 0;                // padding positions in every group's batches
};

// Everything a rank decides before it reads a weight. Every rank computes the
// same plan from the same inputs, except for the fields about itself.
struct Plan {
  Corpus corpus;
  ModelConfig config;
  std::unique_ptr<Tokenizer> tokenizer;
  BosChoice bos;
  SentenceTable table;
  torch::Dtype dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  int threads = 1;
  mpi::PipelineLayout layout;
  std::vector<mpi::Range> stage_layers;  // [S] layers of each stage
  std::vector<int64_t> stage_bytes;      // [S] weight bytes of each stage
  std::vector<TargetPlan> targets;       // in the order they are written

  const mpi::Range& my_layers() const { return stage_layers[layout.stage]; }
  std::string who(int rank) const {
    return mpi::describe_rank(layout, rank, stage_layers[layout.stage_of(rank)]);
  }
};

// Groups take contiguous sentence ranges holding equal shares of the tokens;
// each group cuts its range into micro-batches.
void cut_batches(TargetPlan& t, const mpi::PipelineLayout& layout, int batch, BatchOrder order) {
  std::vector<int64_t> token_offset = {0};
  for (const auto& s : t.tokens) {
    t.n_tokens.push_back(s.n_tokens());
    token_offset.push_back(token_offset.back() + s.n_tokens());
  }
  for (int g = 0; g < layout.groups; ++g) {
    t.group_sentences.push_back(mpi::weighted_range(token_offset, layout.groups, g));
    for (Batch& b : make_batches(t.n_tokens, t.group_sentences[g], batch, order)) {
      t.padded_tokens += padded_tokens(t.n_tokens, b);
      if (g == layout.group) t.batches.push_back(std::move(b));
    }
  }
}

Plan make_plan(const ExtractOptions& opt, int n_ranks, int rank, const mpi::NodeRanks& node) {
  if (opt.batch < 1) throw InputError("--batch must be at least 1");
  if (opt.in_flight < 1) throw InputError("--in-flight must be at least 1");
  if (!(opt.peer_timeout_s > 0)) throw InputError("--peer-timeout must be positive");
  if (opt.threads < 0) throw InputError("--threads must be 0 (automatic) or positive");
  Plan p;
  const BatchOrder order = parse_batch_order(opt.order);
  p.dtype = parse_dtype(opt.dtype);
  if (opt.ranks_per_gpu < 1) throw InputError("--ranks-per-gpu must be at least 1");
  p.device = pick_device(opt.device, node, opt.ranks_per_gpu);
  p.threads = pick_threads(opt.threads, node);

  p.corpus = read_corpus(opt.text_path);
  note_directory_inputs(opt.model_dir);  // no output may replace a checkpoint file
  p.config = read_model_config(opt.model_dir);
  p.tokenizer = load_tokenizer(opt.model_dir, parse_tokenizer_format(opt.tokenizer, "--tokenizer"));
  p.bos = choose_bos(*p.tokenizer, parse_bos_mode(opt.bos), read_config_token_ids(opt.model_dir));
  check_tokenizer_matches(*p.tokenizer, p.config.vocab_size, opt.model_dir, p.bos.id);
  if (opt.targets.empty()) throw InputError("extract: no output file given (--out)");
  for (size_t i = 0; i < opt.targets.size(); ++i) {
    const ExtractTarget& target = opt.targets[i];
    check_output_path(target.out_path);  // before a long extraction of the targets ahead of it
    for (size_t j = 0; j < i; ++j)
      if (same_file(opt.targets[j].out_path, target.out_path))
        throw InputError(target.out_path, "named by --out twice: one file per condition");
    TargetPlan t;
    t.target = target;
    t.tokens = tokenize_corpus(p.corpus, *p.tokenizer, target.prefix,
                               {p.config.vocab_size, p.config.max_positions}, p.bos.id);
    p.targets.push_back(std::move(t));
  }
  p.table = SentenceTable::from_corpus(p.corpus);
  p.layout = mpi::make_layout(n_ranks, rank, opt.stages, p.config.n_layers);

  // Stages balanced by the bytes they hold. A tied lm_head is the embedding
  // matrix, loaded again on the last stage (shared when S = 1).
  const ModelConfig& c = p.config;
  const int bytes = static_cast<int>(torch::elementSize(p.dtype));
  const std::vector<int64_t> layer_bytes(c.n_layers, parameter_bytes_per_layer(c, bytes));
  const int64_t embedding = n_embedding_params(c) * bytes;
  const int64_t tied = n_tied_head_params(c) * bytes;
  const int64_t head = n_head_params(c) * bytes + tied;
  p.stage_layers = mpi::balance_stages(layer_bytes, embedding, head, p.layout.stages);
  for (int k = 0; k < p.layout.stages; ++k) {
    const mpi::Range& r = p.stage_layers[k];
    int64_t b = static_cast<int64_t>(r.size()) * layer_bytes[0];
    if (k == 0) b += embedding;
    if (k == p.layout.stages - 1) b += p.layout.stages == 1 ? head - tied : head;
    p.stage_bytes.push_back(b);
  }

  for (TargetPlan& t : p.targets) cut_batches(t, p.layout, opt.batch, order);
  return p;
}

// Runs `step` on every rank of `comm`; if it throws InputError on any rank,
// every rank throws ExtractRefused and the first failing rank reports why
// (prefixed with `who`, when given). One rank: the original error.
void on_every_rank(MPI_Comm comm, const std::function<void()>& step, const std::string& who = "") {
  std::string error;
  bool failed = false;
  try {
    step();
  } catch (const InputError& e) {
    if (mpi::size(comm) == 1) throw;
    failed = true;
    error = who.empty() ? e.what() : who + ": " + e.what();
  }
  const int first = mpi::first_failed_rank(failed, comm);
  if (first < 0) return;
  const bool reporter = first == mpi::rank(comm);
  throw ExtractRefused(reporter ? error : "stopped: rank " + std::to_string(first) + " failed",
                       reporter);
}

int64_t max_tokens(const std::vector<TokenizedSentence>& sentences, const Batch& b) {
  int64_t t_max = 0;
  for (size_t s : b) t_max = std::max<int64_t>(t_max, sentences[s].n_tokens());
  return t_max;
}

// The ids of one micro-batch, row k for sentence b[k], right-padded to the
// longest. Padding id 0 is a valid id; causal attention keeps it invisible to
// real tokens, so no padding mask is needed (batchings change no value: tested).
torch::Tensor make_ids(const std::vector<TokenizedSentence>& sentences, const Batch& b) {
  torch::Tensor ids =
      torch::zeros({static_cast<int64_t>(b.size()), max_tokens(sentences, b)}, torch::kInt64);
  auto acc = ids.accessor<int64_t, 2>();  // [B, Tmax]
  for (size_t k = 0; k < b.size(); ++k)
    for (int t = 0; t < sentences[b[k]].n_tokens(); ++t) acc[k][t] = sentences[b[k]].ids[t];
  return ids;
}

void require_finite(const float* values, int64_t n, const std::string& what) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i])) throw InputError(what + ": attention is NaN or Inf");
}

std::string describe(const Corpus& corpus, size_t s) {
  const Sentence& x = corpus.sentences[s];
  return corpus.source + ":" + std::to_string(x.line) + ": sentence (" + std::to_string(x.article) +
         ", " + std::to_string(x.index) + ")";
}

// /tokens: what the model read, so that any result can be traced to its input.
void write_model_input(AttentionWriter& writer, const std::vector<TokenizedSentence>& tokens) {
  std::vector<int64_t> offset = {0}, ids;
  std::vector<int32_t> word;
  for (const auto& t : tokens) {
    ids.insert(ids.end(), t.ids.begin(), t.ids.end());
    word.insert(word.end(), t.token_word.begin(), t.token_word.end());
    offset.push_back(static_cast<int64_t>(ids.size()));
  }
  writer.write_token_table(offset, ids, word);
}

// Word-level matrices of one micro-batch for each layer of the stage, packed
// as the file stores them, the batch's sentences one after the other:
// [L, H, pairs of the batch] float32 on the model's device. The merge and the
// packing run where the model ran, so only the packed values leave it.
torch::Tensor merge_attention(const Plan& p, const TargetPlan& t, const Batch& b,
                              const std::vector<torch::Tensor>& attention) {
  std::vector<const std::vector<int>*> token_word;
  std::vector<int> n_words;
  int64_t n_pairs = 0;
  for (size_t s : b) {
    token_word.push_back(&t.tokens[s].token_word);
    n_words.push_back(p.table.n_words[s]);
    n_pairs += p.table.pair_offset[s + 1] - p.table.pair_offset[s];
  }
  const BatchWordMerge merge(token_word, n_words, attention.front().size(2), p.device);
  if (merge.pairs() != n_pairs) throw std::logic_error("word merge and sentence table disagree");
  // Every layer in one merge, the layers taken as more heads: a handful of
  // kernels per micro-batch instead of a handful per layer (on a GPU each is
  // a launch), for one more copy of the batch's probabilities.
  const int64_t L = static_cast<int64_t>(attention.size());
  const int64_t B = attention.front().size(0), H = attention.front().size(1);
  const int64_t T = attention.front().size(2);
  const torch::Tensor layers = torch::stack(attention, 1)    // [B, L, H, T, T]
                                   .view({B, L * H, T, T});  // [B, L*H, T, T]
  return merge.pack(layers).view({L, H, n_pairs});           // [L*H, pairs] -> [L, H, pairs]
}

// A micro-batch's results on the host, for the writer.
struct HostCopy {
  torch::Tensor attention;            // [L, H, pairs of the batch] float32
  torch::Tensor nll;                  // [B, Tmax-1] float64 (last stage), else undefined
  std::shared_ptr<c10::Event> ready;  // CUDA: recorded after both copies were queued

  // Returns once the copies have landed (at once on the CPU).
  void wait() const {
    if (ready)
      while (!ready->query()) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
};

// On CUDA the copies go into page-locked host memory without waiting
// (non_blocking), so that the host goes on to queue the next batch's forward
// at once; the writer thread waits for the copies' event before it reads.
// That path has not run on a GPU yet (README, "GPU").
HostCopy to_host(const torch::Tensor& merged, const torch::Tensor& nll) {
  HostCopy c;
  if (!merged.is_cuda()) {
    c.attention = merged.to(torch::kCPU).contiguous();
    if (nll.defined()) c.nll = nll.to(torch::kCPU, torch::kFloat64);
    return c;
  }
  const auto pinned_copy = [](const torch::Tensor& t) {
    torch::Tensor host =
        torch::empty(t.sizes(), torch::TensorOptions().dtype(t.scalar_type()).pinned_memory(true));
    host.copy_(t, /*non_blocking=*/true);
    return host;
  };
  c.attention = pinned_copy(merged);
  if (nll.defined()) c.nll = pinned_copy(nll.to(torch::kFloat64));
  c.ready = std::make_shared<c10::Event>(c10::DeviceType::CUDA);
  c.ready->record(c10::impl::VirtualGuardImpl(c10::DeviceType::CUDA).getStream(merged.device()));
  return c;
}

// Writes the merged [L, H, pairs of the batch] matrices (on the host) after
// checking that every value is finite: one write per layer, of every run of
// consecutive sentences of the batch at once (one run in file order, up to one
// per sentence in length order). Plain loops, no torch operation: this runs on
// the writer thread, outside the forward's inference mode and thread pools.
void write_attention(const Plan& p, const Batch& b, const torch::Tensor& merged,
                     AttentionWriter& writer) {
  const int64_t H = p.config.n_heads;
  const int64_t n_pairs = merged.size(2);
  std::vector<h5::ColumnRun> pair_runs;
  for (const mpi::Range& run : consecutive_runs(b))
    pair_runs.push_back({p.table.pair_offset[run.begin],
                         p.table.pair_offset[run.end] - p.table.pair_offset[run.begin]});
  for (int64_t i = 0; i < merged.size(0); ++i) {
    const int l = static_cast<int>(p.my_layers().begin + i);
    const float* block = merged.data_ptr<float>() + i * H * n_pairs;  // [H, pairs of the batch]
    int64_t column = 0;
    for (size_t s : b) {
      const int64_t n = p.table.pair_offset[s + 1] - p.table.pair_offset[s];
      for (int64_t h = 0; h < H; ++h)
        require_finite(block + h * n_pairs + column, n,
                       describe(p.corpus, s) + ", layer " + std::to_string(l));
      column += n;
    }
    writer.write_layer_runs(l, pair_runs, block);
  }
}

// /ntp and /tokens/n_tokens of one micro-batch (last stage), one write per run
// of consecutive sentences. nll [B, Tmax-1] float64 on the host: the
// next-token losses of the batch, row k for sentence b[k].
void write_loss(const Plan& p, const TargetPlan& target, const Batch& b, const torch::Tensor& nll,
                AttentionWriter& writer) {
  auto acc = nll.accessor<double, 2>();
  size_t k = 0;  // row of the batch
  for (const mpi::Range& run : consecutive_runs(b)) {
    std::vector<double> nll_sum;
    std::vector<int64_t> n_predicted, n_sentence_tokens;
    for (size_t s = run.begin; s < run.end; ++s, ++k) {
      const TokenizedSentence& t = target.tokens[s];
      double sum = 0;
      // Token q is predicted from position q - 1 (nll column q - 1).
      for (int q = t.first_predicted(); q < t.n_tokens(); ++q) sum += acc[k][q - 1];
      if (!std::isfinite(sum))
        throw InputError(describe(p.corpus, s) + ": next-token loss is NaN or Inf");
      nll_sum.push_back(sum);
      n_predicted.push_back(t.n_predicted());
      n_sentence_tokens.push_back(t.n_sentence_tokens());
    }
    writer.write_ntp(static_cast<int64_t>(run.begin), nll_sum, n_predicted);
    writer.write_token_counts(static_cast<int64_t>(run.begin), n_sentence_tokens);
  }
}

// Wall-clock seconds of one micro-batch's phases (--timings): the forward
// (embedding, layers, lm_head and loss) without the attention softmax, the
// softmax, the word merge, the copy to the host, and the writer's checks and
// HDF5 writes (on the writer thread, overlapping the next batch).
struct BatchTimes {
  double forward = 0, softmax = 0, merge = 0, copy = 0, write = 0;
};

// Where a rank's extraction time went, in seconds: the model (forward, merge,
// copies to the host), the file (waiting for the writer: what the writes do
// not overlap), the links to pipeline neighbours (waiting for and sending
// hidden states), and the writer's own time.
struct StageTimes {
  double model = 0, file = 0, links = 0;
  double writes = 0;
  std::vector<BatchTimes> batches;
};

// Micro-batches the writer may hold besides the one it writes: bounds the host
// memory of results waiting for the disk.
constexpr size_t kWaitingBatches = 2;

// Runs f and adds its duration to *total.
template <class F>
auto timed(double* total, F&& f) {
  const auto t = Clock::now();
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    *total += seconds_since(t);
  } else {
    auto result = f();
    *total += seconds_since(t);
    return result;
  }
}

// Step 4 for this rank: its group's micro-batches through its stage.
StageTimes run_stage(const Plan& p, const TargetPlan& t, StageModel& model, AttentionWriter& writer,
                     MPI_Comm links, const ExtractOptions& opt, const std::string& model_name) {
  StageTimes times;
  times.batches.resize(t.batches.size());
  double written = 0;  // the writer's seconds: its thread's only until queue.finish()
  const mpi::PipelineLayout& L = p.layout;
  std::optional<HiddenReceiver> from_prev;
  std::optional<HiddenSender> to_next;
  if (!L.first_stage()) {
    std::vector<std::pair<int64_t, int64_t>> shapes;  // [B, Tmax] of each micro-batch
    for (const Batch& b : t.batches)
      shapes.emplace_back(static_cast<int64_t>(b.size()), max_tokens(t.tokens, b));
    from_prev.emplace(
        LinkOptions{links, L.prev_rank(), p.who(L.prev_rank()), opt.in_flight, opt.peer_timeout_s},
        std::move(shapes), p.config.hidden, p.dtype);
  }
  if (!L.last_stage())
    to_next.emplace(
        LinkOptions{links, L.next_rank(), p.who(L.next_rank()), opt.in_flight, opt.peer_timeout_s},
        p.dtype);

  // --timings on CUDA: the device is waited for at each phase boundary, so that
  // each phase is charged its own work (which slows the run a little).
  const bool wait_device = opt.timings && p.device.is_cuda();
  const auto wait = [&] {
    if (wait_device) torch::cuda::synchronize(p.device.index());
  };
  SoftmaxClock& softmax = softmax_clock();
  softmax.on = opt.timings;
  softmax.wait = nullptr;
  if (wait_device) softmax.wait = [index = p.device.index()] { torch::cuda::synchronize(index); };
  // Runs f as one phase of a batch: its seconds go to *phase_s and to the model's.
  const auto phase = [&](double* phase_s, auto&& f) {
    wait();
    const auto t = Clock::now();
    auto result = f();
    wait();
    const double s = seconds_since(t);
    *phase_s += s;
    times.model += s;
    return result;
  };
  // The writer thread writes batch i while the model computes batch i + 1. A
  // parallel file writes through MPI, which lmgaze initialises for the main
  // thread only: with more than one rank the writes stay on this thread.
  WriteQueue queue(kWaitingBatches, /*threaded=*/L.world == 1);

  const auto start = Clock::now();
  const mpi::Range& mine = t.group_sentences[L.group];
  int64_t tokens_done = 0;
  size_t sentences_done = 0;
  for (size_t i = 0; i < t.batches.size(); ++i) {
    const Batch& b = t.batches[i];
    BatchTimes& bt = times.batches[i];
    torch::Tensor ids = make_ids(t.tokens, b);  // [B, Tmax]
    const double softmax_before = softmax.seconds;
    torch::Tensor hidden =  // [B, Tmax, C]
        L.first_stage() ? phase(&bt.forward, [&] { return model.embed(ids.to(p.device)); })
                        : timed(&times.links, [&] { return from_prev->receive(); });
    std::vector<torch::Tensor> attention;  // per layer [B, H, Tmax, Tmax] float32
    hidden = phase(&bt.forward, [&] { return model.run_layers(hidden, &attention); });
    // Send first: the next stage computes while this one merges and writes.
    if (to_next) timed(&times.links, [&] { to_next->send(hidden); });
    const torch::Tensor merged =  // [L, H, pairs of the batch]
        phase(&bt.merge, [&] { return merge_attention(p, t, b, attention); });
    attention.clear();
    torch::Tensor nll;  // [B, Tmax-1]
    if (L.last_stage())
      nll =
          phase(&bt.forward, [&] { return next_token_nll(model.head(hidden), ids.to(p.device)); });
    bt.softmax = softmax.seconds - softmax_before;
    bt.forward -= bt.softmax;
    const HostCopy copy = phase(&bt.copy, [&] { return to_host(merged, nll); });
    timed(&times.file, [&] {
      queue.push([&p, &t, &writer, &bt, &written, b, copy] {
        const auto began = Clock::now();
        copy.wait();
        write_attention(p, b, copy.attention, writer);
        if (copy.nll.defined()) write_loss(p, t, b, copy.nll, writer);
        bt.write = seconds_since(began);
        written += bt.write;
      });
    });
    if (to_next) timed(&times.links, [&] { to_next->poll(); });

    sentences_done += b.size();
    for (size_t s : b) tokens_done += t.n_tokens[s];
    if (!opt.quiet && L.rank == 0) {
      // Rank 0 is in group 0, and the groups' shares are balanced by tokens: the
      // time left of group 0 is the time left of the extraction.
      int64_t tokens_mine = 0;
      for (size_t s = mine.begin; s < mine.end; ++s) tokens_mine += t.tokens[s].n_tokens();
      const double elapsed = seconds_since(start);
      std::cerr << "\rextract " << model_name << ": " << sentences_done << "/" << mine.size()
                << " sentences"
                << (L.groups > 1 ? " (group 0 of " + std::to_string(L.groups) + ")" : "") << ", "
                << static_cast<int64_t>(tokens_done / std::max(elapsed, 1e-9)) << " tokens/s, "
                << format_eta(seconds_left(static_cast<double>(tokens_done),
                                           static_cast<double>(tokens_mine), elapsed))
                << "   " << std::flush;  // blanks: the \r-rewritten line may get shorter
    }
  }
  timed(&times.file, [&] { queue.finish(); });
  times.writes = written;
  // Completion flows from the last stage back to the first.
  timed(&times.links, [&] {
    if (to_next) to_next->finish(L.stages - 1 - L.stage);
    if (from_prev) from_prev->finish();
  });
  return times;
}

// A failure during extraction: the other ranks wait on messages or collective
// file operations, so unwinding (which would close the parallel file
// collectively) could hang. Name the rank and stage and take the job down.
[[noreturn]] void abort_job(const Plan& p, const std::string& what, int code) {
  std::cerr << "\nlmgaze: " << p.who(p.layout.rank) << ": " << what << std::endl;
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();  // MPI_Abort does not return
}

// Resident set size now, in bytes (Linux /proc/self/statm).
double rss_now() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Peak resident set size of this process so far, in bytes.
double rss_peak() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;  // Linux reports KiB
}

std::string mb(double bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << bytes / 1e6 << " MB";
  return s.str();
}

// Rank 0 says which rank holds what (so any rank named in an error can be
// placed), before anything is loaded.
void print_layout(const Plan& p, const std::string& model_name, const ExtractOptions& opt) {
  const mpi::PipelineLayout& L = p.layout;
  std::cerr << "extract " << model_name << ": " << L.world << " rank" << (L.world > 1 ? "s" : "")
            << " = " << L.groups << " group" << (L.groups > 1 ? "s" : "") << " x " << L.stages
            << " stage" << (L.stages > 1 ? "s" : "") << ", " << p.device.str() << " " << opt.dtype
            << ", " << p.threads << " thread" << (p.threads > 1 ? "s" : "")
            << " per rank, micro-batches of " << opt.batch << "\n";
  for (int k = 0; k < L.stages; ++k) {
    const mpi::Range& r = p.stage_layers[k];
    std::cerr << "  stage " << k << ": "
              << (r.size() == 1
                      ? "layer " + std::to_string(r.begin)
                      : "layers " + std::to_string(r.begin) + "-" + std::to_string(r.end - 1))
              << (k == 0 ? " + embedding" : "") << (k == L.stages - 1 ? " + norm + lm_head" : "")
              << ", " << mb(static_cast<double>(p.stage_bytes[k])) << " of weights, ranks";
    for (int g = 0; g < L.groups; ++g) std::cerr << " " << L.rank_of(g, k);
    std::cerr << "\n";
  }
}

// Rank 0 says once how long the weights took to load: the slowest rank's
// seconds, and the checkpoint bytes every rank read (as stored, whatever the
// run dtype; a tied lm_head counted on each stage that holds it), so GB/s is
// what the job read from its checkpoint.
void print_load(const Plan& p, const StageModel& model, double load_s,
                const std::string& model_name) {
  const mpi::PipelineLayout& L = p.layout;
  double slowest = 0, bytes = 0;
  const double mine = static_cast<double>(model.bytes_read());
  MPI_Reduce(&load_s, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Reduce(&mine, &bytes, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (L.rank != 0) return;
  std::cerr << "extract " << model_name << ": loaded " << std::fixed << std::setprecision(3)
            << bytes / 1e9 << " GB of weights in " << slowest << " s ("
            << bytes / 1e9 / std::max(slowest, 1e-9) << " GB/s), once for " << p.targets.size()
            << " condition" << (p.targets.size() > 1 ? "s" : "") << "\n";
}

// Rank 0 prints every rank's memory and the throughput: the evidence that a
// stage holds only its share of the model.
void print_summary(const Plan& p, const TargetPlan& t, double rss_before_load, double load_s,
                   double extract_s, const StageTimes& times, const std::string& model_name,
                   const ExtractOptions& opt) {
  const mpi::PipelineLayout& L = p.layout;
  constexpr int kN = 7;
  double mine[kN] = {rss_before_load,
                     rss_peak(),
                     static_cast<double>(p.stage_bytes[L.stage]),  // bytes
                     times.model,
                     times.file,
                     times.links,
                     times.writes};  // seconds
  std::vector<double> all(L.rank == 0 ? kN * L.world : 0);
  MPI_Gather(mine, kN, MPI_DOUBLE, all.data(), kN, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (L.rank != 0) return;
  int64_t tokens = 0;
  for (const auto& s : t.tokens) tokens += s.n_tokens();
  std::cerr << "\nextract " << model_name << ": " << t.tokens.size() << " sentences, " << tokens
            << " tokens in " << std::fixed << std::setprecision(3) << extract_s << " s ("
            << std::setprecision(0) << tokens / std::max(extract_s, 1e-9) << " tokens/s); loading "
            << std::setprecision(3) << load_s << " s\n";
  std::cerr << "  batches of up to " << opt.batch << " sentences in " << opt.order
            << " order: " << t.padded_tokens << " padding tokens (" << std::setprecision(1)
            << 100.0 * t.padded_tokens / std::max<int64_t>(1, tokens + t.padded_tokens)
            << "% of the positions computed)\n";
  for (int r = 0; r < L.world; ++r) {
    const double* v = all.data() + kN * r;
    std::cerr << "  " << p.who(r) << ": weights " << mb(v[2]) << ", peak RSS " << mb(v[1]) << " ("
              << mb(v[0]) << " before loading); model " << std::setprecision(3) << v[3]
              << " s, file " << v[4] << " s, links " << v[5] << " s; writes " << v[6]
              << " s on the " << (L.world == 1 ? "writer thread" : "main thread") << "\n";
  }
}

// --timings: every rank prints the phases of each of its micro-batches, then
// their sums, in milliseconds.
void print_timings(const Plan& p, const TargetPlan& t, const StageTimes& times) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(2);
  const std::string who = "timings " + p.who(p.layout.rank) + ": ";
  const auto phases = [&](const BatchTimes& bt) {
    out << "forward " << 1e3 * bt.forward << " ms, softmax " << 1e3 * bt.softmax << " ms, merge "
        << 1e3 * bt.merge << " ms, copy " << 1e3 * bt.copy << " ms, write " << 1e3 * bt.write
        << " ms\n";
  };
  BatchTimes sum;
  for (size_t i = 0; i < t.batches.size(); ++i) {
    const Batch& b = t.batches[i];
    const BatchTimes& bt = times.batches[i];
    int64_t tokens = 0;
    for (size_t s : b) tokens += t.n_tokens[s];
    out << who << "batch " << i << ", " << b.size() << " sentences, " << tokens << " tokens + "
        << padded_tokens(t.n_tokens, b) << " padding: ";
    phases(bt);
    sum.forward += bt.forward;
    sum.softmax += bt.softmax;
    sum.merge += bt.merge;
    sum.copy += bt.copy;
    sum.write += bt.write;
  }
  out << who << "all " << t.batches.size() << " batches: ";
  phases(sum);
  std::cerr << out.str() << std::flush;
}

}  // namespace

void run_extraction(const ExtractOptions& opt) {
  const MPI_Comm world = MPI_COMM_WORLD;
  const int n_ranks = mpi::size(world);
  // Collective set-up first, before anything can throw on one rank only.
  const mpi::NodeRanks node = mpi::node_ranks(world);
  MPI_Comm links;  // pipeline messages, apart from anything else on the world
  MPI_Comm_dup(world, &links);

  Plan p;
  on_every_rank(world, [&] { p = make_plan(opt, n_ranks, mpi::rank(world), node); });
  use_threads(p.threads);

  AttentionMeta meta;
  meta.model_path = std::filesystem::absolute(opt.model_dir).string();
  meta.model_name = std::filesystem::path(opt.model_dir).lexically_normal().filename().string();
  if (meta.model_name.empty())
    meta.model_name = std::filesystem::path(opt.model_dir).parent_path().filename().string();
  meta.model_type = p.config.model_type;
  meta.dtype = opt.dtype;
  meta.tokenizer = p.tokenizer->kind();
  meta.tokenizer_hash = hash_tokenizer_files(*p.tokenizer);
  meta.bos_rule = p.bos.rule;
  // Printed even with --quiet: the input the model reads may not be the one it was trained on.
  if (!p.bos.warning.empty() && mpi::rank(world) == 0)
    std::cerr << "lmgaze: warning: " << meta.model_name << ": " << p.bos.warning << std::endl;
  meta.text = std::filesystem::absolute(opt.text_path).string();
  meta.n_layers = p.config.n_layers;
  meta.n_heads = p.config.n_heads;
  meta.n_params = n_params(p.config);
  meta.model_spec = describe_model(p.config);
  meta.model_defaults = describe_defaults(p.config);
  if (!opt.quiet && n_ranks > 1 && p.layout.rank == 0) print_layout(p, meta.model_name, opt);

  torch::InferenceMode inference;
  const double rss_before_load = rss_now();
  const auto load_start = Clock::now();
  std::unique_ptr<StageModel> model;
  on_every_rank(
      world,
      [&] {
        LoadOptions load;
        load.dtype = p.dtype;
        load.device = p.device;
        const mpi::Range& r = p.my_layers();
        model = std::make_unique<StageModel>(
            opt.model_dir, load,
            StageSpec{static_cast<int>(r.begin), static_cast<int>(r.end), p.layout.first_stage(),
                      p.layout.last_stage()});
      },
      n_ranks > 1 ? p.who(p.layout.rank) : "");
  const double load_s = seconds_since(load_start);

  if (!opt.quiet) print_load(p, *model, load_s, meta.model_name);

  for (size_t k = 0; k < p.targets.size(); ++k) {
    if (k > 0 && opt.stop_requested && opt.stop_requested()) break;
    const TargetPlan& t = p.targets[k];
    meta.prefix = t.target.prefix;
    if (!opt.quiet && p.layout.rank == 0 && p.targets.size() > 1)
      std::cerr << "extract " << meta.model_name << ": condition " << k + 1 << " of "
                << p.targets.size() << " -> " << t.target.out_path << " (prefix \""
                << t.target.prefix << "\")\n";
    std::optional<AttentionWriter> writer;
    on_every_rank(world, [&] {
      if (n_ranks == 1)
        writer.emplace(t.target.out_path, meta, p.table);
      else
        writer.emplace(t.target.out_path, meta, p.table, world);
      write_model_input(*writer, t.tokens);
    });

    const auto start = Clock::now();
    StageTimes times;
    try {
      times = run_stage(p, t, *model, *writer, links, opt, meta.model_name);
    } catch (const InputError& e) {
      if (n_ranks == 1) throw;
      abort_job(p, e.what(), 2);
    } catch (const std::exception& e) {
      if (n_ranks == 1) throw;
      abort_job(p, e.what(), 3);
    }
    // Every rank's blocks are in before the file is marked complete.
    mpi::quiet_barrier(world);
    const double extract_s = seconds_since(start);
    writer->finish();
    if (!opt.quiet)
      print_summary(p, t, rss_before_load, load_s, extract_s, times, meta.model_name, opt);
    if (opt.timings) print_timings(p, t, times);
    if (opt.target_done) opt.target_done(k);
  }
  MPI_Comm_free(&links);
}

}  // namespace lmgaze
