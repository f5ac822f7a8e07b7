// A small reader for the CSV files of the human side (fixations, saccades,
// sentences).
//
// A header line is required; columns are found by name, in any order, and
// extra columns are ignored. Fields may be double-quoted (RFC 4180, "" for a
// quote inside), but a record never spans lines. Lines are numbered from 1
// (the header), and every parse error is an InputError naming the file and
// the line. No comment lines: a CSV that starts with '#' is reported as a
// header without the required columns.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

namespace lmgaze::human {

class CsvReader {
 public:
  explicit CsvReader(const std::string& path);
  // Same, from a stream (tests); `source` names it in errors.
  CsvReader(std::unique_ptr<std::istream> in, const std::string& source);

  const std::string& source() const { return source_; }
  // Index of a column; InputError at the header line naming the missing
  // column and the columns present.
  size_t require(const std::string& column) const;
  // Index of an optional column, or -1.
  long find(const std::string& column) const;

  // Reads the next record into fields(); false at the end of the file.
  // Blank lines are skipped.
  bool next();
  long line() const { return line_; }
  const std::string& field(size_t column) const { return fields_[column]; }

  // Field parsers: InputError(file, line, "<column> '<text>' is not ...").
  int64_t integer(size_t column) const;
  double number(size_t column) const;  // finite decimal number
  [[noreturn]] void fail(const std::string& what) const;

 private:
  void split(const std::string& text);
  void open_header();

  std::unique_ptr<std::istream> in_;
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  long line_ = 0;
};

}  // namespace lmgaze::human
