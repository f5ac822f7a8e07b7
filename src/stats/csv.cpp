#include "stats/csv.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "common/inputs.hpp"
#include "common/text_bytes.hpp"
#include "io/atomic_output.hpp"

namespace lmgaze::stats {

bool CsvTable::has_column(const std::string& name) const {
  for (const auto& h : header)
    if (h == name) return true;
  return false;
}

size_t CsvTable::column(const std::string& name) const {
  for (size_t c = 0; c < header.size(); ++c)
    if (header[c] == name) return c;
  std::string names;
  for (const auto& h : header) names += (names.empty() ? "" : ", ") + h;
  throw InputError(path, header_line, "no column '" + name + "' (columns: " + names + ")");
}

double CsvTable::number(const CsvRow& row, size_t column) const {
  std::string s = row.fields.at(column);
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  if (s.empty() || s == "nan" || s == "NaN" || s == "NAN" || s == "NA")
    return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size())
    throw InputError(path, row.line,
                     "column '" + header.at(column) + "': '" + s + "' is not a number");
  return value;
}

namespace {

// True at a line end: "\n", "\r\n", or a "\r" that ends the text.
bool at_line_end(const std::string& text, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
}

// Moves i past the line end at i.
void skip_line_end(const std::string& text, size_t& i) { i += text[i] == '\r' ? 2 : 1; }

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& name) {
  CsvTable table;
  table.path = name;
  const size_t size = text.size();
  size_t i = 0;
  long line = 1;
  while (i < size) {
    if (at_line_end(text, i)) {  // blank line
      skip_line_end(text, i);
      ++line;
      continue;
    }
    if (text[i] == '#') {
      size_t end = i;
      while (end < size && !at_line_end(text, end)) ++end;
      size_t from = i + 1 < end && text[i + 1] == ' ' ? i + 2 : i + 1;  // "# text" -> "text"
      table.comments.push_back(text.substr(from, end - from));
      i = end;
      if (i < size) skip_line_end(text, i);
      ++line;
      continue;
    }
    CsvRow row;
    row.line = line;
    std::string field;
    for (;;) {
      if (i >= size) {
        row.fields.push_back(field);
        break;
      }
      if (text[i] == '"' && field.empty()) {  // a quoted field runs to its closing quote
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
        if (i < size && text[i] != ',' && !at_line_end(text, i))
          throw InputError(name, line, "text after the closing quote of a field");
        continue;
      }
      if (text[i] == ',') {
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
      if (text[i] == '"') throw InputError(name, line, "quote inside an unquoted field");
      field += text[i++];
    }
    if (table.header.empty()) {
      std::set<std::string> seen;
      for (const auto& h : row.fields) {
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
  return table;
}

CsvTable read_csv(const std::string& path) {
  note_input(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path, "cannot read");
  check_text_bytes(text.str(), path, /*allow_tab=*/true);
  return parse_csv(text.str(), path);
}

ColumnFilter parse_filter(const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("filter '" + spec + "': expected column=value");
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

std::vector<const CsvRow*> filter_rows(const CsvTable& table,
                                       const std::vector<ColumnFilter>& filters) {
  std::vector<size_t> columns;
  for (const auto& f : filters) columns.push_back(table.column(f.column));
  std::vector<const CsvRow*> kept;
  for (const auto& row : table.rows) {
    bool keep = true;
    for (size_t k = 0; k < filters.size() && keep; ++k)
      keep = row.fields[columns[k]] == filters[k].value;
    if (keep) kept.push_back(&row);
  }
  return kept;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos && (text.empty() || text[0] != '#'))
    return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_number(double value) {
  if (std::isnan(value)) return "";  // undefined: an empty field, as in the analysis tables
  if (std::isinf(value))
    throw InputError(
        "a result is infinite: the inputs hold values out of range (no table written)");
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

void write_csv(const std::string& path, const std::vector<std::string>& comments,
               const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temp_path(), std::ios::binary);
    if (!out) throw InputError(path, std::string("cannot create: ") + std::strerror(errno));
    for (const auto& c : comments) out << "# " << c << "\n";
    auto write_record = [&out](const std::vector<std::string>& fields) {
      for (size_t k = 0; k < fields.size(); ++k) out << (k ? "," : "") << csv_field(fields[k]);
      out << "\n";
    };
    write_record(header);
    for (const auto& r : rows) write_record(r);
    out.close();
    if (!out) throw InputError(path, "cannot write");
  }
  output.commit();
}

}  // namespace lmgaze::stats
