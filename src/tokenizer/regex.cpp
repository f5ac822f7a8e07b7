#include "tokenizer/regex.hpp"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include "common/error.hpp"
#include "tokenizer/unicode.hpp"

namespace lmgaze {
namespace {

// Oniguruma's \w as ICU set contents (no brackets), and the ICU class for it.
const char* const kWordSet = "\\p{L}\\p{M}\\p{N}\\p{Pc}";
const std::string kWord = std::string("[") + kWordSet + "]";
const std::string kNotWord = std::string("[^") + kWordSet + "]";

bool is_option_letter(char c) { return c == 'i' || c == 'm' || c == 'x' || c == '-'; }

}  // namespace

std::string translate_oniguruma(const std::string& p) {
  std::string out;
  out.reserve(p.size() + 16);
  int class_depth = 0;  // inside [...] (nested sets count)
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[++i];
      const bool in_class = class_depth > 0;
      switch (e) {
        case 's':
          out += "\\p{White_Space}";
          break;
        case 'S':
          out += "\\P{White_Space}";
          break;
        case 'w':
          out += in_class ? std::string(kWordSet) : kWord;
          break;
        case 'W':
          out += kNotWord;
          break;
        case 'h':
          out += in_class ? "0-9a-fA-F" : "[0-9a-fA-F]";
          break;
        case 'H':
          out += "[^0-9a-fA-F]";
          break;
        case 'v':
          out += "\\x{0B}";
          break;
        case 'b':
          if (in_class) {
            out += "\\x{08}";  // backspace inside a class, as in both engines
          } else {
            out += "(?:(?<=" + kWord + ")(?!" + kWord + ")|(?<!" + kWord + ")(?=" + kWord + "))";
          }
          break;
        case 'B':
          out += "(?:(?<=" + kWord + ")(?=" + kWord + ")|(?<!" + kWord + ")(?!" + kWord + "))";
          break;
        case 'p':
        case 'P':
          // \p{^X} is Oniguruma's negation; ICU spells it \P{X}.
          if (i + 2 < p.size() && p[i + 1] == '{' && p[i + 2] == '^') {
            out += e == 'p' ? "\\P{" : "\\p{";
            i += 2;
          } else {
            out += '\\';
            out += e;
          }
          break;
        default:
          out += '\\';
          out += e;
      }
      continue;
    }
    if (c == '[') {
      // "[" opens a (nested) set; a "[" right after the opening "[" or "[^"
      // is still a nested set in both engines, so counting is enough.
      ++class_depth;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      // A "]" first in a set is a literal in Oniguruma.
      if (i + 1 < p.size() && p[i + 1] == ']') {
        out += "\\]";
        ++i;
      }
      continue;
    }
    if (c == ']' && class_depth > 0) {
      --class_depth;
      out += c;
      continue;
    }
    if (c == '(' && class_depth == 0 && i + 1 < p.size() && p[i + 1] == '?') {
      // Option groups (?imx-imx) and (?imx-imx:...): Ruby's m is ICU's s.
      size_t j = i + 2;
      while (j < p.size() && is_option_letter(p[j])) ++j;
      if (j > i + 2 && j < p.size() && (p[j] == ')' || p[j] == ':')) {
        out += "(?";
        for (size_t k = i + 2; k < j; ++k) out += p[k] == 'm' ? 's' : p[k];
        i = j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

struct Regex::Compiled {
  std::unique_ptr<icu::RegexPattern> pattern;
};

Regex::Regex(const std::string& pattern, const std::string& where)
    : pattern_(pattern), compiled_(std::make_unique<Compiled>()) {
  const std::string icu_pattern = translate_oniguruma(pattern);
  UParseError parse_error;
  UErrorCode status = U_ZERO_ERROR;
  compiled_->pattern.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(icu_pattern),
                                                      UREGEX_MULTILINE | UREGEX_UNIX_LINES,
                                                      parse_error, status));
  if (U_FAILURE(status)) {
    throw InputError(where + ": regex '" + pattern +
                     "' cannot be compiled (ICU: " + u_errorName(status) + " at offset " +
                     std::to_string(parse_error.offset) + ")");
  }
}

Regex Regex::literal(const std::string& text, const std::string& where) {
  // Every ASCII character that is not a letter or digit escaped: the same
  // literal in both syntaxes.
  std::string escaped;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain =
        u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!plain) {
      if (c == '\n') {
        escaped += "\\n";
        continue;
      }
      if (u < 0x20 || u == 0x7F) {
        static const char* kHex = "0123456789ABCDEF";
        escaped += "\\x{";
        escaped += kHex[u >> 4];
        escaped += kHex[u & 0xF];
        escaped += "}";
        continue;
      }
      escaped += '\\';
    }
    escaped += c;
  }
  Regex r(escaped, where);
  r.pattern_ = text;
  r.literal_ = text;
  return r;
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::vector<std::pair<size_t, size_t>> Regex::find_all(const std::string& text) const {
  std::vector<std::pair<size_t, size_t>> matches;
  if (text.empty()) return matches;
  // Fast path for a non-empty literal: the same leftmost, non-overlapping matches.
  if (!literal_.empty()) {
    for (size_t at = text.find(literal_); at != std::string::npos;
         at = text.find(literal_, at + literal_.size()))
      matches.emplace_back(at, at + literal_.size());
    return matches;
  }

  // UTF-16 for ICU, and the UTF-8 byte offset of every UTF-16 index.
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(text);
  std::vector<size_t> byte_at(static_cast<size_t>(input.length()) + 1);
  {
    size_t byte = 0;
    int32_t unit = 0;
    while (byte < text.size()) {
      const size_t n = utf8_length(static_cast<unsigned char>(text[byte]));
      byte_at[unit] = byte;
      const int32_t units = n == 4 ? 2 : 1;
      if (units == 2) byte_at[unit + 1] = byte;  // never a match boundary
      unit += units;
      byte += n;
    }
    byte_at[unit] = text.size();
  }

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m(compiled_->pattern->matcher(input, status));
  if (U_FAILURE(status))
    throw std::runtime_error("ICU regex matcher: " + std::string(u_errorName(status)));
  const int32_t length = input.length();
  int32_t last_end = 0;
  int32_t last_match_end = -1;
  while (last_end <= length) {
    if (!m->find(last_end, status) || U_FAILURE(status)) break;
    const int32_t s = m->start(status), e = m->end(status);
    if (s == e && last_match_end == e) {
      // No empty match right where the last one ended: move on one character.
      if (last_end >= length) break;
      last_end += U16_IS_LEAD(input.charAt(last_end)) && last_end + 1 < length ? 2 : 1;
      continue;
    }
    last_end = e;
    last_match_end = e;
    matches.emplace_back(byte_at[s], byte_at[e]);
  }
  return matches;
}

}  // namespace lmgaze
