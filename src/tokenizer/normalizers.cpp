#include "tokenizer/normalizers.hpp"

namespace lmgaze {

void SequenceNormalizer::normalize(NormalizedText& text) const {
  for (const auto& step : steps_) step->normalize(text);
}

void PrependNormalizer::normalize(NormalizedText& text) const {
  if (text.empty() || prepend_.empty()) return;
  NormalizedText::Builder b(text);
  b.insert(0, prepend_);
  b.keep(0, text.size());
  text = b.finish();
}

void ReplaceNormalizer::normalize(NormalizedText& text) const {
  const auto matches = pattern_.find_all(text.text());
  if (matches.empty()) return;
  NormalizedText::Builder b(text);
  size_t done = 0;
  for (const auto& [begin, end] : matches) {
    b.keep(done, begin);
    if (begin == end)
      b.insert(begin, content_);
    else
      b.replace(begin, end, content_);
    done = end;
  }
  b.keep(done, text.size());
  text = b.finish();
}

void UnicodeNormalizer::normalize(NormalizedText& text) const {
  const std::string& s = text.text();
  if (is_normalized_utf8(s, form_)) return;
  // Pieces that start at a normalization boundary normalize independently;
  // each changed piece maps to the original range of the piece.
  NormalizedText::Builder b(text);
  size_t chunk = 0;
  auto flush = [&](size_t end) {
    if (end == chunk) return;
    const std::string part = s.substr(chunk, end - chunk);
    const std::string normalized = normalize_utf8(part, form_);
    if (normalized == part)
      b.keep(chunk, end);
    else
      b.replace(chunk, end, normalized);
    chunk = end;
  };
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Char u = decode_utf8(s, pos);
    if (pos > 0 && normalization_boundary_before(u.code_point, form_)) flush(pos);
    pos += u.n_bytes;
  }
  flush(s.size());
  text = b.finish();
}

void LowercaseNormalizer::normalize(NormalizedText& text) const {
  const std::string& s = text.text();
  NormalizedText::Builder b(text);
  for (size_t pos = 0; pos < s.size();) {
    const Utf8Char u = decode_utf8(s, pos);
    if (u.code_point < 0x80) {
      if (u.code_point >= 'A' && u.code_point <= 'Z')
        b.replace(pos, pos + 1, std::string(1, static_cast<char>(u.code_point + 32)));
      else
        b.keep(pos, pos + 1);
    } else {
      const std::string lower = lowercase_char(u.code_point);
      if (lower == s.substr(pos, u.n_bytes))
        b.keep(pos, pos + u.n_bytes);
      else
        b.replace(pos, pos + u.n_bytes, lower);
    }
    pos += u.n_bytes;
  }
  text = b.finish();
}

void StripNormalizer::normalize(NormalizedText& text) const {
  const std::string& s = text.text();
  size_t begin = 0, end = s.size();
  if (left_) {
    while (begin < end) {
      const Utf8Char u = decode_utf8(s, begin);
      if (!is_white_space(u.code_point)) break;
      begin += u.n_bytes;
    }
  }
  if (right_) {
    while (end > begin) {
      size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      if (!is_white_space(decode_utf8(s, start).code_point)) break;
      end = start;
    }
  }
  if (begin == 0 && end == s.size()) return;
  text = text.slice(begin, end);
}

}  // namespace lmgaze
