// The report's tables: each one is written twice, as CSV (full precision, the
// format lmgaze's other tables use; stats/csv.hpp) and as Markdown (numbers to
// four significant digits, for reading).
#pragma once

#include <string>
#include <vector>

namespace lmgaze::report {

struct OutTable {
  std::string name;   // file stem: tables/NAME.csv, tables/NAME.md
  std::string title;  // Markdown heading
  std::string note;   // how the table was made (CSV comment, Markdown paragraph)
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // one field per header column

  bool empty() const { return rows.empty(); }
};

// Numbers for tables: full precision that reads back to the same double
// (empty for NaN) and the short form for prose and Markdown ("0.01235",
// "2.3e-05", "nan" for NaN).
std::string full(double value);
std::string brief(double value, int digits = 4);
// A p-value for prose: "p = 0.012", "p = 3.4e-05", "p < 1e-300".
std::string p_text(double p);

// GitHub-flavoured Markdown of the table (heading, note, rows); numeric fields
// shortened with brief(). At most max_rows rows (0: all), then a line that
// says how many were left out and where the full table is.
std::string markdown(const OutTable& table, size_t max_rows = 0);

// Writes DIR/NAME.csv and DIR/NAME.md (each atomically).
void write_table(const OutTable& table, const std::string& dir);

// Writes `text` to `path` through PATH.partial (complete or not at all).
void write_text(const std::string& path, const std::string& text);

}  // namespace lmgaze::report
