#include "tokenizer/normalized_text.hpp"

#include <algorithm>
#include <stdexcept>

namespace lmgaze {

NormalizedText NormalizedText::from_original(const std::string& original, size_t begin,
                                             size_t end) {
  NormalizedText t;
  t.text_ = original.substr(begin, end - begin);
  t.align_.reserve(end - begin);
  for (size_t b = begin; b < end; ++b)
    t.align_.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(b + 1)});
  t.origin_ = static_cast<uint32_t>(begin);
  return t;
}

ByteSpan NormalizedText::original_span(size_t begin, size_t end) const {
  if (begin >= end || end > align_.size())
    throw std::logic_error("NormalizedText::original_span: bad range");
  ByteSpan s = align_[begin];
  for (size_t b = begin + 1; b < end; ++b) {
    s.begin = std::min(s.begin, align_[b].begin);
    s.end = std::max(s.end, align_[b].end);
  }
  return s;
}

NormalizedText NormalizedText::slice(size_t begin, size_t end) const {
  if (begin > end || end > text_.size()) throw std::logic_error("NormalizedText::slice: bad range");
  NormalizedText t;
  t.text_ = text_.substr(begin, end - begin);
  t.align_.assign(align_.begin() + begin, align_.begin() + end);
  // An empty slice remembers where it was cut.
  if (begin < align_.size())
    t.origin_ = align_[begin].begin;
  else
    t.origin_ = align_.empty() ? origin_ : align_.back().end;
  return t;
}

NormalizedText::Builder::Builder(const NormalizedText& source) : source_(source) {
  out_.origin_ = source.original_begin();
  out_.text_.reserve(source.text_.size());
  out_.align_.reserve(source.align_.size());
}

void NormalizedText::Builder::keep(size_t begin, size_t end) {
  out_.text_.append(source_.text_, begin, end - begin);
  out_.align_.insert(out_.align_.end(), source_.align_.begin() + begin,
                     source_.align_.begin() + end);
}

void NormalizedText::Builder::replace(size_t begin, size_t end, const std::string& chars) {
  const ByteSpan span = source_.original_span(begin, end);
  out_.text_ += chars;
  out_.align_.insert(out_.align_.end(), chars.size(), span);
}

void NormalizedText::Builder::insert(size_t at, const std::string& chars) {
  uint32_t pos;
  if (at < source_.align_.size())
    pos = source_.align_[at].begin;
  else
    pos = source_.align_.empty() ? source_.origin_ : source_.align_.back().end;
  out_.text_ += chars;
  out_.align_.insert(out_.align_.end(), chars.size(), ByteSpan{pos, pos});
}

NormalizedText NormalizedText::Builder::finish() { return std::move(out_); }

}  // namespace lmgaze
