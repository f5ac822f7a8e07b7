#include "tokenizer/sentencepiece_tokenizer.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "tokenizer/sentencepiece_module.h"

namespace lmgaze {

// The module's functions, resolved once per tokenizer.
struct SentencePieceTokenizer::Module {
  void* handle = nullptr;
  decltype(&lmgaze_spm_load) load = nullptr;
  decltype(&lmgaze_spm_free) free = nullptr;
  decltype(&lmgaze_spm_vocab_size) vocab_size = nullptr;
  decltype(&lmgaze_spm_bos_id) bos_id = nullptr;
  decltype(&lmgaze_spm_encode) encode = nullptr;
};

namespace {

constexpr const char* kModuleName = "liblmgaze_sentencepiece.so";

// Where the module may be: $LMGAZE_SENTENCEPIECE_MODULE, beside the running
// executable (an installed lmgaze), or where this build put it.
std::vector<std::string> module_candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("LMGAZE_SENTENCEPIECE_MODULE")) paths.push_back(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    paths.push_back((std::filesystem::path(exe).parent_path() / kModuleName).string());
  }
#ifdef LMGAZE_SENTENCEPIECE_MODULE_PATH
  paths.push_back(LMGAZE_SENTENCEPIECE_MODULE_PATH);
#endif
  return paths;
}

template <class F>
void resolve(void* handle, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(handle, name));
  if (!*out) throw std::runtime_error(std::string("SentencePiece module lacks ") + name);
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& model_path)
    : path_(model_path), module_(std::make_unique<Module>()) {
  std::string tried;
  for (const std::string& candidate : module_candidates()) {
    if (!std::filesystem::exists(candidate)) continue;
    // LOCAL: nothing else binds to SentencePiece's protobuf; DEEPBIND: it binds to its own.
    module_->handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (module_->handle) break;
    tried += std::string(" ") + dlerror();
  }
  if (!module_->handle)
    throw std::runtime_error(std::string("cannot load ") + kModuleName +
                             " (set LMGAZE_SENTENCEPIECE_MODULE)" + tried);
  resolve(module_->handle, "lmgaze_spm_load", &module_->load);
  resolve(module_->handle, "lmgaze_spm_free", &module_->free);
  resolve(module_->handle, "lmgaze_spm_vocab_size", &module_->vocab_size);
  resolve(module_->handle, "lmgaze_spm_bos_id", &module_->bos_id);
  resolve(module_->handle, "lmgaze_spm_encode", &module_->encode);

  char error[512] = {0};
  processor_ = module_->load(model_path.c_str(), error, sizeof error);
  if (!processor_)
    throw InputError(model_path, std::string("cannot load SentencePiece model: ") + error);
}

SentencePieceTokenizer::~SentencePieceTokenizer() {
  if (processor_) module_->free(processor_);
  // The module stays loaded: unloading a library with static protobuf state
  // is not safe, and it costs nothing to keep.
}

std::vector<Token> SentencePieceTokenizer::encode(const std::string& text) const {
  std::vector<Token> tokens;
  auto emit = [](void* context, int id, size_t begin, size_t end) {
    static_cast<std::vector<Token>*>(context)->push_back({id, begin, end});
  };
  char error[512] = {0};
  if (module_->encode(processor_, text.data(), text.size(), emit, &tokens, error, sizeof error))
    throw InputError(path_, std::string("SentencePiece cannot encode text: ") + error);
  return tokens;
}

int SentencePieceTokenizer::vocab_size() const { return module_->vocab_size(processor_); }

std::optional<int> SentencePieceTokenizer::bos_id() const {
  const int id = module_->bos_id(processor_);
  if (id < 0) return std::nullopt;
  return id;
}

std::string SentencePieceTokenizer::bos_rule() const {
  // The slow LlamaTokenizer adds the model's BOS (add_bos_token defaults to true).
  const auto id = bos_id();
  return id ? "tokenizer.model (SentencePiece): its BOS (" + std::to_string(*id) + ")"
            : "tokenizer.model (SentencePiece) has no BOS";
}

}  // namespace lmgaze
