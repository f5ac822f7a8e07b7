// Text on its way through the tokenizer, with every byte traced back to the
// bytes of the original text it came from.
//
// Hugging Face's NormalizedString keeps, for each byte of the normalized
// string, the range of the original it stands for; lmgaze does the same so
// that each token's byte range in the ORIGINAL text (what the word alignment
// of METHODS.md 2.4 needs) falls out of the pipeline. The alignment is per
// byte and as fine as the change allows:
//   - a character no step changed keeps its own bytes, byte for byte, so a
//     byte-fallback token or a byte-level token of a multi-byte character
//     covers exactly the original byte it stands for;
//   - characters a step replaced (NFC composing "e" + U+0301, Replace turning
//     " " into "▁") all map to the whole original range they replace;
//   - characters a step inserted from nothing (Prepend's "▁") map to an empty
//     range at the position of what follows them.
// Offsets are absolute: bytes of the whole original text, in every slice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lmgaze {

struct ByteSpan {
  uint32_t begin = 0;  // original bytes [begin, end); begin == end: inserted
  uint32_t end = 0;
};

class NormalizedText {
 public:
  NormalizedText() = default;
  // Bytes [begin, end) of `original`, unchanged: each byte aligned to itself.
  static NormalizedText from_original(const std::string& original, size_t begin, size_t end);

  const std::string& text() const { return text_; }
  const std::vector<ByteSpan>& alignment() const { return align_; }  // one per byte of text()
  bool empty() const { return text_.empty(); }
  size_t size() const { return text_.size(); }

  // Where this piece starts in the original text (for an empty piece: where it was cut).
  size_t original_begin() const { return align_.empty() ? origin_ : align_.front().begin; }
  // The original bytes covered by text bytes [begin, end) (begin < end).
  ByteSpan original_span(size_t begin, size_t end) const;

  // Bytes [begin, end) of text(), which must lie on character boundaries.
  NormalizedText slice(size_t begin, size_t end) const;

  // Builds the result of a transformation of a text, left to right.
  class Builder;

 private:
  std::string text_;
  std::vector<ByteSpan> align_;
  uint32_t origin_ = 0;  // original position of an empty piece
};

// Builds the result of a transformation of `source`, left to right.
class NormalizedText::Builder {
 public:
  explicit Builder(const NormalizedText& source);
  // Source bytes [begin, end) kept as they are, alignment and all.
  void keep(size_t begin, size_t end);
  // `chars` replacing source bytes [begin, end) (begin < end): every byte
  // of `chars` maps to the union of their original ranges.
  void replace(size_t begin, size_t end, const std::string& chars);
  // `chars` inserted from nothing before source byte `at` (or at the end).
  void insert(size_t at, const std::string& chars);
  NormalizedText finish();

 private:
  const NormalizedText& source_;
  NormalizedText out_;
};

}  // namespace lmgaze
