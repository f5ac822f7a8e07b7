// Scratch files for tokenizer tests, and the shared real tokenizer files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lmgaze::testing {

// A fresh directory per test, removed after.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// The four real tokenizers of ../shared/tokenizers (Llama 3, Qwen3, Mistral,
// Gemma 3), as a checkpoint directory holds them: the first call for a name
// decompresses its tokenizer.json.xz (xz -dc) beside a copy of its
// tokenizer_config.json into a directory that lives as long as the test
// program. Returns that directory.
std::string shared_tokenizer_dir(const std::string& name);
const std::vector<std::string>& shared_tokenizer_names();

// tests/data/tokenizer_corpus.json: the sentences of the reference tests.
const std::vector<std::string>& tokenizer_corpus();

// The whole content of a file.
std::string read_text_file(const std::string& path);

}  // namespace lmgaze::testing
