#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "tokenizer/bpe_files.hpp"
#include "tokenizer/sentencepiece_tokenizer.hpp"
#include "tokenizer/sha256.hpp"
#include "tokenizer/tokenizer.hpp"
#include "tokenizer/tokenizer_json.hpp"

namespace lmgaze {

Tokenizer::~Tokenizer() = default;

std::optional<std::string> Tokenizer::special_token(int) const { return std::nullopt; }

TokenizerFormat parse_tokenizer_format(const std::string& name, const std::string& option) {
  if (name == "auto") return TokenizerFormat::kAuto;
  if (name == "json") return TokenizerFormat::kJson;
  if (name == "sentencepiece") return TokenizerFormat::kSentencePiece;
  if (name == "bpe-files") return TokenizerFormat::kBpeFiles;
  throw InputError(option + " " + name + ": expected auto, json, sentencepiece or bpe-files");
}

namespace {

namespace fs = std::filesystem;

std::unique_ptr<Tokenizer> load_json(const fs::path& dir) {
  const fs::path config = dir / "tokenizer_config.json";
  return read_tokenizer_json((dir / "tokenizer.json").string(),
                             fs::exists(config) ? config.string() : "");
}

std::unique_ptr<Tokenizer> load_bpe_files(const fs::path& dir) {
  const fs::path vocab = dir / "vocab.json";
  const fs::path merges = dir / "merges.txt";
  // Half a GPT-2 tokenizer: name the missing half.
  if (!fs::exists(vocab)) throw InputError(vocab.string(), "missing (merges.txt is there)");
  if (!fs::exists(merges)) throw InputError(merges.string(), "missing (vocab.json is there)");
  const fs::path config = dir / "tokenizer_config.json";
  return read_bpe_files(vocab.string(), merges.string(), fs::exists(config) ? config.string() : "");
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& model_dir, TokenizerFormat format) {
  const fs::path dir(model_dir);
  if (!fs::is_directory(dir)) throw InputError(model_dir, "not a directory");
  const bool has_json = fs::exists(dir / "tokenizer.json");
  const bool has_model = fs::exists(dir / "tokenizer.model");
  const bool has_bpe = fs::exists(dir / "vocab.json") || fs::exists(dir / "merges.txt");

  switch (format) {
    case TokenizerFormat::kJson:
      if (!has_json) throw InputError(model_dir, "--tokenizer json: no tokenizer.json here");
      return load_json(dir);
    case TokenizerFormat::kSentencePiece:
      if (!has_model)
        throw InputError(model_dir, "--tokenizer sentencepiece: no tokenizer.model here");
      return std::make_unique<SentencePieceTokenizer>((dir / "tokenizer.model").string());
    case TokenizerFormat::kBpeFiles:
      if (!has_bpe)
        throw InputError(model_dir, "--tokenizer bpe-files: no vocab.json or merges.txt here");
      return load_bpe_files(dir);
    case TokenizerFormat::kAuto:
      break;
  }
  // AutoTokenizer's order: the fast tokenizer's file, then the slow ones.
  if (has_json) return load_json(dir);
  if (has_model)
    return std::make_unique<SentencePieceTokenizer>((dir / "tokenizer.model").string());
  if (has_bpe) return load_bpe_files(dir);
  throw InputError(model_dir,
                   "no tokenizer: expected tokenizer.json, tokenizer.model (SentencePiece) or "
                   "vocab.json and merges.txt (GPT-2 BPE)");
}

std::string hash_tokenizer_files(const Tokenizer& tokenizer) {
  Sha256 h;
  for (const std::string& path : tokenizer.files()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot open file");
    const std::string name = fs::path(path).filename().string();
    const auto size = static_cast<uint64_t>(fs::file_size(path));
    h.update(name + "\n" + std::to_string(size) + "\n");
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
      h.update(buffer, static_cast<size_t>(in.gcount()));
  }
  return "sha256:" + h.hex_digest();
}

}  // namespace lmgaze
