#include "tokenizer/gpt2_pretokenize.hpp"

#include "tokenizer/unicode_classes.hpp"

namespace lmgaze {
namespace {

enum class CharClass { kLetter, kNumber, kSpace, kOther };

struct Char {
  char32_t code_point;
  CharClass cls;
  size_t begin;  // byte offset
};

std::vector<Char> decode_classified(const std::string& text) {
  std::vector<Char> chars;
  chars.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char u = decode_utf8(text, pos);
    CharClass cls = CharClass::kOther;
    if (u.valid) {
      if (is_unicode_letter(u.code_point)) {
        cls = CharClass::kLetter;
      } else if (is_unicode_number(u.code_point)) {
        cls = CharClass::kNumber;
      } else if (is_unicode_space(u.code_point)) {
        cls = CharClass::kSpace;
      }
    }
    // An invalid byte must not be mistaken for the ASCII character it equals.
    chars.push_back({u.valid ? u.code_point : char32_t{0xFFFD}, cls, pos});
    pos += u.n_bytes;
  }
  return chars;
}

// Length in chars of the contraction 's 't 're 've 'm 'll 'd at i, or 0.
// The pattern is case-sensitive and knows only the ASCII apostrophe.
size_t contraction_length(const std::vector<Char>& c, size_t i) {
  if (c[i].code_point != U'\'' || i + 1 >= c.size()) return 0;
  const char32_t a = c[i + 1].code_point;
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (i + 2 >= c.size()) return 0;
  const char32_t b = c[i + 2].code_point;
  if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return 3;
  return 0;
}

size_t run_end(const std::vector<Char>& c, size_t i, CharClass cls) {
  while (i < c.size() && c[i].cls == cls) ++i;
  return i;
}

// Length in chars of the match starting at i (the alternatives in order).
size_t match_length(const std::vector<Char>& c, size_t i) {
  if (const size_t n = contraction_length(c, i)) return n;

  // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: one class run, optionally
  // led by a single U+0020 (not any other space).
  const CharClass cls = c[i].cls;
  if (cls != CharClass::kSpace) return run_end(c, i, cls) - i;
  if (c[i].code_point == U' ' && i + 1 < c.size() && c[i + 1].cls != CharClass::kSpace) {
    return run_end(c, i + 1, c[i + 1].cls) - i;
  }

  // `\s+(?!\S)`: the whitespace run, minus its last char when a non-space
  // follows (that char then leads the next piece). `\s+`: a lone whitespace
  // char before a non-space, which the alternatives above did not take.
  const size_t end = run_end(c, i, CharClass::kSpace);
  const size_t n = end - i;
  if (end == c.size() || n == 1) return n;
  return n - 1;
}

}  // namespace

std::vector<ByteRange> gpt2_pretokenize(const std::string& text) {
  const std::vector<Char> chars = decode_classified(text);
  std::vector<ByteRange> pieces;
  for (size_t i = 0; i < chars.size();) {
    const size_t j = i + match_length(chars, i);
    pieces.push_back({chars[i].begin, j < chars.size() ? chars[j].begin : text.size()});
    i = j;
  }
  return pieces;
}

}  // namespace lmgaze
