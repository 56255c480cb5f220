// C API of the tailor_spm module: SentencePiece behind plain C functions, so that the module can
// be dlopen()ed with RTLD_LOCAL | RTLD_DEEPBIND and its protobuf-lite never clashes with
// LibTorch's protobuf. Only core/text/tokenizer.cpp uses this header.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opaque processor handle.
typedef struct tailor_spm tailor_spm;

/// Trains a model with SentencePiece's trainer; `args` is its flag string
/// ("--input=... --model_prefix=... --vocab_size=..."). Returns 0 on success; on failure writes
/// a message into err (size err_size).
int tailor_spm_train(const char* args, char* err, size_t err_size);

/// Loads a serialized model (the bytes of a .model file). NULL on failure (message in err).
tailor_spm* tailor_spm_load(const char* bytes, size_t size, char* err, size_t err_size);
void tailor_spm_free(tailor_spm* p);

int32_t tailor_spm_vocab_size(const tailor_spm* p);
/// Encodes UTF-8 text to ids. Writes up to `cap` ids, returns the total count (call again with a
/// larger buffer when it exceeds cap), or -1 on error.
int64_t tailor_spm_encode(const tailor_spm* p, const char* text, size_t len, int32_t* ids, int64_t cap);
/// Decodes ids to UTF-8. Writes up to `cap` bytes, returns the total length, or -1 on error.
int64_t tailor_spm_decode(const tailor_spm* p, const int32_t* ids, int64_t n, char* out, int64_t cap);
/// Piece text of one id (into out, cap bytes); returns its length or -1.
int64_t tailor_spm_id_to_piece(const tailor_spm* p, int32_t id, char* out, int64_t cap);
/// Id of a piece, or the unknown id.
int32_t tailor_spm_piece_to_id(const tailor_spm* p, const char* piece, size_t len);
/// Special ids (-1 when the model has none).
int32_t tailor_spm_unk_id(const tailor_spm* p);
int32_t tailor_spm_bos_id(const tailor_spm* p);
int32_t tailor_spm_eos_id(const tailor_spm* p);
int32_t tailor_spm_pad_id(const tailor_spm* p);

#ifdef __cplusplus
}
#endif
