#include "report/manifest.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace lmgaze::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

bool flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

double number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace

std::string TableInfo::file(const std::string& role) const {
  for (const auto& [r, path] : files)
    if (r == role) return path;
  return "";
}

std::string TableInfo::first_file(const std::vector<std::string>& roles) const {
  for (const auto& r : roles) {
    const std::string f = file(r);
    if (!f.empty()) return f;
  }
  return "";
}

std::string TableInfo::field(const std::string& key) const { return str(extra, key.c_str()); }

const ModelInfo* Manifest::model(const std::string& name) const {
  for (const auto& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

const HumanInfo* Manifest::store(const std::string& name) const {
  for (const auto& h : human)
    if (h.name == name) return &h;
  return nullptr;
}

std::vector<const TableInfo*> Manifest::of_kind(const std::string& kind) const {
  std::vector<const TableInfo*> out;
  for (const auto& t : tables)
    if (t.kind == kind && t.done) out.push_back(&t);
  return out;
}

bool Manifest::any_simulated() const {
  for (const auto& h : human)
    if (h.simulated) return true;
  return false;
}

Manifest read_manifest(const std::string& out_dir) {
  Manifest m;
  m.out = fs::absolute(out_dir).lexically_normal().string();
  m.path = (fs::path(m.out) / "manifest.json").string();
  std::ifstream in(m.path);
  if (!in)
    throw InputError(m.path,
                     "no run manifest here (lmgaze run writes it; is this a run's output folder?)");
  std::stringstream buf;
  buf << in.rdbuf();
  json j;
  try {
    j = json::parse(buf.str());
  } catch (const json::parse_error& e) {
    throw InputError(m.path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object() || str(j, "format") != "lmgaze-run-manifest")
    throw InputError(m.path, "not an lmgaze run manifest (format is not \"lmgaze-run-manifest\")");
  if (!j.contains("tables") || !j["tables"].is_array())
    throw InputError(m.path, "the manifest has no \"tables\" list");
  m.name = str(j, "name");
  m.job = str(j, "job");
  m.text = str(j, "text");
  if (j.contains("models") && j["models"].is_array())
    for (const auto& e : j["models"]) {
      ModelInfo mi;
      mi.name = str(e, "name");
      mi.family = str(e, "family");
      mi.n_params = number(e, "n_params");
      mi.base = str(e, "base");
      mi.role = str(e, "role");
      mi.n_layers = static_cast<int>(number(e, "n_layers"));
      mi.n_heads = static_cast<int>(number(e, "n_heads"));
      if (mi.name.empty()) throw InputError(m.path, "a model without a name");
      m.models.push_back(mi);
    }
  if (j.contains("conditions") && j["conditions"].is_array())
    for (const auto& e : j["conditions"])
      m.conditions.push_back({str(e, "name"), str(e, "prefix")});
  m.reference = strings(j, "reference");
  if (j.contains("human") && j["human"].is_array())
    for (const auto& e : j["human"]) {
      HumanInfo h;
      h.name = str(e, "name");
      h.groups = strings(e, "groups");
      h.simulated = flag(e, "simulated");
      h.group_means = flag(e, "group_means");
      h.with_models = flag(e, "with_models");
      m.human.push_back(h);
    }
  for (const auto& e : j["tables"]) {
    TableInfo t;
    t.stage = str(e, "stage");
    t.kind = str(e, "kind");
    t.model = str(e, "model");
    t.store = str(e, "store");
    t.group = str(e, "group");
    t.done = flag(e, "done");
    if (e.contains("files") && e["files"].is_object())
      for (const auto& [role, path] : e["files"].items())
        if (path.is_string()) {
          fs::path p = path.get<std::string>();
          t.files.emplace_back(role, (p.is_absolute() ? p : fs::path(m.out) / p).string());
        }
    // "points" of a stats_fit entry is a path too.
    if (e.contains("points") && e["points"].is_string() && t.file("points").empty()) {
      fs::path p = e["points"].get<std::string>();
      t.files.emplace_back("points", (p.is_absolute() ? p : fs::path(m.out) / p).string());
    }
    t.extra = e;
    if (t.kind.empty())
      throw InputError(m.path, "a table without a \"kind\" (stage " + t.stage + ")");
    m.tables.push_back(std::move(t));
  }
  return m;
}

}  // namespace lmgaze::report
