// The attention file written by `lmgaze extract` and read by every analysis.
//
// Layout (stable; documented in README.md):
//   root attributes   format = "lmgaze-attention", format_version = 1,
//                     model_path, model_name, model_type, n_layers, n_heads,
//                     n_params, dtype, prefix, tokenizer, tokenizer_sha256, bos,
//                     text, lmgaze_version,
//                     complete (0 while writing, 1 once everything is in),
//                     model_spec, model_defaults (what lmgaze resolved from
//                     config.json, and which of it were transformers defaults)
//   /sentences/*      see sentence_table.hpp
//   /tokens/n_tokens  int64 [n_sentences]  tokens of the sentence itself
//                     (BOS and prefix excluded)
//   /tokens/offset    int64 [n_sentences+1]  start of each sentence's input in
//                     /tokens/ids and /tokens/word
//   /tokens/ids       int64 [total input tokens]  exactly what the model read
//                     (BOS, prefix, sentence)
//   /tokens/word      int32 [total input tokens]  word of each token, -1 = BOS
//                     or prefix
//   /attention/layer_NNN  float32 [n_heads, n_pairs]  word-level W[l][h],
//                     packed tril, sentence by sentence (METHODS.md 2)
//   /ntp/nll_sum      float64 [n_sentences]  summed next-token NLL (nats)
//   /ntp/n_tokens     int64 [n_sentences]    tokens predicted
#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/atomic_output.hpp"
#include "io/hdf5.hpp"
#include "io/sentence_table.hpp"

namespace lmgaze {

struct AttentionMeta {
  std::string model_path;
  std::string model_name;
  std::string model_type;
  std::string dtype;
  std::string prefix;
  std::string tokenizer;       // kind: tokenizer-json, sentencepiece or bpe-files
  std::string tokenizer_hash;  // "sha256:..." of the tokenizer files ("" in older files)
  std::string bos_rule;        // how BOS was decided ("" in older files)
  std::string text;
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_params = 0;
  std::string model_spec;      // describe_model(): what was resolved from config.json
  std::string model_defaults;  // describe_defaults(): config values taken as defaults
};

std::string layer_dataset(int layer);  // "/attention/layer_007"

class AttentionWriter {
 public:
  // One process writes the whole file.
  AttentionWriter(const std::string& path, const AttentionMeta& meta,
                  const SentenceTable& sentences);
  // Every rank of `comm` constructs it (collective); each then writes its own
  // blocks. Rank 0 of `comm` owns the rename.
  AttentionWriter(const std::string& path, const AttentionMeta& meta,
                  const SentenceTable& sentences, MPI_Comm comm);

  // data: [n_heads, pair_count] row-major, pairs [pair_begin, pair_begin+pair_count).
  void write_layer_block(int layer, int64_t pair_begin, int64_t pair_count, const float* data);
  // Several ranges of pairs (ascending, disjoint) in one write: data is
  // [n_heads, sum of the counts] row-major, each head's row the ranges one
  // after the other.
  void write_layer_runs(int layer, const std::vector<h5::ColumnRun>& pair_runs, const float* data);
  // Per-sentence values for sentences [s_begin, s_begin + count).
  void write_ntp(int64_t s_begin, const std::vector<double>& nll_sum,
                 const std::vector<int64_t>& n_tokens);
  void write_token_counts(int64_t s_begin, const std::vector<int64_t>& n_tokens);
  // The model input of every sentence (collective in a parallel file; every
  // rank passes the same table).
  void write_token_table(const std::vector<int64_t>& offset, const std::vector<int64_t>& ids,
                         const std::vector<int32_t>& word);
  // Marks the file complete and moves it into place (collective when parallel;
  // the caller must have finished all writes on every rank).
  void finish();

  const std::string& path() const { return output_.final_path(); }

 private:
  void create_layout(const AttentionMeta& meta, const SentenceTable& sentences);

  AtomicOutput output_;
  std::optional<h5::File> file_;
  int64_t n_heads_ = 0;
  int64_t n_layers_ = 0;
};

class AttentionReader {
 public:
  // Refuses a file whose `complete` flag is not set.
  explicit AttentionReader(const std::string& path);

  const std::string& path() const { return file_.path(); }
  const AttentionMeta& meta() const { return meta_; }
  const SentenceTable& sentences() const { return sentences_; }
  int n_layers() const { return static_cast<int>(meta_.n_layers); }
  int n_heads() const { return static_cast<int>(meta_.n_heads); }

  // Layer l for sentences [s_begin, s_end): [n_heads, pairs] row-major.
  std::vector<float> read_layer(int layer, size_t s_begin, size_t s_end) const;
  // The same into `out`, whose storage is reused: a loop over layers then
  // allocates (and the system maps in) its buffer once, not once a layer.
  void read_layer(int layer, size_t s_begin, size_t s_end, std::vector<float>& out) const;
  std::vector<double> nll_sum() const;
  std::vector<int64_t> ntp_tokens() const;
  std::vector<int64_t> sentence_tokens() const;

 private:
  h5::File file_;
  AttentionMeta meta_;
  SentenceTable sentences_;
};

}  // namespace lmgaze
