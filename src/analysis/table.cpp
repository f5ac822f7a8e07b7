#include "analysis/table.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "common/error.hpp"
#include "io/atomic_output.hpp"
#include "lmgaze_version.hpp"

namespace lmgaze::analysis {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// The files staged by the open OutputSet of this thread, in write order.
thread_local std::vector<std::unique_ptr<AtomicOutput>>* g_staged = nullptr;

bool is_sidecar(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

void write_text(const std::string& path, const std::string& text) {
  if (g_staged) {  // rewritten within the set: the later text wins
    for (auto it = g_staged->begin(); it != g_staged->end(); ++it)
      if ((*it)->final_path() == path) {
        g_staged->erase(it);
        break;
      }
  }
  auto out = std::make_unique<AtomicOutput>(path);
  {
    std::ofstream f(out->temp_path(), std::ios::binary);
    f << text;
    f.close();
    if (!f) throw InputError(path, "cannot write output");
  }
  if (g_staged)
    g_staged->push_back(std::move(out));
  else
    out->commit();
}

}  // namespace

void Table::add(std::vector<std::string> row) {
  if (row.size() != columns_.size()) throw std::logic_error("Table::add: wrong number of fields");
  rows_.push_back(std::move(row));
}

void Table::write(const std::string& path) const {
  std::string text;
  auto line = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) text += (i ? "," : "") + csv_field(fields[i]);
    text += "\n";
  };
  for (const auto& c : comments_) text += "# " + c + "\n";
  line(columns_);
  for (const auto& r : rows_) line(r);
  write_text(path, text);
}

std::string Table::num(double value) {
  if (std::isnan(value)) return "";  // undefined: an empty field, never "nan"
  // No table holds inf: it only arises from values out of any plausible range,
  // which the readers refuse; this is the last guard, not the first.
  if (std::isinf(value))
    throw InputError(
        "a result is infinite: the inputs hold values out of range (no table written)");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

std::string Table::integer(long long value) { return std::to_string(value); }

void write_json(const std::string& path, const nlohmann::json& value) {
  write_text(path, value.dump(2) + "\n");
}

OutputSet::OutputSet() {
  if (g_staged)
    nested_ = true;
  else
    g_staged = new std::vector<std::unique_ptr<AtomicOutput>>();
}

OutputSet::~OutputSet() {
  if (nested_ || !g_staged) return;
  delete g_staged;  // each uncommitted AtomicOutput removes its PATH.partial
  g_staged = nullptr;
}

void OutputSet::commit() {
  if (nested_ || !g_staged) return;
  std::vector<std::unique_ptr<AtomicOutput>> staged = std::move(*g_staged);
  delete g_staged;
  g_staged = nullptr;
  for (const auto& o : staged)
    if (is_sidecar(o->final_path())) std::remove(o->final_path().c_str());
  for (const auto& o : staged)
    if (!is_sidecar(o->final_path())) o->commit();
  for (const auto& o : staged)
    if (is_sidecar(o->final_path())) o->commit();
}

std::string command_line(const std::string& command, const std::vector<std::string>& args) {
  std::string line = "lmgaze " + command;
  for (const auto& a : args) {
    if (!a.empty() && a.find_first_of(" \t'\"") == std::string::npos)
      line += " " + a;
    else
      line += " '" + a + "'";
  }
  return line;
}

nlohmann::json sidecar_header(const std::string& command, int ranks) {
  return {{"command", command}, {"lmgaze_version", LMGAZE_VERSION}, {"mpi_ranks", ranks}};
}

}  // namespace lmgaze::analysis
