#include "tokenizer/unicode.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <stdexcept>

#include "common/text_bytes.hpp"

namespace lmgaze {

Utf8Char decode_utf8(const std::string& text, size_t pos) {
  char32_t cp = 0;
  const size_t n = decode_utf8(text, pos, &cp);  // common/text_bytes.hpp: one set of rules
  if (n == 0) return {static_cast<unsigned char>(text[pos]), 1, false};
  return {cp, n, true};
}

size_t find_invalid_utf8(const std::string& text) {
  for (size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Char u = decode_utf8(text, pos);
    if (!u.valid) return pos;
    pos += u.n_bytes;
  }
  return std::string::npos;
}

std::string utf8_encode(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

namespace {

uint32_t category_mask(char32_t c) { return U_GET_GC_MASK(static_cast<UChar32>(c)); }

const icu::Normalizer2& normalizer(NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  switch (form) {
    case NormalForm::kNFC:
      n = icu::Normalizer2::getNFCInstance(status);
      break;
    case NormalForm::kNFD:
      n = icu::Normalizer2::getNFDInstance(status);
      break;
    case NormalForm::kNFKC:
      n = icu::Normalizer2::getNFKCInstance(status);
      break;
    case NormalForm::kNFKD:
      n = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  if (U_FAILURE(status) || !n)
    throw std::runtime_error(std::string("ICU normalizer unavailable: ") + u_errorName(status));
  return *n;
}

}  // namespace

bool is_letter(char32_t c) { return (category_mask(c) & U_GC_L_MASK) != 0; }
bool is_number(char32_t c) { return (category_mask(c) & U_GC_N_MASK) != 0; }
bool is_white_space(char32_t c) {
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE);
}
bool is_punctuation(char32_t c) {
  const bool ascii_punct = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
                           (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  return ascii_punct || (category_mask(c) & U_GC_P_MASK) != 0;
}
bool is_word_char(char32_t c) {
  return (category_mask(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_PC_MASK)) != 0;
}

std::string lowercase_char(char32_t c) {
  UChar src[2];
  int32_t src_len = 0;
  U16_APPEND_UNSAFE(src, src_len, static_cast<UChar32>(c));
  UChar dest[8];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = u_strToLower(dest, 8, src, src_len, "", &status);
  if (U_FAILURE(status)) return utf8_encode(c);
  std::string out;
  icu::UnicodeString(dest, n).toUTF8String(out);
  return out;
}

std::string normalize_utf8(const std::string& text, NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized =
      normalizer(form).normalize(icu::UnicodeString::fromUTF8(text), status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU normalization failed: ") + u_errorName(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

bool normalization_boundary_before(char32_t c, NormalForm form) {
  return normalizer(form).hasBoundaryBefore(static_cast<UChar32>(c));
}

bool is_normalized_utf8(const std::string& text, NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const bool yes = normalizer(form).isNormalizedUTF8(text, status);
  return U_SUCCESS(status) && yes;
}

}  // namespace lmgaze
