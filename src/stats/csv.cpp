#include "stats/csv.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.hpp"
#include "io/atomic_output.hpp"

namespace lmgaze::stats {

namespace {

CsvOptions table_options() {
  CsvOptions o;
  o.delimiter = ',';
  o.comments = true;
  o.missing = {"", "NA"};
  return o;
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& name) {
  return parse_table(text, name, table_options());
}

CsvTable read_csv(const std::string& path) { return read_table(path, table_options()); }

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
