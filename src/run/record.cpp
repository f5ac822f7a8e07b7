#include "run/record.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "lmgaze_version.hpp"

namespace fs = std::filesystem;

namespace lmgaze::run {

namespace {

Fingerprint stat_file(const std::string& path, const std::string& out_dir) {
  Fingerprint f;
  f.path = out_relative(path, out_dir);
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::is_regular_file(st)) return f;
  f.size = static_cast<int64_t>(fs::file_size(path, ec));
  const auto t = fs::last_write_time(path, ec);
  f.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  return f;
}

nlohmann::json to_json(const std::vector<Fingerprint>& fps) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& f : fps)
    a.push_back({{"path", f.path}, {"size", f.size}, {"mtime_ns", f.mtime_ns}});
  return a;
}

std::vector<Fingerprint> from_json(const nlohmann::json& a) {
  std::vector<Fingerprint> fps;
  if (!a.is_array()) return fps;
  for (const auto& e : a) {
    Fingerprint f;
    f.path = e.value("path", "");
    f.size = e.value("size", int64_t{-1});
    f.mtime_ns = e.value("mtime_ns", int64_t{0});
    fps.push_back(f);
  }
  return fps;
}

std::string short_json(const nlohmann::json& v) {
  std::string s = v.is_null() ? "(none)" : v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// The first difference between two option objects, as "key: old -> new".
std::string first_difference(const nlohmann::json& was, const nlohmann::json& now,
                             const std::string& where) {
  if (was == now) return "";
  if (was.is_object() && now.is_object()) {
    for (const auto& [k, v] : now.items()) {
      const std::string d = first_difference(was.contains(k) ? was[k] : nlohmann::json(), v,
                                             where + (where.empty() ? "" : ".") + k);
      if (!d.empty()) return d;
    }
    for (const auto& [k, v] : was.items())
      if (!now.contains(k)) return where + (where.empty() ? "" : ".") + k + " removed";
  }
  if (was.is_array() && now.is_array() && was.size() == now.size()) {
    for (size_t i = 0; i < now.size(); ++i) {
      const std::string d = first_difference(was[i], now[i], where + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
  }
  return where + ": " + short_json(was) + " -> " + short_json(now);
}

}  // namespace

std::vector<Fingerprint> fingerprints(const std::vector<std::string>& paths,
                                      const std::string& out_dir) {
  std::vector<Fingerprint> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!p.empty() && fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file(ec)) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) out.push_back(stat_file(f, out_dir));
    } else {
      out.push_back(stat_file(p, out_dir));
    }
  }
  return out;
}

std::string record_path(const std::string& out_dir, const std::string& stage_id) {
  return out_dir + "/.lmgaze/stages/" + stage_id + ".json";
}

nlohmann::json make_record(const Stage& stage, const std::string& out_dir, double seconds,
                           int ranks) {
  const std::time_t now = std::time(nullptr);
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  nlohmann::json execution = stage.execution.is_null() ? nlohmann::json::object() : stage.execution;
  execution["ranks"] = ranks;
  return {{"id", stage.id},
          {"kind", stage.kind},
          {"options", stage.options},
          {"execution", execution},
          {"inputs", to_json(fingerprints(stage.inputs, out_dir))},
          {"outputs", to_json(fingerprints(stage.outputs, out_dir))},
          {"seconds", seconds},
          {"finished", when},
          {"lmgaze_version", LMGAZE_VERSION}};
}

std::string stale_reason(const Stage& stage, const std::string& out_dir) {
  const std::string path = record_path(out_dir, stage.id);
  std::ifstream in(path);
  if (!in) return "not run yet";
  nlohmann::json rec;
  try {
    rec = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return "unreadable record " + out_relative(path, out_dir);
  }
  const std::string d = first_difference(rec.value("options", nlohmann::json()), stage.options, "");
  if (!d.empty()) return "options changed: " + d;
  const auto outs_now = fingerprints(stage.outputs, out_dir);
  const auto outs_was = from_json(rec.value("outputs", nlohmann::json()));
  for (const auto& f : outs_now) {
    if (f.size < 0) return "output missing: " + f.path;
    if (std::find(outs_was.begin(), outs_was.end(), f) == outs_was.end())
      return "output changed since its run: " + f.path;
  }
  const auto ins_now = fingerprints(stage.inputs, out_dir);
  const auto ins_was = from_json(rec.value("inputs", nlohmann::json()));
  for (const auto& f : ins_now)
    if (std::find(ins_was.begin(), ins_was.end(), f) == ins_was.end())
      return (f.size < 0 ? "input missing: " : "input changed: ") + f.path;
  for (const auto& f : ins_was)
    if (std::find(ins_now.begin(), ins_now.end(), f) == ins_now.end())
      return "input removed: " + f.path;
  return "";
}

}  // namespace lmgaze::run
