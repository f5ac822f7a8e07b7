// UTF-8 and the Unicode facts the tokenizer pieces need, from ICU.
//
// Character classes (letter, number, white space, punctuation), case mapping
// and the normalization forms come from ICU (Debian libicu-dev), the library
// most Unicode-aware software uses, so no table is typed or generated here.
// Hugging Face `tokenizers` takes the same facts from Rust's std and its
// Oniguruma regex engine; both follow the Unicode Character Database, so the
// two agree except on characters assigned in a Unicode version only one of
// them knows.
#pragma once

#include <cstddef>
#include <string>

namespace lmgaze {

// One decoded code point and the number of bytes it took.
struct Utf8Char {
  char32_t code_point = 0;
  size_t n_bytes = 1;
  bool valid = true;  // false: a stray or truncated byte, reported as one byte
};

// Decodes the code point starting at text[pos] (pos < text.size()). Invalid
// UTF-8 (stray continuation bytes, overlong forms, surrogates, truncation)
// yields valid = false and n_bytes = 1, so every byte is still covered.
Utf8Char decode_utf8(const std::string& text, size_t pos);

// Byte offset of the first invalid UTF-8 sequence, or std::string::npos.
size_t find_invalid_utf8(const std::string& text);

// The UTF-8 bytes of one code point.
std::string utf8_encode(char32_t c);

// Byte length of the character starting with lead byte `lead` (1 for a stray byte).
inline size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

bool is_letter(char32_t c);       // general category L* (regex \p{L})
bool is_number(char32_t c);       // general category N* (\p{N}; Rust char::is_numeric)
bool is_white_space(char32_t c);  // White_Space property (Oniguruma \s; Rust char::is_whitespace)
// Hugging Face's is_punc: ASCII punctuation (which includes $ + < = > ^ ` | ~)
// or general category P* (Pc Pd Pe Pf Pi Po Ps).
bool is_punctuation(char32_t c);
// Oniguruma's \w: letter, mark, number or connector punctuation.
bool is_word_char(char32_t c);

// Full lowercase mapping of one character, as Rust's char::to_lowercase:
// context-free (capital sigma always gives σ), "İ" gives "i̇".
std::string lowercase_char(char32_t c);

enum class NormalForm { kNFC, kNFD, kNFKC, kNFKD };

// The normalization of a whole UTF-8 string (valid UTF-8 only).
std::string normalize_utf8(const std::string& text, NormalForm form);
// Whether a normalization boundary lies before `c`: text can be normalized
// in independent pieces that each start at such a character.
bool normalization_boundary_before(char32_t c, NormalForm form);
// Whether `text` is already in the normal form (a quick check first).
bool is_normalized_utf8(const std::string& text, NormalForm form);

}  // namespace lmgaze
