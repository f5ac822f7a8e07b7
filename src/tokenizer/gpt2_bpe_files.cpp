#include "tokenizer/gpt2_bpe_files.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "common/error.hpp"
#include "tokenizer/gpt2_byte_alphabet.hpp"

namespace lmgaze {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `role` says which token it is: "merge part" or "merge result".
int lookup(const Gpt2Vocab& vocab, const std::string& token, const char* role,
           const std::string& path, long line) {
  const auto it = vocab.find(token);
  if (it == vocab.end()) {
    throw InputError(path, line, std::string(role) + " '" + token + "' is not in vocab.json");
  }
  return it->second;
}

}  // namespace

Gpt2Vocab read_gpt2_vocab(const std::string& path) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  if (!json.is_object() || json.empty()) {
    throw InputError(path, "expected a non-empty JSON object {token: id}");
  }

  Gpt2Vocab vocab;
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
  const auto alphabet = gpt2_byte_alphabet();
  for (int b = 0; b < 256; ++b) {
    if (!vocab.count(alphabet[b])) {
      throw InputError(path, "missing the single-byte token for byte " + std::to_string(b));
    }
  }
  return vocab;
}

std::vector<Gpt2Merge> read_gpt2_merges(const std::string& path, const Gpt2Vocab& vocab) {
  std::istringstream in(read_file(path));
  std::vector<Gpt2Merge> merges;
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
    Gpt2Merge m;
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

}  // namespace lmgaze
