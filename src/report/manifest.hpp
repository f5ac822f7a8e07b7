// The index of a run's outputs, OUT/manifest.json (written by `lmgaze run`;
// the contract is src/run/LAYOUT.md). The report reads the manifest and never
// guesses a path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lmgaze::report {

struct ModelInfo {
  std::string name;
  std::string family;
  double n_params = 0;  // 0 when unknown
  std::string base;     // tuned models: the model they were tuned from
  std::string role;     // "scale" | "tuned" | "other"
  int n_layers = 0;
  int n_heads = 0;
};

struct ConditionInfo {
  std::string name;  // "plain" or a [prefixes] key
  std::string prefix;
};

struct HumanInfo {
  std::string name;  // the store
  std::vector<std::string> groups;
  bool simulated = false;
  bool group_means = false;  // one subject ("mean") per group
  bool with_models = false;  // the readers read the models' text
};

// One analysis output. `kind` and the naming fields follow LAYOUT.md; every
// other field of the manifest entry stays in `extra` (e.g. "divergence", "what").
struct TableInfo {
  std::string stage;
  std::string kind;  // ntp, noise_ceiling, resemblance, trivial_model, trivial_human,
                     // divergence, agreement, stats_paired, stats_groups, stats_fit
  std::string model, store, group;
  std::vector<std::pair<std::string, std::string>> files;  // role -> absolute path
  bool done = false;
  nlohmann::json extra;

  // The file with role `role`; "" when absent.
  std::string file(const std::string& role) const;
  // The first CSV among `roles` that is listed (in that order); "" when none.
  std::string first_file(const std::vector<std::string>& roles) const;
  // A string field of the manifest entry ("" when absent).
  std::string field(const std::string& key) const;
};

struct Manifest {
  std::string path;  // OUT/manifest.json
  std::string out;   // OUT (the directory that holds the manifest)
  std::string name;  // the job's name
  std::string job;   // the job file
  std::string text;
  std::vector<ModelInfo> models;
  std::vector<ConditionInfo> conditions;
  std::vector<std::string> reference;  // two model names, or empty
  std::vector<HumanInfo> human;
  std::vector<TableInfo> tables;

  const ModelInfo* model(const std::string& name) const;
  const HumanInfo* store(const std::string& name) const;
  // Tables of one kind, in manifest order (finished ones only).
  std::vector<const TableInfo*> of_kind(const std::string& kind) const;
  bool any_simulated() const;
};

// Reads OUT/manifest.json. Throws InputError (file and what) when it is missing,
// not JSON, of another format, or lacks a required field.
Manifest read_manifest(const std::string& out_dir);

}  // namespace lmgaze::report
