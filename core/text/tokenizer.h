// Subword tokenizer (SentencePiece) for the copy models: training, encode/decode, and the model
// bytes a checkpoint stores. SentencePiece lives in the tailor_spm module (see spm_loader.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/text/tokenizer_params.h"

namespace tailor {

struct SpmModule;

/// A loaded SentencePiece model. Thread-safe for concurrent encode/decode; move-only.
class Tokenizer {
 public:
  /// Trains a model on `sentences` (UTF-8, one sentence each; empty ones are ignored) and returns
  /// its serialized bytes. Training happens in memory (no temporary files), so the bytes depend
  /// only on the sentences, their order and `params`: same input -> same bytes.
  static std::string train(const TokenizerTrainParams& params,
                           const std::vector<std::string>& sentences);
  /// Same, with one sentence per line of the UTF-8 text file `path` (a trailing '\r' is dropped).
  static std::string train_from_file(const TokenizerTrainParams& params, const std::string& path);

  /// Loads a model from the bytes returned by train() or model_bytes().
  static Tokenizer from_model_bytes(std::string bytes);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;
  ~Tokenizer();

  /// Ids of the pieces of `text` (UTF-8). No bos/eos are added.
  std::vector<int32_t> encode(const std::string& text) const;
  /// Text of `ids`; every id must be in [0, vocab_size()).
  std::string decode(const std::vector<int32_t>& ids) const;

  int32_t vocab_size() const { return vocab_size_; }
  /// Piece text of `id` ("▁the", "<0x0A>", "<unk>"); `id` must be in [0, vocab_size()).
  std::string piece_of(int32_t id) const;
  /// Id of a piece, or unk_id() when the model has no such piece.
  int32_t id_of(const std::string& piece) const;
  /// Special ids; -1 when the model has none.
  int32_t unk_id() const { return unk_id_; }
  int32_t bos_id() const { return bos_id_; }
  int32_t eos_id() const { return eos_id_; }
  int32_t pad_id() const { return pad_id_; }

  /// The serialized model (what a checkpoint stores; from_model_bytes() restores it).
  const std::string& model_bytes() const { return model_bytes_; }

 private:
  Tokenizer() = default;
  struct Handle;
  const SpmModule* module_ = nullptr;
  std::unique_ptr<Handle> handle_;
  std::string model_bytes_;
  int32_t vocab_size_ = 0;
  int32_t unk_id_ = -1;
  int32_t bos_id_ = -1;
  int32_t eos_id_ = -1;
  int32_t pad_id_ = -1;
};

}  // namespace tailor
