// The layered tokenizer: Hugging Face `tokenizers`' pipeline, piece by piece.
//
//   text --added tokens--> stretches --normalizer--> normalized stretches
//        --pre-tokenizer--> pieces --BPE--> tokens   (+ BOS, by the caller)
//
// Each step is a small class (added_tokens.hpp, normalizers.hpp,
// pre_tokenizers.hpp, bpe_model.hpp); a reader per file format builds the
// parts (tokenizer_json.hpp, bpe_files.hpp). A new family is then data, not
// code, as long as its tokenizer.json uses known types.
//
// Byte ranges: every token gets the original bytes its normalized bytes came
// from (normalized_text.hpp). Where a step merged or replaced characters,
// several tokens can come from the same original bytes (a byte-fallback
// token of an NFC-composed character, "f" and "i" of NFKC's "ﬁ"); then every
// such token but the last gets an empty range at the start of those bytes,
// the last covers them, as SentencePiece reports it. Inserted characters
// (Prepend's "▁") have no bytes: a token of them alone is empty, at the
// position of what follows. So ranges never overlap and never go backwards,
// and they tile the text except where a step removed characters.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/added_tokens.hpp"
#include "tokenizer/bpe_model.hpp"
#include "tokenizer/normalizers.hpp"
#include "tokenizer/pre_tokenizers.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

struct PipelineParts {
  std::string kind;                             // "tokenizer-json" or "bpe-files"
  std::vector<std::string> files;               // read from, for the hash
  std::unique_ptr<Normalizer> normalizer;       // may be null
  std::unique_ptr<PreTokenizer> pre_tokenizer;  // may be null
  std::unique_ptr<BpeModel> model;
  AddedVocabulary added;
  std::optional<int> bos_id;
  std::string bos_rule;
};

class PipelineTokenizer : public Tokenizer {
 public:
  explicit PipelineTokenizer(PipelineParts parts);

  // Throws InputError for text that is not valid UTF-8 (Hugging Face takes
  // Python/Rust strings, which cannot hold it).
  std::vector<Token> encode(const std::string& text) const override;
  int vocab_size() const override { return vocab_size_; }
  int ordinary_vocab_size() const override { return parts_.model->max_id() + 1; }
  std::optional<int> bos_id() const override { return parts_.bos_id; }
  std::string bos_rule() const override { return parts_.bos_rule; }
  std::optional<std::string> special_token(int id) const override;
  std::string kind() const override { return parts_.kind; }
  std::vector<std::string> files() const override { return parts_.files; }

 private:
  PipelineParts parts_;
  int vocab_size_ = 0;
};

}  // namespace lmgaze
