#include "common/ini.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "common/error.hpp"

namespace lmgaze::ini {

namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> section_words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

std::string expand(const std::string& path, const std::string& text, long line, File& file) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string::npos) throw InputError(path, line, "unterminated ${...}");
    std::string inner = text.substr(i + 2, close - i - 2), def;
    bool has_default = false;
    const size_t sep = inner.find(":-");
    if (sep != std::string::npos) {
      def = inner.substr(sep + 2);
      inner = inner.substr(0, sep);
      has_default = true;
    }
    const bool ok = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!ok) throw InputError(path, line, "bad variable name in '${" + inner + "}'");
    const char* env = std::getenv(inner.c_str());
    if (env && *env)
      out += env;
    else if (has_default)
      out += def;
    else
      file.unset.push_back({line, inner});
    i = close;
  }
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

File read(const std::string& path, bool top_level_keys) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open job file");
  File file;
  file.path = path;
  std::string raw;
  long line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.back() != ']') throw InputError(path, line_no, "unterminated [section]");
      const std::vector<std::string> w = section_words(line.substr(1, line.size() - 2));
      if (w.empty() || w.size() > 2)
        throw InputError(path, line_no, "expected [section] or [kind NAME]");
      Section s;
      s.kind = w[0];
      s.name = w.size() == 2 ? w[1] : "";
      s.line = line_no;
      for (const Section& o : file.sections)
        if (o.kind == s.kind && o.name == s.name)
          throw InputError(
              path, line_no,
              "[" + s.title() + "] appears twice (first at line " + std::to_string(o.line) + ")");
      file.sections.push_back(s);
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) throw InputError(path, line_no, "expected key = value");
    if (file.sections.empty()) {
      if (!top_level_keys)
        throw InputError(path, line_no, "key outside a section (start with [job])");
      file.sections.push_back(Section{"", "", 0, {}});
    }
    Entry e;
    e.key = trim(line.substr(0, eq));
    e.written = trim(line.substr(eq + 1));
    e.line = line_no;
    if (e.key.empty()) throw InputError(path, line_no, "empty key");
    for (const Entry& o : file.sections.back().entries)
      if (o.key == e.key)
        throw InputError(
            path, line_no,
            "'" + e.key + "' given twice (first at line " + std::to_string(o.line) + ")");
    e.value = expand(path, e.written, line_no, file);
    file.sections.back().entries.push_back(e);
  }
  return file;
}

std::string closest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  size_t best_d = 3;
  for (const std::string& k : known) {
    const size_t d = edit_distance(word, k);
    if (d < best_d && d < std::max(word.size(), k.size())) {
      best = k;
      best_d = d;
    }
  }
  return best;
}

std::string unknown_key(const std::string& key, const std::string& section_title,
                        const std::vector<std::string>& known) {
  std::string msg = "unknown key '" + key + "'";
  if (!section_title.empty()) msg += " in [" + section_title + "]";
  const std::string near = closest(key, known);
  if (!near.empty()) msg += " (did you mean '" + near + "'?)";
  return msg;
}

}  // namespace lmgaze::ini
