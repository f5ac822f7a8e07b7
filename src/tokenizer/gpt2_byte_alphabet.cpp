#include "tokenizer/gpt2_byte_alphabet.hpp"

namespace lmgaze {
namespace {

std::string utf8_encode(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {  // every character here is below U+0800; kept general for clarity
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

bool printable_latin1(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

}  // namespace

std::array<std::string, 256> gpt2_byte_alphabet() {
  std::array<std::string, 256> alphabet;
  char32_t next_unprintable = 0x100;
  for (int b = 0; b < 256; ++b) {
    alphabet[b] = utf8_encode(printable_latin1(b) ? static_cast<char32_t>(b) : next_unprintable++);
  }
  return alphabet;
}

std::string gpt2_bytes_to_token_string(const std::string& bytes,
                                       const std::array<std::string, 256>& alphabet) {
  std::string s;
  for (unsigned char b : bytes) s += alphabet[b];
  return s;
}

}  // namespace lmgaze
