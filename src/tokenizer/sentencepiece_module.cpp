// The SentencePiece module: libsentencepiece behind a C interface, loaded with
// dlopen by SentencePieceTokenizer (see sentencepiece_module.h for why).
#include "tokenizer/sentencepiece_module.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <string>

namespace {

void set_error(char* error, size_t size, const std::string& message) {
  if (!error || size == 0) return;
  std::strncpy(error, message.c_str(), size - 1);
  error[size - 1] = '\0';
}

const sentencepiece::SentencePieceProcessor* cast(const void* p) {
  return static_cast<const sentencepiece::SentencePieceProcessor*>(p);
}

}  // namespace

extern "C" {

void* lmgaze_spm_load(const char* model_path, char* error, size_t error_size) {
  auto* processor = new sentencepiece::SentencePieceProcessor();
  const auto status = processor->Load(model_path);
  if (!status.ok()) {
    set_error(error, error_size, status.ToString());
    delete processor;
    return nullptr;
  }
  return processor;
}

void lmgaze_spm_free(void* processor) {
  delete static_cast<sentencepiece::SentencePieceProcessor*>(processor);
}

int lmgaze_spm_vocab_size(const void* processor) { return cast(processor)->GetPieceSize(); }

int lmgaze_spm_bos_id(const void* processor) { return cast(processor)->bos_id(); }

int lmgaze_spm_encode(const void* processor, const char* text, size_t text_size,
                      lmgaze_spm_emit emit, void* context, char* error, size_t error_size) {
  sentencepiece::ImmutableSentencePieceText proto;
  const auto status = cast(processor)->Encode(std::string(text, text_size), proto.mutable_proto());
  if (!status.ok()) {
    set_error(error, error_size, status.ToString());
    return 1;
  }
  for (const auto& piece : proto.pieces()) emit(context, piece.id(), piece.begin(), piece.end());
  return 0;
}

}  // extern "C"
