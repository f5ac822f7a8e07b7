#include "extract/bos_choice.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace lmgaze {

BosMode parse_bos_mode(const std::string& name) {
  if (name == "auto") return BosMode::kAuto;
  if (name == "yes") return BosMode::kYes;
  if (name == "no") return BosMode::kNo;
  throw InputError("--bos " + name + ": expected auto, yes or no");
}

ConfigTokenIds read_config_token_ids(const std::string& model_dir) {
  const std::string path = (std::filesystem::path(model_dir) / "config.json").string();
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  auto ids = [&](const char* key) {
    std::vector<int> out;
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return out;
    const auto& v = j.at(key);
    auto one = [&](const nlohmann::json& x) {
      if (!x.is_number_integer() || x.get<long long>() < 0 || x.get<long long>() > INT32_MAX)
        throw InputError(path, std::string(key) + " must be a token id, a list of them, or null");
      out.push_back(x.get<int>());
    };
    if (v.is_array())
      for (const auto& x : v) one(x);
    else
      one(v);
    return out;
  };
  ConfigTokenIds c;
  const std::vector<int> bos = ids("bos_token_id");
  if (!bos.empty()) c.bos = bos.front();
  c.eos = ids("eos_token_id");
  return c;
}

BosChoice choose_bos(const Tokenizer& tokenizer, BosMode mode, const ConfigTokenIds& config) {
  const std::optional<int> tok = tokenizer.bos_id();
  const std::string tok_rule = tokenizer.bos_rule();
  BosChoice c;
  switch (mode) {
    case BosMode::kNo:
      c.rule = "no: no BOS (--bos no; the tokenizer's rule: " + tok_rule + ")";
      return c;
    case BosMode::kYes:
      if (config.bos) {
        c.id = config.bos;
        c.rule = "yes: config.json bos_token_id " + std::to_string(*config.bos) +
                 " (--bos yes; the tokenizer's rule: " + tok_rule + ")";
      } else if (tok) {
        c.id = tok;
        c.rule =
            "yes: the tokenizer's BOS " + std::to_string(*tok) + " (--bos yes; " + tok_rule + ")";
      } else {
        throw InputError("--bos yes: neither config.json (bos_token_id) nor the tokenizer (" +
                         tok_rule + ") names a BOS");
      }
      return c;
    case BosMode::kAuto:
      break;
  }
  c.id = tok;
  c.rule = "auto: " + tok_rule;
  const bool separator = config.bos && std::find(config.eos.begin(), config.eos.end(),
                                                 *config.bos) != config.eos.end();
  if (config.bos && !separator && c.id != config.bos) {
    c.warning =
        "config.json names bos_token_id " + std::to_string(*config.bos) + ", but the tokenizer " +
        (tok ? "puts " + std::to_string(*tok) + " first" : "adds no BOS") + " (" + tok_rule +
        "), and so would transformers; the model was probably trained with its BOS. "
        "--bos yes puts " +
        std::to_string(*config.bos) + " first; --bos no keeps the tokenizer's choice.";
  }
  return c;
}

}  // namespace lmgaze
