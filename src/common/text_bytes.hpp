// Bytes every text input of lmgaze must hold: UTF-8, and no control
// characters inside a line (a tab only where a format allows one). Lines end
// in LF or CRLF; a CR anywhere else (old Mac line ends) is refused. Errors name
// file, line and column (1-based, in characters).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace lmgaze {

// Decodes the UTF-8 character at text[i] into *cp; returns its length in
// bytes, or 0 when the bytes there are not UTF-8 (a stray continuation byte,
// a truncated sequence, an overlong form, a surrogate, beyond U+10FFFF).
size_t decode_utf8(const std::string& text, size_t i, char32_t* cp);

// "U+00A0"
std::string code_point_name(char32_t c);

// Walks `line` (without its line end) character by character: InputError(source,
// line_no, column) at the first bytes that are not UTF-8, or at the first
// character for which `why` returns a reason (an empty string: allowed).
void check_line_characters(const std::string& line, long line_no, const std::string& source,
                           const std::function<std::string(char32_t)>& why);

// InputError(source, line_no, column) for the first byte of `line` (without
// its line end) that is not UTF-8, or a control character (U+0000-U+001F,
// U+007F-U+009F; a tab is allowed when `allow_tab`).
void check_line_bytes(const std::string& line, long line_no, const std::string& source,
                      bool allow_tab);

// The same for every line of a whole text (LF or CRLF line ends).
void check_text_bytes(const std::string& text, const std::string& source, bool allow_tab);

}  // namespace lmgaze
