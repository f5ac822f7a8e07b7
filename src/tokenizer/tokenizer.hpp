// Tokenizers of the model families lmgaze reads (METHODS.md 2.1).
//
// A tokenizer turns text into token ids together with the byte range of the
// text each token came from; the word alignment (src/align) needs those
// ranges to map tokens to words. Three kinds, one per file format, chosen as
// transformers' AutoTokenizer chooses (load_tokenizer below):
//   "tokenizer-json"  tokenizer.json (Hugging Face `tokenizers` format), the
//                     format of every family since LLaMA-2; read into the
//                     layered pipeline of pipeline_tokenizer.hpp;
//   "sentencepiece"   tokenizer.model, encoded by SentencePiece itself (the
//                     HF slow LlamaTokenizer);
//   "bpe-files"       GPT-2's vocab.json + merges.txt: the same pipeline, with
//                     the ByteLevel pre-tokenizer and GPT-2's regex.
// encode() never adds BOS; the caller prepends bos_id() when there is one.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lmgaze {

struct Token {
  int id = 0;
  size_t begin = 0;  // byte offset into the encoded text
  size_t end = 0;    // one past the last byte; begin == end for zero-width pieces
};

class Tokenizer {
 public:
  virtual ~Tokenizer();

  // Token ids and byte ranges of `text`, in order; no BOS. The ranges never
  // overlap and never go backwards; see pipeline_tokenizer.hpp for the
  // pieces that get an empty range.
  virtual std::vector<Token> encode(const std::string& text) const = 0;
  // One past the largest id the tokenizer can give, added tokens included.
  virtual int vocab_size() const = 0;
  // One past the largest id of its ordinary vocabulary (the BPE or
  // SentencePiece pieces): the ids ordinary text turns into. Added tokens
  // (special tokens, Gemma's <image_soft_token>) may lie beyond it.
  virtual int ordinary_vocab_size() const { return vocab_size(); }
  // The id transformers' tokenizer for these files puts before every input
  // (LLaMA: 1), or none (GPT-2, Qwen).
  virtual std::optional<int> bos_id() const = 0;
  // How bos_id() was decided, in words (recorded in the attention file).
  virtual std::string bos_rule() const = 0;
  // The content of `id` when it is a special added token ("<s>",
  // "<|begin_of_text|>"): text a reader never sees. nullopt otherwise.
  virtual std::optional<std::string> special_token(int id) const;
  // "tokenizer-json", "sentencepiece" or "bpe-files".
  virtual std::string kind() const = 0;
  // The files it was read from, in a fixed order (hashed for the attention file).
  virtual std::vector<std::string> files() const = 0;
};

// Which files to read: kAuto picks as transformers' AutoTokenizer does.
enum class TokenizerFormat { kAuto, kJson, kSentencePiece, kBpeFiles };

// "auto", "json", "sentencepiece", "bpe-files"; throws InputError naming
// `option` (e.g. "--tokenizer") for anything else.
TokenizerFormat parse_tokenizer_format(const std::string& name, const std::string& option);

// Loads the tokenizer of a Hugging Face checkpoint directory. kAuto:
// tokenizer.json (with tokenizer_config.json when present) first, then
// tokenizer.model, then vocab.json + merges.txt. Throws InputError naming the
// directory when it holds none of them (or not the one asked for), or naming
// the file that is missing, unreadable or malformed.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& model_dir,
                                          TokenizerFormat format = TokenizerFormat::kAuto);

// "sha256:<hex>" over the tokenizer's files (each file's name, size and
// bytes, in files() order): what the attention file records.
std::string hash_tokenizer_files(const Tokenizer& tokenizer);

}  // namespace lmgaze
