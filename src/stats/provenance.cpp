#include "stats/provenance.hpp"

#include <cstdio>

namespace lmgaze::stats {

std::string short_number(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::vector<ColumnFilter> parse_filters(const std::vector<std::string>& specs) {
  std::vector<ColumnFilter> out;
  for (const auto& spec : specs) out.push_back(parse_filter(spec));
  return out;
}

std::string describe_filters(const std::vector<ColumnFilter>& filters) {
  std::string s;
  for (const auto& f : filters) s += (s.empty() ? " [" : ", ") + f.column + "=" + f.value;
  return s.empty() ? s : s + "]";
}

CommandLine& CommandLine::option(const std::string& name, const std::string& value) {
  line_ += " --" + name + " " + value;
  return *this;
}

CommandLine& CommandLine::option(const std::string& name, double value) {
  return option(name, csv_number(value));
}

CommandLine& CommandLine::optional(const std::string& name, const std::string& value) {
  return value.empty() ? *this : option(name, value);
}

CommandLine& CommandLine::flag(const std::string& name, bool on) {
  if (on) line_ += " --" + name;
  return *this;
}

CommandLine& CommandLine::each(const std::string& name, const std::vector<std::string>& values) {
  for (const auto& v : values) option(name, v);
  return *this;
}

std::vector<std::string> provenance(const std::string& command_line,
                                    const std::vector<const CsvTable*>& inputs) {
  std::vector<std::string> comments = {command_line};
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (k > 0 && inputs[k]->path == inputs[0]->path) continue;  // --a T.csv --b T.csv
    for (const auto& c : inputs[k]->comments) comments.push_back(inputs[k]->path + ": " + c);
  }
  return comments;
}

}  // namespace lmgaze::stats
