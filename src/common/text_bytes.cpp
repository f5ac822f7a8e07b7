#include "common/text_bytes.hpp"

#include <cstdio>

#include "common/error.hpp"

namespace lmgaze {

size_t decode_utf8(const std::string& text, size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t n;
  char32_t c, min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return n;
}

std::string code_point_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

void check_line_characters(const std::string& line, long line_no, const std::string& source,
                           const std::function<std::string(char32_t)>& why) {
  long column = 0;
  for (size_t i = 0; i < line.size();) {
    ++column;
    char32_t c = 0;
    const size_t n = decode_utf8(line, i, &c);
    if (n == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(line[i]));
      throw InputError(source, line_no, column,
                       std::string("not UTF-8 (byte ") + byte +
                           "); lmgaze reads text as UTF-8 only (convert the file, e.g. with "
                           "iconv)");
    }
    const std::string reason = why(c);
    if (!reason.empty()) throw InputError(source, line_no, column, reason);
    i += n;
  }
}

void check_line_bytes(const std::string& line, long line_no, const std::string& source,
                      bool allow_tab) {
  check_line_characters(line, line_no, source, [allow_tab](char32_t c) -> std::string {
    if (c == '\r')
      return "carriage return (CR) inside a line: line ends must be LF or CRLF (a file with "
             "CR-only line ends must be converted)";
    if (c == 0) return "NUL byte (U+0000) inside a line";
    if ((c < 0x20 && !(c == '\t' && allow_tab)) || c == 0x7F || (c >= 0x80 && c <= 0x9F))
      return "control character " + code_point_name(c);
    return "";
  });
}

void check_text_bytes(const std::string& text, const std::string& source, bool allow_tab) {
  long line_no = 0;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    size_t stop = end;
    if (stop > at && text[stop - 1] == '\r') --stop;  // CRLF
    check_line_bytes(text.substr(at, stop - at), ++line_no, source, allow_tab);
    at = end + 1;
  }
}

}  // namespace lmgaze
