#include "tokenizer/bpe_files.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
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

std::unique_ptr<Tokenizer> read_bpe_files(const std::string& vocab_path,
                                          const std::string& merges_path) {
  BpeVocab vocab = read_bpe_vocab(vocab_path);
  const std::vector<BpeMerge> merges = read_bpe_merges(merges_path, vocab);
  PipelineParts parts;
  parts.kind = "bpe-files";
  parts.files = {vocab_path, merges_path};
  parts.pre_tokenizer = std::make_unique<ByteLevelPreTokenizer>(/*add_prefix_space=*/false,
                                                                /*use_regex=*/true);
  parts.model = std::make_unique<BpeModel>(std::move(vocab), merges, BpeOptions{}, vocab_path);
  parts.bos_rule = "vocab.json + merges.txt (GPT-2 BPE): no BOS";
  return std::make_unique<PipelineTokenizer>(std::move(parts));
}

}  // namespace lmgaze
