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

/// Trains a model with SentencePiece's trainer in memory: `args` is its flag string
/// ("--model_type=unigram --vocab_size=8000 ..."), the sentences come from `sentences`
/// (`lengths[i]` bytes each, `n` of them), and no file is read or written. Training runs on a
/// fresh thread with SentencePiece's random generator seeded with a fixed value, so the same
/// input gives the same model in every run. On success returns 0 and stores the
/// serialized model in *model (free it with tailor_spm_free_bytes) and its size in *model_size;
/// on failure returns 1 and writes a message into err (size err_size).
int tailor_spm_train(const char* args, const char* const* sentences, const size_t* lengths,
                     size_t n, char** model, size_t* model_size, char* err, size_t err_size);
/// Frees a buffer returned by tailor_spm_train.
void tailor_spm_free_bytes(char* bytes);

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
