// Normalizers: the first step of a tokenizer.json pipeline, one small class
// per "type" that occurs in today's files, each changing a NormalizedText and
// keeping its alignment to the original bytes (normalized_text.hpp).
//
//   Sequence    the listed normalizers in order
//   Prepend     `prepend` before a non-empty text (SentencePiece's "▁" prefix)
//   Replace     every match of a String or Regex pattern replaced by `content`
//   NFC NFD NFKC NFKD   Unicode normalization (ICU)
//   Lowercase   each character's full lowercase (Rust char::to_lowercase)
//   Strip       white space removed on the left and/or right
// As in Hugging Face, the normalizer runs on each stretch of text between
// added tokens separately (added_tokens.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/normalized_text.hpp"
#include "tokenizer/regex.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedText& text) const = 0;
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : steps_(std::move(steps)) {}
  void normalize(NormalizedText& text) const override;

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prepend) : prepend_(std::move(prepend)) {}
  void normalize(NormalizedText& text) const override;

 private:
  std::string prepend_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(Regex pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(NormalizedText& text) const override;

 private:
  Regex pattern_;
  std::string content_;
};

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormalForm form) : form_(form) {}
  void normalize(NormalizedText& text) const override;

 private:
  NormalForm form_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  void normalize(NormalizedText& text) const override;
};

class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(NormalizedText& text) const override;

 private:
  bool left_, right_;
};

}  // namespace lmgaze
