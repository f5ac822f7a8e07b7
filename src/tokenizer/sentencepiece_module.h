/* C interface of the SentencePiece module (liblmgaze_sentencepiece.so).
 *
 * Why a module: Debian's libsentencepiece carries its own copy of protobuf
 * (3.14) and exports its symbols, while LibTorch loads the system libprotobuf
 * (3.21). Linked into one executable, one copy's symbols override the other's
 * and the process crashes during static initialisation, whichever comes
 * first. lmgaze therefore never links libsentencepiece: it loads this module
 * with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so SentencePiece binds to its own
 * protobuf and nothing else sees it. The interface is plain C so that no C++
 * type crosses the boundary. */
#ifndef LMGAZE_SENTENCEPIECE_MODULE_H
#define LMGAZE_SENTENCEPIECE_MODULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per piece, in order: id and byte range [begin, end) of the input. */
typedef void (*lmgaze_spm_emit)(void* context, int id, size_t begin, size_t end);

/* Loads tokenizer.model; NULL on failure with a message in error[error_size]. */
void* lmgaze_spm_load(const char* model_path, char* error, size_t error_size);
void lmgaze_spm_free(void* processor);
int lmgaze_spm_vocab_size(const void* processor);
int lmgaze_spm_bos_id(const void* processor); /* -1: none */
/* 0 on success; otherwise non-zero with a message in error[error_size]. */
int lmgaze_spm_encode(const void* processor, const char* text, size_t text_size,
                      lmgaze_spm_emit emit, void* context, char* error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif
