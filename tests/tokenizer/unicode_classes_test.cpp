// The generated Unicode tables and the UTF-8 decoder.
#include "tokenizer/unicode_classes.hpp"

#include <gtest/gtest.h>

namespace lmgaze {
namespace {

TEST(UnicodeClasses, Letters) {
  for (char32_t c : {U'a', U'Z', U'é', U'ß', U'Ж', U'日', U'한', U'ع', U'ª'}) {
    EXPECT_TRUE(is_unicode_letter(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'1', U' ', U'.', U'\'', char32_t{0x301}, char32_t{0x1F600}}) {
    EXPECT_FALSE(is_unicode_letter(c)) << static_cast<uint32_t>(c);
  }
}

TEST(UnicodeClasses, Numbers) {
  for (char32_t c : {U'0', U'9', U'²', U'½', U'Ⅷ', U'①', char32_t{0x663}}) {
    EXPECT_TRUE(is_unicode_number(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'-', U'.'}) EXPECT_FALSE(is_unicode_number(c));
}

TEST(UnicodeClasses, SpacesAreTheWhiteSpaceProperty) {
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', char32_t{0x85}, char32_t{0xA0},
                     char32_t{0x2009}, char32_t{0x3000}}) {
    EXPECT_TRUE(is_unicode_space(c)) << static_cast<uint32_t>(c);
  }
  // U+001C..U+001F pass Python's str.isspace() but are not White_Space (regex's \s).
  for (char32_t c : {char32_t{0x1C}, char32_t{0x1F}, char32_t{0x200B}, U'a'}) {
    EXPECT_FALSE(is_unicode_space(c)) << static_cast<uint32_t>(c);
  }
}

TEST(Utf8, DecodesEveryLength) {
  const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80";  // a é 日 😀
  EXPECT_EQ(decode_utf8(text, 0).code_point, U'a');
  EXPECT_EQ(decode_utf8(text, 1).code_point, U'é');
  EXPECT_EQ(decode_utf8(text, 1).n_bytes, 2u);
  EXPECT_EQ(decode_utf8(text, 3).code_point, U'日');
  EXPECT_EQ(decode_utf8(text, 3).n_bytes, 3u);
  EXPECT_EQ(decode_utf8(text, 6).code_point, char32_t{0x1F600});
  EXPECT_EQ(decode_utf8(text, 6).n_bytes, 4u);
}

TEST(Utf8, InvalidBytesAreSingleInvalidChars) {
  for (const std::string bad :
       {std::string("\x80"), std::string("\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80"), std::string("\xE6\x97"), std::string("\xFF")}) {
    const Utf8Char u = decode_utf8(bad, 0);
    EXPECT_FALSE(u.valid);
    EXPECT_EQ(u.n_bytes, 1u);
  }
}

}  // namespace
}  // namespace lmgaze
