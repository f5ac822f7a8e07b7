#include "common/corpus.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/inputs.hpp"
#include "common/text_bytes.hpp"
#include "common/tril.hpp"

namespace lmgaze {

std::vector<int> Corpus::n_words() const {
  std::vector<int> n;
  n.reserve(sentences.size());
  for (const auto& s : sentences) n.push_back(s.n_words());
  return n;
}

std::vector<int64_t> Corpus::pair_offsets() const { return tril_offsets(n_words()); }

int Corpus::n_articles() const { return sentences.empty() ? 0 : sentences.back().article + 1; }

namespace {

// Why character c cannot stand inside a sentence, or "" when it can. A word
// is any run of printable characters; the only separator is U+0020 (METHODS.md
// section 1), so every other kind of whitespace is refused rather than read as
// part of a word or guessed to be a separator.
std::string forbidden(char32_t c) {
  const std::string separators = "; words are separated by single spaces (U+0020)";
  switch (c) {
    case '\t':
      return "tab in sentence" + separators;
    case '\r':
      return "carriage return (CR) inside a line: line ends must be LF or CRLF (a file with "
             "CR-only line ends must be converted)";
    case 0x0B:
      return "vertical tab (U+000B) in sentence" + separators;
    case 0x0C:
      return "form feed (U+000C) in sentence" + separators;
    case 0x00:
      return "NUL byte (U+0000) in sentence";
    case 0xA0:
      return "no-break space (U+00A0) in sentence" + separators;
    case 0xFFFD:
      return "replacement character U+FFFD in sentence (the text was damaged by a failed "
             "conversion; restore the original characters)";
    case 0xFEFF:
      return "byte-order mark / zero-width no-break space (U+FEFF) inside the text";
    default:
      break;
  }
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
    return "control character " + code_point_name(c) + " in sentence";
  const bool space = c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
                     c == 0x202F || c == 0x205F || c == 0x3000;
  if (space) return "whitespace character " + code_point_name(c) + " in sentence" + separators;
  if (c == 0x200B || c == 0x2060)
    return "invisible zero-width character " + code_point_name(c) + " in sentence";
  if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE)
    return "Unicode noncharacter " + code_point_name(c) + " in sentence";
  return "";
}

// Checks every character of one line (without its line end); InputError at
// line:column (1-based, in characters) for bytes that are not UTF-8 or a
// character a sentence cannot hold.
void check_characters(const std::string& line, long line_no, const std::string& source) {
  check_line_characters(line, line_no, source, forbidden);
}

// 1-based character column of byte offset `byte` in a valid UTF-8 line.
long column_of(const std::string& line, size_t byte) {
  long column = 1;
  for (size_t i = 0; i < byte && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

}  // namespace

Sentence make_sentence(const std::string& text, int article, int index, long line,
                       const std::string& source) {
  Sentence s;
  s.article = article;
  s.index = index;
  s.line = line;
  s.text = text;
  check_characters(text, line, source);
  if (text.front() == ' ')
    throw InputError(source, line, 1, "leading or trailing space in sentence");
  if (text.back() == ' ')
    throw InputError(source, line, column_of(text, text.size() - 1),
                     "leading or trailing space in sentence");
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(' ', begin);
    if (end == std::string::npos) end = text.size();
    if (end == begin)
      throw InputError(source, line, column_of(text, end), "two spaces in a row inside sentence");
    s.words.push_back(text.substr(begin, end - begin));
    s.spans.push_back({begin, end});
    begin = end + 1;
  }
  if (s.n_words() > kMaxSentenceWords)
    throw InputError(source, line,
                     std::to_string(s.n_words()) + " words in one sentence (at most " +
                         std::to_string(kMaxSentenceWords) +
                         "); the text must hold one sentence per line");
  return s;
}

Corpus parse_corpus(const std::string& text, const std::string& source) {
  Corpus corpus;
  corpus.source = source;
  long line_no = 0;
  int article = 0, index = 0;
  long blank_run = 0;
  // A UTF-8 byte-order mark at the very start is file metadata, not text.
  size_t at = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF line ends
    if (line.find_first_not_of(' ') == std::string::npos) {
      if (!line.empty()) throw InputError(source, line_no, "line holds only whitespace");
      ++blank_run;
      continue;
    }
    check_characters(line, line_no, source);
    if (blank_run > 0) {
      if (corpus.sentences.empty())
        throw InputError(source, line_no - blank_run, "empty line before the first sentence");
      if (blank_run > 1)
        throw InputError(source, line_no - blank_run + 1,
                         "empty line: articles are separated by exactly one blank line");
      ++article;
      index = 0;
    }
    blank_run = 0;
    corpus.sentences.push_back(make_sentence(line, article, index++, line_no, source));
  }
  if (corpus.sentences.empty()) throw InputError(source, "text holds no sentence");
  return corpus;
}

Corpus read_corpus(const std::string& path) {
  note_input(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open text file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_corpus(buf.str(), path);
}

}  // namespace lmgaze
