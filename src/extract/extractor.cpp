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

#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <torch/torch.h>
#include <unistd.h>

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
#include <type_traits>

#include "common/eta.hpp"
#include "common/inputs.hpp"
#include "extract/bos_choice.hpp"
#include "extract/hidden_link.hpp"
#include "extract/stage.hpp"
#include "extract/tokenized_corpus.hpp"
#include "extract/word_merge.hpp"
#include "io/attention_file.hpp"
#include "model/model_config.hpp"
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

// Everything a rank decides before it reads a weight. Every rank computes the
// same plan from the same inputs, except for the fields about itself.
struct Plan {
  Corpus corpus;
  ModelConfig config;
  std::unique_ptr<Tokenizer> tokenizer;
  BosChoice bos;
  std::vector<TokenizedSentence> tokens;
  SentenceTable table;
  torch::Dtype dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  int threads = 1;
  mpi::PipelineLayout layout;
  std::vector<mpi::Range> stage_layers;     // [S] layers of each stage
  std::vector<int64_t> stage_bytes;         // [S] weight bytes of each stage
  std::vector<mpi::Range> group_sentences;  // [G] sentences of each group
  std::vector<mpi::Range> batches;          // this group's micro-batches

  const mpi::Range& my_layers() const { return stage_layers[layout.stage]; }
  std::string who(int rank) const {
    return mpi::describe_rank(layout, rank, stage_layers[layout.stage_of(rank)]);
  }
};

Plan make_plan(const ExtractOptions& opt, int n_ranks, int rank, const mpi::NodeRanks& node) {
  if (opt.batch < 1) throw InputError("--batch must be at least 1");
  if (opt.in_flight < 1) throw InputError("--in-flight must be at least 1");
  if (!(opt.peer_timeout_s > 0)) throw InputError("--peer-timeout must be positive");
  if (opt.threads < 0) throw InputError("--threads must be 0 (automatic) or positive");
  Plan p;
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
  p.tokens = tokenize_corpus(p.corpus, *p.tokenizer, opt.prefix,
                             {p.config.vocab_size, p.config.max_positions}, p.bos.id);
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

  // Groups take contiguous sentence ranges holding equal shares of the tokens.
  std::vector<int64_t> token_offset = {0};
  for (const auto& t : p.tokens) token_offset.push_back(token_offset.back() + t.n_tokens());
  for (int g = 0; g < p.layout.groups; ++g)
    p.group_sentences.push_back(mpi::weighted_range(token_offset, p.layout.groups, g));
  const mpi::Range& mine = p.group_sentences[p.layout.group];
  for (size_t s0 = mine.begin; s0 < mine.end; s0 += opt.batch)
    p.batches.push_back({s0, std::min(mine.end, s0 + static_cast<size_t>(opt.batch))});
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

int64_t max_tokens(const std::vector<TokenizedSentence>& sentences, mpi::Range r) {
  int64_t t_max = 0;
  for (size_t s = r.begin; s < r.end; ++s)
    t_max = std::max<int64_t>(t_max, sentences[s].n_tokens());
  return t_max;
}

// The ids of one micro-batch, sentences r, right-padded to the longest.
// Padding id 0 is a valid id; causal attention keeps it invisible to real
// tokens, so no padding mask is needed (batchings change no value: tested).
torch::Tensor make_ids(const std::vector<TokenizedSentence>& sentences, mpi::Range r) {
  torch::Tensor ids =
      torch::zeros({static_cast<int64_t>(r.size()), max_tokens(sentences, r)}, torch::kInt64);
  auto acc = ids.accessor<int64_t, 2>();  // [B, Tmax]
  for (size_t s = r.begin; s < r.end; ++s)
    for (int t = 0; t < sentences[s].n_tokens(); ++t) acc[s - r.begin][t] = sentences[s].ids[t];
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
// as the file stores them. The merge and the packing run where the model ran,
// so only the packed values are copied to the host.
torch::Tensor pack_attention(const Plan& p, mpi::Range b,
                             const std::vector<torch::Tensor>& attention) {
  std::vector<const std::vector<int>*> token_word;
  std::vector<int> n_words;
  for (size_t s = b.begin; s < b.end; ++s) {
    token_word.push_back(&p.tokens[s].token_word);
    n_words.push_back(p.table.n_words[s]);
  }
  const BatchWordMerge merge(token_word, n_words, attention.front().size(2), p.device);
  const int64_t n_pairs = p.table.pair_offset[b.end] - p.table.pair_offset[b.begin];
  if (merge.pairs() != n_pairs) throw std::logic_error("word merge and sentence table disagree");
  std::vector<torch::Tensor> packed;  // per layer [H, pairs]
  for (const torch::Tensor& a : attention) packed.push_back(merge.pack(a));
  return torch::stack(packed).to(torch::kCPU).contiguous();  // [L, H, pairs]
}

// Writes the packed [L, H, pairs of the batch] matrices, one block per layer,
// after checking that every value is finite.
void write_attention(const Plan& p, mpi::Range b, const torch::Tensor& packed,
                     AttentionWriter& writer) {
  const int H = p.config.n_heads;
  const int64_t p0 = p.table.pair_offset[b.begin];
  const int64_t n_pairs = p.table.pair_offset[b.end] - p0;
  for (int64_t i = 0; i < packed.size(0); ++i) {
    const int l = static_cast<int>(p.my_layers().begin + i);
    const float* block = packed[i].data_ptr<float>();
    for (size_t s = b.begin; s < b.end; ++s)
      for (int h = 0; h < H; ++h)
        require_finite(block + h * n_pairs + (p.table.pair_offset[s] - p0),
                       p.table.pair_offset[s + 1] - p.table.pair_offset[s],
                       describe(p.corpus, s) + ", layer " + std::to_string(l));
    writer.write_layer_block(l, p0, n_pairs, block);
  }
}

// /ntp and /tokens/n_tokens of one micro-batch (last stage).
// nll [B, Tmax-1] float64 on the host: the next-token losses of the batch.
void write_loss(const Plan& p, mpi::Range b, const torch::Tensor& nll, AttentionWriter& writer) {
  auto acc = nll.accessor<double, 2>();
  std::vector<double> nll_sum;
  std::vector<int64_t> n_predicted, n_sentence_tokens;
  for (size_t s = b.begin; s < b.end; ++s) {
    const TokenizedSentence& t = p.tokens[s];
    double sum = 0;
    // Token q is predicted from position q - 1 (nll column q - 1).
    for (int q = t.first_predicted(); q < t.n_tokens(); ++q) sum += acc[s - b.begin][q - 1];
    if (!std::isfinite(sum))
      throw InputError(describe(p.corpus, s) + ": next-token loss is NaN or Inf");
    nll_sum.push_back(sum);
    n_predicted.push_back(t.n_predicted());
    n_sentence_tokens.push_back(t.n_sentence_tokens());
  }
  writer.write_ntp(static_cast<int64_t>(b.begin), nll_sum, n_predicted);
  writer.write_token_counts(static_cast<int64_t>(b.begin), n_sentence_tokens);
}

// Where a rank's extraction time went, in seconds: the model (forward, merge,
// copies to the host), the file (checks and HDF5 writes), and the links to
// pipeline neighbours (waiting for and sending hidden states).
struct StageTimes {
  double model = 0, file = 0, links = 0;
};

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
StageTimes run_stage(const Plan& p, StageModel& model, AttentionWriter& writer, MPI_Comm links,
                     const ExtractOptions& opt, const std::string& model_name) {
  StageTimes times;
  const mpi::PipelineLayout& L = p.layout;
  std::optional<HiddenReceiver> from_prev;
  std::optional<HiddenSender> to_next;
  if (!L.first_stage()) {
    std::vector<std::pair<int64_t, int64_t>> shapes;  // [B, Tmax] of each micro-batch
    for (const mpi::Range& b : p.batches)
      shapes.emplace_back(static_cast<int64_t>(b.size()), max_tokens(p.tokens, b));
    from_prev.emplace(
        LinkOptions{links, L.prev_rank(), p.who(L.prev_rank()), opt.in_flight, opt.peer_timeout_s},
        std::move(shapes), p.config.hidden, p.dtype);
  }
  if (!L.last_stage())
    to_next.emplace(
        LinkOptions{links, L.next_rank(), p.who(L.next_rank()), opt.in_flight, opt.peer_timeout_s},
        p.dtype);

  const auto start = Clock::now();
  const mpi::Range& mine = p.group_sentences[L.group];
  int64_t tokens_done = 0;
  for (const mpi::Range& b : p.batches) {
    torch::Tensor ids = make_ids(p.tokens, b);  // [B, Tmax]
    torch::Tensor hidden =                      // [B, Tmax, C]
        L.first_stage() ? timed(&times.model, [&] { return model.embed(ids.to(p.device)); })
                        : timed(&times.links, [&] { return from_prev->receive(); });
    std::vector<torch::Tensor> attention;  // per layer [B, H, Tmax, Tmax] float32
    hidden = timed(&times.model, [&] { return model.run_layers(hidden, &attention); });
    // Send first: the next stage computes while this one merges and writes.
    if (to_next) timed(&times.links, [&] { to_next->send(hidden); });
    const torch::Tensor packed =
        timed(&times.model, [&] { return pack_attention(p, b, attention); });  // [L, H, pairs]
    attention.clear();
    timed(&times.file, [&] { write_attention(p, b, packed, writer); });
    if (L.last_stage()) {
      const torch::Tensor nll = timed(&times.model, [&] {
        return next_token_nll(model.head(hidden), ids.to(p.device))
            .to(torch::kCPU, torch::kFloat64);  // [B, Tmax-1]
      });
      timed(&times.file, [&] { write_loss(p, b, nll, writer); });
    }
    if (to_next) timed(&times.links, [&] { to_next->poll(); });

    for (size_t s = b.begin; s < b.end; ++s) tokens_done += p.tokens[s].n_tokens();
    if (!opt.quiet && L.rank == 0) {
      // Rank 0 is in group 0, and the groups' shares are balanced by tokens: the
      // time left of group 0 is the time left of the extraction.
      int64_t tokens_mine = 0;
      for (size_t s = mine.begin; s < mine.end; ++s) tokens_mine += p.tokens[s].n_tokens();
      const double elapsed = seconds_since(start);
      std::cerr << "\rextract " << model_name << ": " << b.end - mine.begin << "/" << mine.size()
                << " sentences"
                << (L.groups > 1 ? " (group 0 of " + std::to_string(L.groups) + ")" : "") << ", "
                << static_cast<int64_t>(tokens_done / std::max(elapsed, 1e-9)) << " tokens/s, "
                << format_eta(seconds_left(static_cast<double>(tokens_done),
                                           static_cast<double>(tokens_mine), elapsed))
                << "   " << std::flush;  // blanks: the \r-rewritten line may get shorter
    }
  }
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

// Rank 0 prints every rank's memory and the throughput: the evidence that a
// stage holds only its share of the model.
void print_summary(const Plan& p, double rss_before_load, double load_s, double extract_s,
                   const StageTimes& times, const std::string& model_name) {
  const mpi::PipelineLayout& L = p.layout;
  constexpr int kN = 6;
  double mine[kN] = {rss_before_load,
                     rss_peak(),
                     static_cast<double>(p.stage_bytes[L.stage]),  // bytes
                     times.model,
                     times.file,
                     times.links};  // seconds
  std::vector<double> all(L.rank == 0 ? kN * L.world : 0);
  MPI_Gather(mine, kN, MPI_DOUBLE, all.data(), kN, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (L.rank != 0) return;
  int64_t tokens = 0;
  for (const auto& t : p.tokens) tokens += t.n_tokens();
  std::cerr << "\nextract " << model_name << ": " << p.tokens.size() << " sentences, " << tokens
            << " tokens in " << std::fixed << std::setprecision(3) << extract_s << " s ("
            << std::setprecision(0) << tokens / std::max(extract_s, 1e-9) << " tokens/s); loading "
            << std::setprecision(3) << load_s << " s\n";
  for (int r = 0; r < L.world; ++r) {
    const double* v = all.data() + kN * r;
    std::cerr << "  " << p.who(r) << ": weights " << mb(v[2]) << ", peak RSS " << mb(v[1]) << " ("
              << mb(v[0]) << " before loading); model " << std::setprecision(3) << v[3]
              << " s, file " << v[4] << " s, links " << v[5] << " s\n";
  }
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
  meta.prefix = opt.prefix;
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

  std::optional<AttentionWriter> writer;
  on_every_rank(world, [&] {
    if (n_ranks == 1)
      writer.emplace(opt.out_path, meta, p.table);
    else
      writer.emplace(opt.out_path, meta, p.table, world);
    write_model_input(*writer, p.tokens);
  });

  const auto start = Clock::now();
  StageTimes times;
  try {
    times = run_stage(p, *model, *writer, links, opt, meta.model_name);
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
  MPI_Comm_free(&links);
  if (!opt.quiet) print_summary(p, rss_before_load, load_s, extract_s, times, meta.model_name);
}

}  // namespace lmgaze
