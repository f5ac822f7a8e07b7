// Tokenizers of the model families lmgaze reads (METHODS.md 2.1).
//
// A tokenizer turns text into token ids together with the byte range of the
// text each token came from; the word alignment (src/align) needs those
// ranges to map tokens to words. Two kinds exist:
//   "sentencepiece"  LLaMA family: tokenizer.model, encoded exactly as
//                    SentencePiece does (the HF slow LlamaTokenizer);
//   "gpt2-bpe"       GPT-2: byte-level BPE from vocab.json + merges.txt.
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

  // Token ids and byte ranges of `text`, in order; no BOS.
  virtual std::vector<Token> encode(const std::string& text) const = 0;
  virtual int vocab_size() const = 0;
  // The id the model expects before every input (LLaMA: 1), or none (GPT-2).
  virtual std::optional<int> bos_id() const = 0;
  // "sentencepiece" or "gpt2-bpe".
  virtual std::string kind() const = 0;
};

// Loads the tokenizer of a Hugging Face checkpoint directory:
// tokenizer.model -> SentencePiece; vocab.json + merges.txt -> GPT-2 BPE.
// Throws InputError naming the directory when it holds neither, or naming the
// file that is missing, unreadable or malformed.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& model_dir);

}  // namespace lmgaze
