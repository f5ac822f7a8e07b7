#include "common/corpus.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"
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

Sentence make_sentence(const std::string& text, int article, int index, long line,
                       const std::string& source) {
  Sentence s;
  s.article = article;
  s.index = index;
  s.line = line;
  s.text = text;
  if (text.find('\t') != std::string::npos)
    throw InputError(source, line, "tab in sentence; words must be separated by single spaces");
  if (text.front() == ' ' || text.back() == ' ')
    throw InputError(source, line, "leading or trailing space in sentence");
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(' ', begin);
    if (end == std::string::npos) end = text.size();
    if (end == begin) throw InputError(source, line, "two spaces in a row inside sentence");
    s.words.push_back(text.substr(begin, end - begin));
    s.spans.push_back({begin, end});
    begin = end + 1;
  }
  return s;
}

Corpus parse_corpus(const std::string& text, const std::string& source) {
  Corpus corpus;
  corpus.source = source;
  std::istringstream in(text);
  std::string line;
  long line_no = 0;
  int article = 0, index = 0;
  long blank_run = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // tolerate CRLF files
    bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank) {
      if (!line.empty()) throw InputError(source, line_no, "line holds only whitespace");
      ++blank_run;
      continue;
    }
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open text file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_corpus(buf.str(), path);
}

}  // namespace lmgaze
