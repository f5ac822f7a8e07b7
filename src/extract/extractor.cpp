#include "extract/extractor.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "align/word_attention.hpp"
#include "common/error.hpp"
#include "extract/tokenized_corpus.hpp"
#include "io/attention_file.hpp"
#include "model/causal_lm.hpp"
#include "model/model_config.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {
namespace {

torch::Dtype parse_dtype(const std::string& name) {
  if (name == "fp32") return torch::kFloat32;
  if (name == "fp16") return torch::kFloat16;
  if (name == "bf16") return torch::kBFloat16;
  throw InputError("--dtype " + name + ": expected fp32, fp16 or bf16");
}

torch::Device parse_device(const std::string& name) {
  if (name != "cpu" && name.rfind("cuda", 0) != 0)
    throw InputError("--device " + name + ": expected cpu, cuda or cuda:N");
  if (name.rfind("cuda", 0) == 0 && !torch::cuda::is_available())
    throw InputError("--device " + name + ": this LibTorch sees no CUDA device");
  return torch::Device(name);
}

// One forward pass over sentences [s0, s1), right-padded to the longest.
struct Batch {
  size_t s0 = 0, s1 = 0;
  torch::Tensor ids;  // [B, Tmax] int64
};

Batch make_batch(const std::vector<TokenizedSentence>& sentences, size_t s0, size_t s1) {
  int64_t t_max = 0;
  for (size_t s = s0; s < s1; ++s) t_max = std::max<int64_t>(t_max, sentences[s].n_tokens());
  // Padding id 0 is a valid id; causal attention keeps it invisible to real tokens.
  torch::Tensor ids = torch::zeros({static_cast<int64_t>(s1 - s0), t_max}, torch::kInt64);
  auto acc = ids.accessor<int64_t, 2>();
  for (size_t s = s0; s < s1; ++s)
    for (int t = 0; t < sentences[s].n_tokens(); ++t) acc[s - s0][t] = sentences[s].ids[t];
  return {s0, s1, ids};
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

}  // namespace

void run_extraction(const ExtractOptions& opt) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  if (opt.batch < 1) throw InputError("--batch must be at least 1");
  const torch::Dtype dtype = parse_dtype(opt.dtype);
  const torch::Device device = parse_device(opt.device);

  // Everything that can be checked without the weights is checked first.
  const Corpus corpus = read_corpus(opt.text_path);
  const ModelConfig config = read_model_config(opt.model_dir);
  const auto tokenizer = load_tokenizer(opt.model_dir);
  check_tokenizer_matches(*tokenizer, config.vocab_size, opt.model_dir);
  const std::vector<TokenizedSentence> tokens =
      tokenize_corpus(corpus, *tokenizer, opt.prefix, {config.vocab_size, config.max_positions});
  const SentenceTable table = SentenceTable::from_corpus(corpus);

  torch::InferenceMode inference;
  LoadOptions load;
  load.dtype = dtype;
  load.device = device;
  auto model = load_causal_lm(opt.model_dir, load);

  AttentionMeta meta;
  meta.model_path = std::filesystem::absolute(opt.model_dir).string();
  meta.model_name = std::filesystem::path(opt.model_dir).lexically_normal().filename().string();
  if (meta.model_name.empty())
    meta.model_name = std::filesystem::path(opt.model_dir).parent_path().filename().string();
  meta.model_type = config.model_type;
  meta.dtype = opt.dtype;
  meta.prefix = opt.prefix;
  meta.tokenizer = tokenizer->kind();
  meta.text = std::filesystem::absolute(opt.text_path).string();
  meta.n_layers = config.n_layers;
  meta.n_heads = config.n_heads;
  meta.n_params = n_params(config);
  AttentionWriter writer(opt.out_path, meta, table);
  write_model_input(writer, tokens);

  const int H = config.n_heads;
  const size_t n_sent = tokens.size();
  int64_t tokens_done = 0;
  for (size_t s0 = 0; s0 < n_sent; s0 += opt.batch) {
    const size_t s1 = std::min(n_sent, s0 + static_cast<size_t>(opt.batch));
    Batch batch = make_batch(tokens, s0, s1);
    std::vector<torch::Tensor> attention;  // L x [B, H, Tmax, Tmax] float32
    torch::Tensor hidden = model->embed(batch.ids.to(device));
    hidden = model->run_layers(hidden, &attention);
    torch::Tensor nll = next_token_nll(model->head(hidden), batch.ids.to(device))
                            .to(torch::kCPU, torch::kFloat64);  // [B, Tmax-1]

    // Word-level matrices of this batch, side by side: [H, pairs of s0..s1).
    const int64_t p0 = table.pair_offset[s0];
    const int64_t n_pairs = table.pair_offset[s1] - p0;
    std::vector<float> block(static_cast<size_t>(H * n_pairs));
    for (int l = 0; l < config.n_layers; ++l) {
      torch::Tensor layer = attention[l].to(torch::kCPU);  // [B, H, Tmax, Tmax]
      for (size_t s = s0; s < s1; ++s) {
        const int64_t T = tokens[s].n_tokens();
        // [H, Tmax, Tmax] -> [H, T, T], contiguous for the merge.
        torch::Tensor a = layer[s - s0].slice(1, 0, T).slice(2, 0, T).contiguous();
        merge_attention_to_words_into(a.data_ptr<float>(), H, static_cast<int>(T),
                                      tokens[s].token_word, table.n_words[s],
                                      block.data() + (table.pair_offset[s] - p0), n_pairs);
      }
      for (size_t s = s0; s < s1; ++s)
        for (int h = 0; h < H; ++h)
          require_finite(block.data() + h * n_pairs + (table.pair_offset[s] - p0),
                         table.pair_offset[s + 1] - table.pair_offset[s],
                         describe(corpus, s) + ", layer " + std::to_string(l));
      writer.write_layer_block(l, p0, n_pairs, block.data());
    }

    std::vector<double> nll_sum;
    std::vector<int64_t> n_predicted, n_sentence_tokens;
    auto nll_acc = nll.accessor<double, 2>();
    for (size_t s = s0; s < s1; ++s) {
      const TokenizedSentence& t = tokens[s];
      double sum = 0;
      // Token p is predicted from position p - 1 (nll column p - 1).
      for (int p = t.first_predicted(); p < t.n_tokens(); ++p) sum += nll_acc[s - s0][p - 1];
      if (!std::isfinite(sum))
        throw InputError(describe(corpus, s) + ": next-token loss is NaN or Inf");
      nll_sum.push_back(sum);
      n_predicted.push_back(t.n_predicted());
      n_sentence_tokens.push_back(t.n_sentence_tokens());
      tokens_done += t.n_tokens();
    }
    writer.write_ntp(static_cast<int64_t>(s0), nll_sum, n_predicted);
    writer.write_token_counts(static_cast<int64_t>(s0), n_sentence_tokens);

    if (!opt.quiet) {
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      std::cerr << "\rextract " << meta.model_name << ": " << s1 << "/" << n_sent << " sentences, "
                << static_cast<int64_t>(tokens_done / std::max(secs, 1e-9)) << " tokens/s"
                << std::flush;
    }
  }
  writer.finish();
  if (!opt.quiet) std::cerr << "\n";
}

}  // namespace lmgaze
