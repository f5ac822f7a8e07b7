#include "tokenizer/unicode_classes.hpp"

namespace lmgaze {

Utf8Char decode_utf8(const std::string& text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {lead, 1, true};

  size_t n = 0;
  char32_t cp = 0;
  char32_t min_cp = 0;  // smallest code point that needs n bytes (rejects overlong forms)
  if ((lead & 0xE0) == 0xC0) {
    n = 2, cp = lead & 0x1F, min_cp = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    n = 3, cp = lead & 0x0F, min_cp = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    n = 4, cp = lead & 0x07, min_cp = 0x10000;
  } else {
    return {lead, 1, false};
  }
  if (pos + n > text.size()) return {lead, 1, false};
  for (size_t i = 1; i < n; ++i) {
    const unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return {lead, 1, false};
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (cp < min_cp || cp > 0x10FFFF || surrogate) return {lead, 1, false};
  return {cp, n, true};
}

}  // namespace lmgaze
