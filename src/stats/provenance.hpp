// What the `stats` tests share around their numbers: the equivalent command
// line and the inputs' comments that head every table they write, the
// filters they take, and the short numbers they print.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "stats/csv.hpp"

namespace lmgaze::stats {

// "%.*g" of a double: the printed summaries, not the tables.
std::string short_number(double v, int digits = 6);

// printf-style text for the printed summaries (one line of a table).
template <typename... T>
std::string printf_string(const char* fmt, T... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// The filters of --filter, --filter-a/--filter-b etc., parsed (InputError for
// one without '=').
std::vector<ColumnFilter> parse_filters(const std::vector<std::string>& specs);

// " [source=L1, layer=3]"; empty without filters.
std::string describe_filters(const std::vector<ColumnFilter>& filters);

// The equivalent command line, one option at a time in the order `--help`
// lists them, so that a table made by `lmgaze run` and one made by hand
// record the same line.
class CommandLine {
 public:
  explicit CommandLine(const std::string& command) : line_("lmgaze " + command) {}
  CommandLine& option(const std::string& name, const std::string& value);
  CommandLine& option(const std::string& name, double value);  // as csv_number writes it
  CommandLine& optional(const std::string& name, const std::string& value);  // skipped if empty
  CommandLine& flag(const std::string& name, bool on);
  CommandLine& each(const std::string& name, const std::vector<std::string>& values);
  const std::string& str() const { return line_; }

 private:
  std::string line_;
};

// A table's header comments: how it was made, then each input's own comments
// (an input given twice, as in --a T.csv --b T.csv, once).
std::vector<std::string> provenance(const std::string& command_line,
                                    const std::vector<const CsvTable*>& inputs);

}  // namespace lmgaze::stats
