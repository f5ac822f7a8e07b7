#include "io/attention_file.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "lmgaze_version.hpp"

namespace lmgaze {

std::string layer_dataset(int layer) {
  char name[32];
  std::snprintf(name, sizeof name, "/attention/layer_%03d", layer);
  return name;
}

AttentionWriter::AttentionWriter(const std::string& path, const AttentionMeta& meta,
                                 const SentenceTable& sentences)
    : output_(path) {
  file_.emplace(h5::File::create(output_.temp_path(), path));
  create_layout(meta, sentences);
}

namespace {
int comm_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
}  // namespace

AttentionWriter::AttentionWriter(const std::string& path, const AttentionMeta& meta,
                                 const SentenceTable& sentences, MPI_Comm comm)
    : output_(path, comm_rank(comm) == 0) {
  MPI_Barrier(comm);  // the owner has removed any stale partial file
  file_.emplace(h5::File::create_parallel(output_.temp_path(), comm, path));
  create_layout(meta, sentences);
}

void AttentionWriter::create_layout(const AttentionMeta& meta, const SentenceTable& sentences) {
  h5::File& f = *file_;
  n_heads_ = meta.n_heads;
  n_layers_ = meta.n_layers;
  f.set_attr("format", std::string("lmgaze-attention"));
  f.set_attr("format_version", int64_t{1});
  f.set_attr("model_path", meta.model_path);
  f.set_attr("model_name", meta.model_name);
  f.set_attr("model_type", meta.model_type);
  f.set_attr("dtype", meta.dtype);
  f.set_attr("prefix", meta.prefix);
  f.set_attr("tokenizer", meta.tokenizer);
  f.set_attr("tokenizer_sha256", meta.tokenizer_hash);
  f.set_attr("bos", meta.bos_rule);
  f.set_attr("text", meta.text);
  f.set_attr("n_layers", meta.n_layers);
  f.set_attr("n_heads", meta.n_heads);
  f.set_attr("n_params", meta.n_params);
  f.set_attr("model_spec", meta.model_spec);
  f.set_attr("model_defaults", meta.model_defaults);
  f.set_attr("lmgaze_version", std::string(LMGAZE_VERSION));
  f.set_attr("complete", int64_t{0});
  sentences.write(f);
  const auto n_sent = static_cast<int64_t>(sentences.size());
  for (int l = 0; l < meta.n_layers; ++l)
    f.create_matrix<float>(layer_dataset(l), {meta.n_heads, sentences.n_pairs()});
  f.create_vector<double>("/ntp/nll_sum", n_sent);
  f.create_vector<int64_t>("/ntp/n_tokens", n_sent);
  f.create_vector<int64_t>("/tokens/n_tokens", n_sent);
}

void AttentionWriter::write_layer_block(int layer, int64_t pair_begin, int64_t pair_count,
                                        const float* data) {
  file_->write_block<float>(layer_dataset(layer), 0, pair_begin, {n_heads_, pair_count}, data);
}

void AttentionWriter::write_layer_runs(int layer, const std::vector<h5::ColumnRun>& pair_runs,
                                       const float* data) {
  file_->write_column_runs<float>(layer_dataset(layer), n_heads_, pair_runs, data);
}

void AttentionWriter::write_ntp(int64_t s_begin, const std::vector<double>& nll_sum,
                                const std::vector<int64_t>& n_tokens) {
  file_->write_range<double>("/ntp/nll_sum", s_begin, static_cast<int64_t>(nll_sum.size()),
                             nll_sum.data());
  file_->write_range<int64_t>("/ntp/n_tokens", s_begin, static_cast<int64_t>(n_tokens.size()),
                              n_tokens.data());
}

void AttentionWriter::write_token_counts(int64_t s_begin, const std::vector<int64_t>& n_tokens) {
  file_->write_range<int64_t>("/tokens/n_tokens", s_begin, static_cast<int64_t>(n_tokens.size()),
                              n_tokens.data());
}

void AttentionWriter::write_token_table(const std::vector<int64_t>& offset,
                                        const std::vector<int64_t>& ids,
                                        const std::vector<int32_t>& word) {
  file_->write_vector<int64_t>("/tokens/offset", offset);
  file_->write_vector<int64_t>("/tokens/ids", ids);
  file_->write_vector<int32_t>("/tokens/word", word);
}

void AttentionWriter::finish() {
  file_->set_attr("complete", int64_t{1});
  file_->flush();
  file_->close();  // collectively in a parallel file; throws when the last writes fail
  file_.reset();
  output_.commit();
}

AttentionReader::AttentionReader(const std::string& path) : file_(h5::File::open_read(path)) {
  if (!file_.has_attr("format") || file_.attr_string("format") != "lmgaze-attention")
    throw InputError(path, "not an lmgaze attention file (no format = lmgaze-attention)");
  if (!file_.has_attr("complete") || file_.attr_int("complete") != 1)
    throw InputError(path, "attention file is not marked complete (extraction unfinished?)");
  if (!file_.has_attr("format_version") || file_.attr_int("format_version") != 1)
    throw InputError(path, "attention file format_version is not 1 (this lmgaze reads version 1)");
  meta_.model_path = file_.attr_string("model_path");
  meta_.model_name = file_.attr_string("model_name");
  meta_.model_type = file_.attr_string("model_type");
  meta_.dtype = file_.attr_string("dtype");
  meta_.prefix = file_.attr_string("prefix");
  meta_.tokenizer = file_.attr_string("tokenizer");
  if (file_.has_attr("tokenizer_sha256"))
    meta_.tokenizer_hash = file_.attr_string("tokenizer_sha256");
  if (file_.has_attr("bos")) meta_.bos_rule = file_.attr_string("bos");
  meta_.text = file_.attr_string("text");
  meta_.n_layers = file_.attr_int("n_layers");
  meta_.n_heads = file_.attr_int("n_heads");
  meta_.n_params = file_.attr_int("n_params");
  sentences_ = SentenceTable::read(file_);
  for (int l = 0; l < meta_.n_layers; ++l) {
    h5::Shape2 shape = file_.matrix_shape(layer_dataset(l));
    if (shape.rows != meta_.n_heads || shape.cols != sentences_.n_pairs())
      throw InputError(path, layer_dataset(l) + " has the wrong shape");
  }
}

std::vector<float> AttentionReader::read_layer(int layer, size_t s_begin, size_t s_end) const {
  std::vector<float> out;
  read_layer(layer, s_begin, s_end, out);
  return out;
}

void AttentionReader::read_layer(int layer, size_t s_begin, size_t s_end,
                                 std::vector<float>& out) const {
  if (layer < 0 || layer >= meta_.n_layers || s_begin > s_end || s_end > sentences_.size())
    throw InputError(path(), "layer or sentence range out of bounds");
  const int64_t p0 = sentences_.pair_offset[s_begin];
  const int64_t count = sentences_.pair_offset[s_end] - p0;
  out.resize(static_cast<size_t>(meta_.n_heads * count));
  file_.read_block<float>(layer_dataset(layer), 0, p0, {meta_.n_heads, count}, out.data());
}

std::vector<double> AttentionReader::nll_sum() const {
  return file_.read_vector<double>("/ntp/nll_sum");
}

std::vector<int64_t> AttentionReader::ntp_tokens() const {
  return file_.read_vector<int64_t>("/ntp/n_tokens");
}

std::vector<int64_t> AttentionReader::sentence_tokens() const {
  return file_.read_vector<int64_t>("/tokens/n_tokens");
}

}  // namespace lmgaze
