#include "run/check.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "stats/csv.hpp"

namespace fs = std::filesystem;

namespace lmgaze::run {

namespace {

// The OUT-relative paths of the job's tables: CSV outputs under analysis/ and stats/.
std::vector<std::string> table_paths(const Job& job, const Graph& graph) {
  std::vector<std::string> rel;
  for (const Stage& s : graph.stages)
    for (const std::string& o : s.outputs) {
      const std::string r = out_relative(o, job.out_dir);
      if (r.rfind("OUT/", 0) != 0 || r.size() < 4 || r.substr(r.size() - 4) != ".csv") continue;
      const std::string path = r.substr(4);
      if (path.rfind("analysis/", 0) == 0 || path.rfind("stats/", 0) == 0) rel.push_back(path);
    }
  return rel;
}

// A field as a number: true with `value` set; empty and nan spellings are NaN.
bool as_number(const std::string& field, double* value) {
  if (field.empty() || field == "nan" || field == "NaN" || field == "NA") {
    *value = std::nan("");
    return true;
  }
  char* end = nullptr;
  *value = std::strtod(field.c_str(), &end);
  return end == field.c_str() + field.size();
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

// "model=toy-m group=L1 layer=2": the row's first fields, to find it again.
std::string describe_row(const stats::CsvTable& t, const stats::CsvRow& row, size_t skip) {
  std::string d;
  int shown = 0;
  for (size_t c = 0; c < t.header.size() && shown < 4; ++c) {
    if (c == skip) continue;
    double v;
    if (as_number(row.fields[c], &v) && !(t.header[c] == "layer" || t.header[c] == "index" ||
                                          t.header[c] == "sentence" || t.header[c] == "subject"))
      continue;
    d += (d.empty() ? "" : " ") + t.header[c] + "=" + row.fields[c];
    ++shown;
  }
  return d;
}

}  // namespace

CheckSummary check_tables(const Job& job, const Graph& graph, const std::string& expected_dir,
                          const Tolerance& tol, std::ostream& out, int max_lines) {
  CheckSummary sum;
  if (!fs::is_directory(expected_dir))
    throw InputError(expected_dir, "expected tables: no such directory");
  out << "check " << job.name << ": tables of " << job.out_dir << " against " << expected_dir
      << " (|fresh - expected| <= " << tol.atol << " + " << tol.rtol << " |expected|)\n";
  for (const std::string& rel : table_paths(job, graph)) {
    const std::string fresh_path = job.out_dir + "/" + rel,
                      expected_path = expected_dir + "/" + rel;
    const bool have_fresh = fs::exists(fresh_path), have_expected = fs::exists(expected_path);
    if (!have_expected) {
      if (have_fresh) {
        ++sum.new_tables;
        out << "new      " << rel << " (no expected table; not compared)\n";
      }
      continue;
    }
    if (!have_fresh) {
      ++sum.missing;
      out << "missing  " << rel << ": the run did not write it (run the job first?)\n";
      continue;
    }
    ++sum.tables;
    const stats::CsvTable f = stats::read_csv(fresh_path), e = stats::read_csv(expected_path);
    if (f.header != e.header || f.rows.size() != e.rows.size()) {
      ++sum.changed;
      out << "changed  " << rel << ": "
          << (f.header != e.header ? "columns differ"
                                   : std::to_string(e.rows.size()) + " rows expected, " +
                                         std::to_string(f.rows.size()) + " now")
          << "\n";
      continue;
    }
    long moved_here = 0;
    for (size_t r = 0; r < f.rows.size(); ++r)
      for (size_t c = 0; c < f.header.size(); ++c) {
        const std::string& fv = f.rows[r].fields[c];
        const std::string& ev = e.rows[r].fields[c];
        double x, y;
        std::string what;
        if (as_number(ev, &y) && as_number(fv, &x)) {
          ++sum.values;
          const bool both_nan = std::isnan(x) && std::isnan(y);
          if (both_nan || std::fabs(x - y) <= tol.atol + tol.rtol * std::fabs(y)) continue;
          what = num(y) + " -> " + num(x);
          if (!std::isnan(x) && !std::isnan(y) && y != 0)
            what += " (" + std::string(x > y ? "+" : "") + num(100 * (x - y) / std::fabs(y)) + "%)";
        } else if (fv != ev) {
          what = "'" + ev + "' -> '" + fv + "'";
        } else {
          continue;
        }
        ++moved_here;
        if (moved_here <= max_lines)
          out << "moved    " << rel << ":" << f.rows[r].line << " ("
              << describe_row(f, f.rows[r], c) << ") " << f.header[c] << ": " << what << "\n";
      }
    if (moved_here > max_lines)
      out << "moved    " << rel << ": ... " << moved_here - max_lines << " more\n";
    if (moved_here > 0) ++sum.changed;
    sum.moved += moved_here;
  }
  out << (sum.regression() ? "REGRESSION: " : "ok: ") << sum.tables << " tables, " << sum.values
      << " values compared; " << sum.moved << " values moved in " << sum.changed << " tables, "
      << sum.missing << " missing, " << sum.new_tables << " new\n";
  return sum;
}

int store_expected(const Job& job, const Graph& graph, const std::string& expected_dir,
                   std::ostream& out) {
  int n = 0;
  for (const std::string& rel : table_paths(job, graph)) {
    const std::string from = job.out_dir + "/" + rel;
    if (!fs::exists(from)) continue;
    const fs::path to = fs::path(expected_dir) / rel;
    fs::create_directories(to.parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    ++n;
  }
  out << "stored " << n << " tables of " << job.out_dir << " as expected tables in " << expected_dir
      << "\n";
  return n;
}

}  // namespace lmgaze::run
