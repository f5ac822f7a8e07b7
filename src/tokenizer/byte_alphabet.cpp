#include "tokenizer/byte_alphabet.hpp"

#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

bool printable_latin1(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

}  // namespace

std::array<std::string, 256> byte_level_alphabet() {
  std::array<std::string, 256> alphabet;
  char32_t next_unprintable = 0x100;
  for (int b = 0; b < 256; ++b) {
    alphabet[b] = utf8_encode(printable_latin1(b) ? static_cast<char32_t>(b) : next_unprintable++);
  }
  return alphabet;
}

std::string byte_level_spelling(const std::string& bytes,
                                const std::array<std::string, 256>& alphabet) {
  std::string s;
  for (unsigned char b : bytes) s += alphabet[b];
  return s;
}

}  // namespace lmgaze
