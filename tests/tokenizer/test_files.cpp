#include "test_files.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>

namespace lmgaze::testing {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& stem) {
  std::random_device rd;
  fs::path p = fs::temp_directory_path() / (stem + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(p);
  return p;
}

ScratchDir::ScratchDir() : path_(fresh_dir("lmgaze-tokenizer-test-")) {}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string ScratchDir::write(const std::string& name, const std::string& content) const {
  const auto file = path_ / name;
  std::ofstream(file, std::ios::binary) << content;
  return file.string();
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

// Removes the decompressed files when the test program ends.
struct SharedDir {
  fs::path path = fresh_dir("lmgaze-shared-tokenizers-");
  ~SharedDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

const std::vector<std::string>& shared_tokenizer_names() {
  static const std::vector<std::string> names = {"llama3", "qwen3", "mistral", "gemma3"};
  return names;
}

std::string shared_tokenizer_dir(const std::string& name) {
  static SharedDir root;
  static std::mutex mutex;
  static std::map<std::string, std::string> done;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = done.find(name); it != done.end()) return it->second;
  const fs::path src = fs::path(LMGAZE_SHARED_DIR) / "tokenizers" / name;
  const fs::path dir = root.path / name;
  fs::create_directories(dir);
  const std::string command = "xz -dc '" + (src / "tokenizer.json.xz").string() + "' > '" +
                              (dir / "tokenizer.json").string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
  fs::copy_file(src / "tokenizer_config.json", dir / "tokenizer_config.json");
  fs::permissions(dir / "tokenizer_config.json", fs::perms::owner_write, fs::perm_options::add);
  return done[name] = dir.string();
}

const std::vector<std::string>& tokenizer_corpus() {
  static const std::vector<std::string> corpus = [] {
    const auto j = nlohmann::json::parse(
        read_text_file(std::string(LMGAZE_SOURCE_DIR) + "/tests/data/tokenizer_corpus.json"));
    return j.get<std::vector<std::string>>();
  }();
  return corpus;
}

}  // namespace lmgaze::testing
