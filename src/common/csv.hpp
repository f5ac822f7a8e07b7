// The one reader of the CSV (and tab-separated) files lmgaze reads: human
// data (fixations, saccades, sentences, trial and group mappings, exports of
// eye-tracking labs) and its own tables (the `stats` commands, the report).
//
// A file is: `#` comment lines where the caller allows them (the options a
// table was made with; kept, in order, as metadata), one header line naming
// the columns, and one record per line. The delimiter is a comma or a tab,
// given by the caller or detected from the header. In a comma-separated file
// fields may be quoted ("a,b", "say ""hi""") and a quoted field may span
// lines; a tab-separated file has no quoting (a '"' is text). Lines holding only
// blanks are skipped. Column names are trimmed of spaces, a UTF-8 byte-order
// mark before the first is dropped, and a name may not be empty or repeated.
// Every record has exactly as many fields as the header. The bytes are checked
// as for every text input (common/text_bytes.hpp: UTF-8, no control
// character but the tab). Every problem is an InputError naming the file and
// the line, e.g. "fix.tsv:17: 5 fields, the header has 6".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lmgaze {

struct CsvOptions {
  // ',' or '\t'; 0: detected from the header line (a tab and no comma outside
  // quotes: tab; else comma; both: refused, the caller must say).
  char delimiter = ',';
  // Whether a line starting with '#' (outside a quoted field) is a comment.
  // Where not allowed, such a line is an ordinary record (so a commented
  // header is reported as a header without the required columns).
  bool comments = false;
  // Field texts (after trimming blanks) that mean "no value".
  std::vector<std::string> missing = {""};
};

struct CsvRow {
  long line = 0;                    // 1-based line where the record starts
  std::vector<std::string> fields;  // one per header column
};

struct CsvTable {
  std::string path;                   // the name errors cite
  std::vector<std::string> comments;  // comment lines without the leading "# "
  long header_line = 0;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  char delimiter = ',';
  std::vector<std::string> missing_tokens;

  bool has_column(const std::string& name) const;
  // Index of `name` in the header; InputError at the header line if absent.
  size_t column(const std::string& name) const;
  // Index of `name`, or -1.
  long find(const std::string& name) const;

  // Whether the field is one of the missing-value tokens.
  bool is_missing(const CsvRow& row, size_t column) const;
  // The field as a number. A missing-value token (and "nan", "NaN", "NAN") is
  // NaN; anything else that is not a whole number is an InputError at the
  // row's line: "column 'C': 'TEXT' is not a number".
  double number(const CsvRow& row, size_t column) const;
  // The field as an integer: "C 'TEXT' is not an integer".
  int64_t integer(const CsvRow& row, size_t column) const;
  // The field as a finite decimal number: "C 'TEXT' is not a finite number".
  double finite(const CsvRow& row, size_t column) const;
  [[noreturn]] void fail(const CsvRow& row, const std::string& what) const;
};

// Reads and parses `path` (noted as an input of the running command).
CsvTable read_table(const std::string& path, const CsvOptions& options);
// The same parser on text in memory; `name` stands for the file in errors.
CsvTable parse_table(const std::string& text, const std::string& name, const CsvOptions& options);

// The records of a table one at a time, for readers that validate row by row.
class CsvReader {
 public:
  explicit CsvReader(const std::string& path, const CsvOptions& options = {});
  explicit CsvReader(CsvTable table);

  const CsvTable& table() const { return table_; }
  const std::string& source() const { return table_.path; }
  size_t require(const std::string& column) const { return table_.column(column); }
  long find(const std::string& column) const { return table_.find(column); }

  // Moves to the next record; false after the last.
  bool next();
  long line() const { return row().line; }
  const std::string& field(size_t column) const { return row().fields[column]; }
  bool missing(size_t column) const { return table_.is_missing(row(), column); }
  int64_t integer(size_t column) const { return table_.integer(row(), column); }
  double number(size_t column) const { return table_.finite(row(), column); }
  [[noreturn]] void fail(const std::string& what) const { table_.fail(row(), what); }

 private:
  const CsvRow& row() const { return table_.rows[at_ - 1]; }
  CsvTable table_;
  size_t at_ = 0;  // 1 + the current record
};

}  // namespace lmgaze
