// LLaMA-family tokenizer: a SentencePiece model (tokenizer.model).
//
// encode() is SentencePiece's own Encode of the raw text, so the model's
// normalizer spec decides everything (dummy "▁" prefix, whitespace handling,
// NFKC): this equals the HF slow LlamaTokenizer without special tokens. Byte
// ranges come from the immutable proto. What they look like (checked on the
// shared toy tokenizer.model, see tests/tokenizer):
//   - the dummy prefix has no source bytes: "▁He" in "Hello" is [0, 2);
//   - a "▁" that stands for a real space covers it: "▁world" is [5, 11);
//   - a character spelled with byte-fallback pieces: every byte piece but the
//     last is zero-width at the character's first byte, the last one covers
//     the whole character ("日" = <0xE6>[7,7) <0x97>[7,7) <0xA5>[7,10));
//   - a character that normalization expands ("ﬁ" -> "f" "i") gives a
//     zero-width piece and a piece covering the character.
// libsentencepiece itself is reached through a dlopen'ed module
// (sentencepiece_module.h explains why).
#pragma once

#include <memory>
#include <string>

#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

class SentencePieceTokenizer : public Tokenizer {
 public:
  // Throws InputError naming `model_path` when it cannot be loaded.
  explicit SentencePieceTokenizer(const std::string& model_path);
  ~SentencePieceTokenizer() override;

  std::vector<Token> encode(const std::string& text) const override;
  int vocab_size() const override;
  std::optional<int> bos_id() const override;  // the model's <s>; LLaMA adds it itself
  std::string bos_rule() const override;
  std::string kind() const override { return "sentencepiece"; }
  std::vector<std::string> files() const override { return {path_}; }

 private:
  struct Module;
  std::string path_;
  std::unique_ptr<Module> module_;
  void* processor_ = nullptr;
};

}  // namespace lmgaze
