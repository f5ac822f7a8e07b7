// Unicode character classes and UTF-8 decoding for the GPT-2 pre-tokenizer.
//
// The classes are the ones the GPT-2 regex names: \p{L}, \p{N} and \s. Their
// tables are generated from Python's unicodedata by tools/gen_unicode_tables.py
// (unicode_tables.cpp), so no regex or ICU library is needed at run time.
#pragma once

#include <cstddef>
#include <string>

namespace lmgaze {

bool is_unicode_letter(char32_t c);  // general category L*
bool is_unicode_number(char32_t c);  // general category N*
bool is_unicode_space(char32_t c);   // White_Space property

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

}  // namespace lmgaze
