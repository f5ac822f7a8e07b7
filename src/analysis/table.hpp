// Result tables: CSV with `#` comment lines saying how the table was made
// (command line, options that change a result), a header row and one row per
// number — the format the `stats` commands read (stats/csv.hpp) — plus a JSON
// sidecar with the full record (inputs, options, definitions, diagnostics). Both are written
// through AtomicOutput, so a table is there complete or not at all.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lmgaze::analysis {

class Table {
 public:
  explicit Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  // A `# text` line before the header.
  void comment(const std::string& text) { comments_.push_back(text); }
  // One row; must have one field per column.
  void add(std::vector<std::string> row);
  void write(const std::string& path) const;
  size_t rows() const { return rows_.size(); }

  // Number formats: full precision (round-trips), empty for NaN.
  static std::string num(double value);
  static std::string integer(long long value);

 private:
  std::vector<std::string> comments_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Writes pretty-printed JSON atomically.
void write_json(const std::string& path, const nlohmann::json& value);

// An analysis' output set (its tables and JSON sidecar) appears as a whole or
// not at all. While an OutputSet is open on this thread, Table::write and
// write_json leave their files as PATH.partial; commit() first removes the
// sidecars (*.json) the set replaces, then renames the tables into place and
// the sidecars last, so a sidecar is only ever beside the tables written with
// it: it is the set's completion marker. A set left without commit (an error,
// a full disk) removes what it staged and leaves the previous set untouched.
// A set opened inside another joins it.
class OutputSet {
 public:
  OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();
  void commit();

 private:
  bool nested_ = false;
};

// "lmgaze <command> <args...>" with arguments quoted where they need it.
std::string command_line(const std::string& command, const std::vector<std::string>& args);

// The fields every sidecar carries: command, lmgaze version, MPI ranks.
nlohmann::json sidecar_header(const std::string& command, int ranks);

}  // namespace lmgaze::analysis
