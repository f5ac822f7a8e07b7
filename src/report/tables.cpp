#include "report/tables.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "io/atomic_output.hpp"
#include "stats/csv.hpp"

namespace lmgaze::report {

std::string full(double value) { return std::isnan(value) ? "" : stats::csv_number(value); }

std::string brief(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  return buf;
}

std::string p_text(double p) {
  if (std::isnan(p)) return "p = nan";
  if (p <= 0) return "p < 1e-300";
  return "p = " + brief(p, 2);
}

namespace {

bool numeric(const std::string& s, double* value) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  *value = v;
  return true;
}

// An integer stays as written; any other number is shortened.
std::string cell(const std::string& s) {
  double v = 0;
  if (!numeric(s, &v)) return s.empty() ? "–" : s;
  if (s.find_first_of(".eEnN") == std::string::npos) return s;
  return brief(v);
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string markdown(const OutTable& table, size_t max_rows) {
  std::ostringstream md;
  if (!table.title.empty()) md << "### " << table.title << "\n\n";
  if (!table.note.empty()) md << table.note << "\n\n";
  md << "|";
  for (const auto& h : table.header) md << " " << escape(h) << " |";
  md << "\n|";
  for (size_t k = 0; k < table.header.size(); ++k) md << "---|";
  md << "\n";
  const size_t shown = max_rows && table.rows.size() > max_rows ? max_rows : table.rows.size();
  for (size_t r = 0; r < shown; ++r) {
    md << "|";
    for (const auto& f : table.rows[r]) md << " " << escape(cell(f)) << " |";
    md << "\n";
  }
  if (shown < table.rows.size())
    md << "\n(" << table.rows.size() - shown << " more rows in [tables/" << table.name
       << ".csv](tables/" << table.name << ".csv))\n";
  return md.str();
}

void write_text(const std::string& path, const std::string& text) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temp_path(), std::ios::binary);
    if (!out) throw InputError(path, std::string("cannot create: ") + std::strerror(errno));
    out << text;
    out.close();
    if (!out) throw InputError(path, "cannot write");
  }
  output.commit();
}

void write_table(const OutTable& table, const std::string& dir) {
  std::vector<std::string> comments;
  if (!table.title.empty()) comments.push_back(table.title);
  if (!table.note.empty()) comments.push_back(table.note);
  stats::write_csv(dir + "/" + table.name + ".csv", comments, table.header, table.rows);
  write_text(dir + "/" + table.name + ".md", markdown(table));
}

}  // namespace lmgaze::report
