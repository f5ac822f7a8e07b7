#include "tokenizer/bpe_files.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "common/error.hpp"
#include "common/read_file.hpp"
#include "tokenizer/byte_alphabet.hpp"
#include "tokenizer/pipeline_tokenizer.hpp"

namespace lmgaze {
namespace {

// `role` says which token it is: "merge part" or "merge result".
int lookup(const BpeVocab& vocab, const std::string& token, const char* role,
           const std::string& path, long line) {
  const auto it = vocab.find(token);
  if (it == vocab.end()) {
    throw InputError(path, line, std::string(role) + " '" + token + "' is not in vocab.json");
  }
  return it->second;
}

}  // namespace

BpeVocab read_bpe_vocab(const std::string& path) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_whole_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  if (!json.is_object() || json.empty()) {
    throw InputError(path, "expected a non-empty JSON object {token: id}");
  }

  BpeVocab vocab;
  std::vector<bool> id_seen(json.size(), false);
  for (const auto& [token, id] : json.items()) {
    if (!id.is_number_integer()) throw InputError(path, "id of '" + token + "' is not an integer");
    const auto value = id.get<long long>();
    if (value < 0 || value >= static_cast<long long>(json.size()) || id_seen[value]) {
      throw InputError(path, "ids must be 0.." + std::to_string(json.size() - 1) +
                                 ", each once; '" + token + "' has " + std::to_string(value));
    }
    id_seen[value] = true;
    vocab.emplace(token, static_cast<int>(value));
  }
  const auto alphabet = byte_level_alphabet();
  for (int b = 0; b < 256; ++b) {
    if (!vocab.count(alphabet[b])) {
      throw InputError(path, "missing the single-byte token for byte " + std::to_string(b));
    }
  }
  return vocab;
}

std::vector<BpeMerge> read_bpe_merges(const std::string& path, const BpeVocab& vocab) {
  std::istringstream in(read_whole_file(path));
  std::vector<BpeMerge> merges;
  std::set<std::pair<int, int>> seen;
  std::string text;
  for (long line = 1; std::getline(in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (line == 1 && text.rfind("#version", 0) == 0) continue;
    if (text.empty()) continue;
    const size_t space = text.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == text.size() ||
        text.find(' ', space + 1) != std::string::npos) {
      throw InputError(path, line,
                       "expected two tokens separated by one space, got '" + text + "'");
    }
    const std::string left = text.substr(0, space);
    const std::string right = text.substr(space + 1);
    BpeMerge m;
    m.left = lookup(vocab, left, "merge part", path, line);
    m.right = lookup(vocab, right, "merge part", path, line);
    m.merged = lookup(vocab, left + right, "merge result", path, line);
    // Python's dict would silently let the later rank win; a repeated merge
    // means the file is damaged.
    if (!seen.emplace(m.left, m.right).second) {
      throw InputError(path, line, "merge '" + text + "' appears twice");
    }
    merges.push_back(m);
  }
  if (merges.empty()) throw InputError(path, "no merges");
  return merges;
}

std::vector<AddedToken> read_bpe_special_tokens(const std::string& config_path,
                                                const BpeVocab& vocab) {
  nlohmann::json config = nlohmann::json::object();
  if (!config_path.empty()) {
    try {
      config = nlohmann::json::parse(read_whole_file(config_path));
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(config_path, std::string("not valid JSON: ") + e.what());
    }
    if (!config.is_object()) throw InputError(config_path, "expected a JSON object");
  }
  std::vector<AddedToken> tokens;
  int next_id = static_cast<int>(vocab.size());
  const auto add = [&](const std::string& content, std::optional<int> id, bool special,
                       const nlohmann::json& flags) {
    for (const AddedToken& t : tokens)
      if (t.content == content) return;
    AddedToken t;
    t.content = content;
    t.special = special;
    const auto flag = [&](const char* key) {
      if (!flags.contains(key)) return false;
      if (!flags.at(key).is_boolean())
        throw InputError(config_path, "\"" + content + "\": \"" + key + "\" is not true/false");
      return flags.at(key).get<bool>();
    };
    t.normalized = flag("normalized");
    t.single_word = flag("single_word");
    t.lstrip = flag("lstrip");
    t.rstrip = flag("rstrip");
    const auto in_vocab = vocab.find(content);
    if (in_vocab != vocab.end()) {
      if (id && *id != in_vocab->second)
        throw InputError(config_path, "added token \"" + content + "\" has id " +
                                          std::to_string(*id) + ", vocab.json says " +
                                          std::to_string(in_vocab->second));
      t.id = in_vocab->second;
    } else {
      t.id = id ? *id : next_id;
    }
    next_id = std::max(next_id, t.id + 1);
    tokens.push_back(t);
  };
  // transformers 4.34 and later list every added token with its id and flags.
  if (config.contains("added_tokens_decoder")) {
    const nlohmann::json& decoder = config.at("added_tokens_decoder");
    if (!decoder.is_object())
      throw InputError(config_path, "\"added_tokens_decoder\" is not an object");
    for (const auto& [key, entry] : decoder.items()) {
      int id = -1;
      try {
        size_t used = 0;
        id = std::stoi(key, &used);
        if (used != key.size() || id < 0) id = -1;
      } catch (const std::exception&) {
      }
      if (id < 0 || !entry.is_object() || !entry.contains("content") ||
          !entry.at("content").is_string())
        throw InputError(config_path, "added_tokens_decoder entry \"" + key +
                                          "\": expected \"ID\": {\"content\": ...}");
      const bool special = entry.value("special", false);
      add(entry.at("content").get<std::string>(), id, special, entry);
    }
  }
  // The named special tokens; GPT2Tokenizer's default for each of unk, bos and
  // eos is "<|endoftext|>".
  const auto content_of = [&](const nlohmann::json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v.at("content").is_string())
      return v.at("content").get<std::string>();
    if (v.is_null()) return std::nullopt;
    throw InputError(config_path, "a special token is neither a string nor {\"content\": ...}");
  };
  for (const char* role : {"unk_token", "bos_token", "eos_token", "pad_token"}) {
    const bool gpt2_default = std::string(role) != "pad_token";
    if (!config.contains(role)) {
      if (gpt2_default && vocab.count(kGpt2EndOfText))
        add(kGpt2EndOfText, std::nullopt, true, nlohmann::json::object());
      continue;
    }
    const nlohmann::json& v = config.at(role);
    if (const auto content = content_of(v))
      add(*content, std::nullopt, true, v.is_object() ? v : nlohmann::json::object());
  }
  if (config.contains("additional_special_tokens")) {
    const nlohmann::json& list = config.at("additional_special_tokens");
    if (!list.is_array())
      throw InputError(config_path, "\"additional_special_tokens\" is not a list");
    for (const nlohmann::json& v : list)
      if (const auto content = content_of(v))
        add(*content, std::nullopt, true, v.is_object() ? v : nlohmann::json::object());
  }
  return tokens;
}

std::unique_ptr<Tokenizer> read_bpe_files(const std::string& vocab_path,
                                          const std::string& merges_path,
                                          const std::string& config_path) {
  BpeVocab vocab = read_bpe_vocab(vocab_path);
  const std::vector<BpeMerge> merges = read_bpe_merges(merges_path, vocab);
  PipelineParts parts;
  parts.kind = "bpe-files";
  parts.files = {vocab_path, merges_path};
  if (!config_path.empty()) parts.files.push_back(config_path);
  parts.added = AddedVocabulary(read_bpe_special_tokens(config_path, vocab), nullptr);
  parts.pre_tokenizer = std::make_unique<ByteLevelPreTokenizer>(/*add_prefix_space=*/false,
                                                                /*use_regex=*/true);
  parts.model = std::make_unique<BpeModel>(std::move(vocab), merges, BpeOptions{}, vocab_path);
  parts.bos_rule = "vocab.json + merges.txt (GPT-2 BPE): no BOS";
  return std::make_unique<PipelineTokenizer>(std::move(parts));
}

}  // namespace lmgaze
