#include "common/csv.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "common/text_bytes.hpp"

namespace lmgaze {

namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// True at a line end: "\n", "\r\n", or a "\r" that ends the text.
bool at_line_end(const std::string& text, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
}

// Moves i past the line end at i.
void skip_line_end(const std::string& text, size_t& i) { i += text[i] == '\r' ? 2 : 1; }

// The end of the line that starts at i.
size_t line_end(const std::string& text, size_t i) {
  while (i < text.size() && !at_line_end(text, i)) ++i;
  return i;
}

// Comma or tab, from the first line at or after `i` that is a record.
char detect_delimiter(const std::string& text, size_t i, const std::string& name, long line) {
  const size_t end = line_end(text, i);
  bool quoted = false, comma = false, tab = false;
  for (size_t k = i; k < end; ++k) {
    if (text[k] == '"') quoted = !quoted;
    if (quoted) continue;
    comma = comma || text[k] == ',';
    tab = tab || text[k] == '\t';
  }
  if (comma && tab)
    throw InputError(name, line,
                     "the header holds both commas and tabs: say which one separates the columns");
  return tab ? '\t' : ',';
}

}  // namespace

bool CsvTable::has_column(const std::string& name) const { return find(name) >= 0; }

long CsvTable::find(const std::string& name) const {
  for (size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return static_cast<long>(c);
  return -1;
}

size_t CsvTable::column(const std::string& name) const {
  const long c = find(name);
  if (c >= 0) return static_cast<size_t>(c);
  std::string names;
  for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
  throw InputError(path, header_line, "no column '" + name + "' (columns: " + names + ")");
}

bool CsvTable::is_missing(const CsvRow& row, size_t column) const {
  const std::string s = trimmed(row.fields.at(column));
  for (const auto& token : missing_tokens)
    if (s == token) return true;
  return false;
}

double CsvTable::number(const CsvRow& row, size_t column) const {
  const std::string s = trimmed(row.fields.at(column));
  if (is_missing(row, column) || s == "nan" || s == "NaN" || s == "NAN")
    return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size())
    throw InputError(path, row.line,
                     "column '" + header.at(column) + "': '" + s + "' is not a number");
  return value;
}

int64_t CsvTable::integer(const CsvRow& row, size_t column) const {
  const std::string s = trimmed(row.fields.at(column));
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    fail(row, header.at(column) + " '" + row.fields[column] + "' is not an integer");
  return value;
}

double CsvTable::finite(const CsvRow& row, size_t column) const {
  const std::string s = trimmed(row.fields.at(column));
  errno = 0;
  char* end = nullptr;
  const double value = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
    fail(row, header.at(column) + " '" + row.fields[column] + "' is not a finite number");
  return value;
}

void CsvTable::fail(const CsvRow& row, const std::string& what) const {
  throw InputError(path, row.line, what);
}

CsvTable parse_table(const std::string& text, const std::string& name, const CsvOptions& options) {
  if (options.delimiter != 0 && options.delimiter != ',' && options.delimiter != '\t')
    throw InputError(name, "the delimiter must be a comma or a tab");
  CsvTable table;
  table.path = name;
  table.missing_tokens = options.missing;
  char delimiter = options.delimiter;
  const size_t size = text.size();
  size_t i = 0;
  long line = 1;
  while (i < size) {
    const size_t end = line_end(text, i);
    if (text.find_first_not_of(" \t", i) >= end) {  // a blank line
      i = end;
      if (i < size) skip_line_end(text, i);
      ++line;
      continue;
    }
    if (options.comments && text[i] == '#') {
      size_t from = i + 1 < end && text[i + 1] == ' ' ? i + 2 : i + 1;  // "# text" -> "text"
      table.comments.push_back(text.substr(from, end - from));
      i = end;
      if (i < size) skip_line_end(text, i);
      ++line;
      continue;
    }
    if (delimiter == 0) delimiter = detect_delimiter(text, i, name, line);
    // Tab-separated files have no quoting (as IANA's text/tab-separated-values):
    // a '"' is text, e.g. in an interest-area label of an EyeLink report.
    const bool quoting = delimiter == ',';
    CsvRow row;
    row.line = line;
    std::string field;
    for (;;) {
      if (i >= size) {
        row.fields.push_back(field);
        break;
      }
      // A quoted field runs to its closing quote (comma-separated files only).
      if (quoting && text[i] == '"' && trimmed(field).empty()) {
        field.clear();
        ++i;
        for (;;) {
          if (i >= size) throw InputError(name, row.line, "unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < size && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        while (i < size && text[i] == ' ') ++i;
        if (i < size && text[i] != delimiter && !at_line_end(text, i))
          throw InputError(name, line, "text after the closing quote of a field");
        continue;
      }
      if (text[i] == delimiter) {
        row.fields.push_back(field);
        field.clear();
        ++i;
        continue;
      }
      if (at_line_end(text, i)) {
        row.fields.push_back(field);
        skip_line_end(text, i);
        ++line;
        break;
      }
      if (quoting && text[i] == '"') throw InputError(name, line, "quote inside an unquoted field");
      field += text[i++];
    }
    if (table.header.empty()) {
      std::set<std::string> seen;
      for (auto& h : row.fields) {
        h = trimmed(h);
        if (h.empty()) throw InputError(name, row.line, "empty column name in the header");
        if (!seen.insert(h).second)
          throw InputError(name, row.line, "column '" + h + "' appears twice in the header");
      }
      table.header = std::move(row.fields);
      table.header_line = row.line;
    } else {
      if (row.fields.size() != table.header.size())
        throw InputError(name, row.line,
                         std::to_string(row.fields.size()) + " fields, the header has " +
                             std::to_string(table.header.size()));
      table.rows.push_back(std::move(row));
    }
  }
  if (table.header.empty()) throw InputError(name, "no header line (the table is empty)");
  table.delimiter = delimiter == 0 ? ',' : delimiter;
  return table;
}

CsvTable read_table(const std::string& path, const CsvOptions& options) {
  std::error_code e;
  if (std::filesystem::is_directory(path, e)) throw InputError(path, "is a directory, not a file");
  std::string text = read_whole_file(path);
  check_text_bytes(text, path, /*allow_tab=*/true);
  // A UTF-8 byte-order mark before the first column name (spreadsheet exports).
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return parse_table(text, path, options);
}

CsvReader::CsvReader(const std::string& path, const CsvOptions& options)
    : table_(read_table(path, options)) {}

CsvReader::CsvReader(CsvTable table) : table_(std::move(table)) {}

bool CsvReader::next() {
  if (at_ >= table_.rows.size()) return false;
  ++at_;
  return true;
}

}  // namespace lmgaze
