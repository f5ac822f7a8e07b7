#include <filesystem>

#include "common/error.hpp"
#include "tokenizer/gpt2_bpe_tokenizer.hpp"
#include "tokenizer/sentencepiece_tokenizer.hpp"
#include "tokenizer/tokenizer.hpp"

namespace lmgaze {

Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& model_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(model_dir);
  if (!fs::is_directory(dir)) throw InputError(model_dir, "not a directory");

  const fs::path sentencepiece_model = dir / "tokenizer.model";
  if (fs::exists(sentencepiece_model)) {
    return std::make_unique<SentencePieceTokenizer>(sentencepiece_model.string());
  }
  const fs::path vocab = dir / "vocab.json";
  const fs::path merges = dir / "merges.txt";
  if (fs::exists(vocab) || fs::exists(merges)) {
    // Half a GPT-2 tokenizer: name the missing half.
    if (!fs::exists(vocab)) throw InputError(vocab.string(), "missing (merges.txt is there)");
    if (!fs::exists(merges)) throw InputError(merges.string(), "missing (vocab.json is there)");
    return std::make_unique<Gpt2BpeTokenizer>(vocab.string(), merges.string());
  }
  throw InputError(model_dir,
                   "no tokenizer: expected tokenizer.model (SentencePiece) or vocab.json and "
                   "merges.txt (GPT-2 BPE)");
}

}  // namespace lmgaze
