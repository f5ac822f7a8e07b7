// The CSV tables lmgaze writes and its `stats` commands read.
//
// A table is: any number of `#` comment lines (the options a table was made
// with; kept, in order, as metadata), one header line naming the columns, and
// one record per line, comma-separated. A `#` line after the header is kept
// as metadata too. Every problem is an InputError naming the file and the
// line, e.g. "runs/a/resemblance.csv:17: 5 fields, the header has 6".
#pragma once

#include <string>
#include <vector>

#include "common/csv.hpp"

namespace lmgaze::stats {

// Tables are read by the one CSV reader (common/csv.hpp) with `#` comment
// lines allowed and "", "NA", "nan" read as missing.
using lmgaze::CsvRow;
using lmgaze::CsvTable;

CsvTable read_csv(const std::string& path);
// The same parser on text in memory; `name` stands for the file in errors.
CsvTable parse_csv(const std::string& text, const std::string& name);

// --filter column=value: keep only the rows whose `column` equals `value`.
struct ColumnFilter {
  std::string column, value;
};
ColumnFilter parse_filter(const std::string& spec);  // "source=L1"
// The rows of `table` that pass every filter (each filter's column must exist).
std::vector<const CsvRow*> filter_rows(const CsvTable& table,
                                       const std::vector<ColumnFilter>& filters);

// Writing: a field quoted only when it must be, a number in the shortest form
// that reads back to the same double; NaN (undefined) as an empty field, and
// an infinite number is an InputError: no table holds inf or NaN.
std::string csv_field(const std::string& text);
std::string csv_number(double value);

// Writes `comments` as `# ...` lines, the header and the rows to `path`
// through PATH.partial, so the table appears complete or not at all.
void write_csv(const std::string& path, const std::vector<std::string>& comments,
               const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

}  // namespace lmgaze::stats
