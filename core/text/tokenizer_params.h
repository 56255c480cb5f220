// Parameters of tokenizer training (SentencePiece trainer flags), their defaults and checks.
// configs/tokenizer.yaml holds every field with its default value.
#pragma once

#include <cstdint>
#include <string>

namespace tailor {

class ParamSet;

/// How Tokenizer::train() builds a SentencePiece model. The defaults give an exact round trip
/// decode(encode(s)) == s for any valid UTF-8 text without the character U+2581 ("▁"):
/// identity normalisation, no whitespace folding, byte fallback for unseen characters.
struct TokenizerTrainParams {
  /// "unigram" or "bpe".
  std::string model_type = "unigram";
  /// Number of pieces in the model, special and byte pieces included (byte_fallback adds 256).
  /// Training fails with a clear message when the corpus cannot support this many.
  int32_t vocab_size = 8000;
  /// Share of characters (by frequency) that get their own piece, in (0, 1]; the rarest
  /// remaining ones become bytes (byte_fallback) or unk.
  double character_coverage = 0.9995;
  /// SentencePiece normalisation rule: "identity" (none; keeps text exact), "nfkc", "nmt_nfkc",
  /// "nfkc_cf", "nmt_nfkc_cf".
  std::string normalization_rule_name = "identity";
  /// Fold runs of spaces and strip leading/trailing spaces (breaks the exact round trip).
  bool remove_extra_whitespaces = false;
  /// Prepend a space so that a word at the start of text is tokenised like one after a space.
  bool add_dummy_prefix = true;
  /// Characters outside the vocabulary become their UTF-8 bytes (<0xNN> pieces) instead of unk.
  bool byte_fallback = true;
  /// Every digit is a piece of its own (prices and dates tokenise uniformly).
  bool split_digits = true;
  /// Sentences longer than this many bytes are left out of training (never out of encoding).
  int32_t max_sentence_length = 4192;
  /// Train on at most this many sentences, sampled by SentencePiece (0 = all sentences). The
  /// sample is reproducible: SentencePiece's generator gets a fixed seed (spm_module.cpp).
  int64_t input_sentence_size = 0;
  /// Trainer threads. Part of the recipe: a unigram model depends on it (its E-step splits the
  /// sentences between threads); for a fixed value training is reproducible.
  int32_t num_threads = 1;
  /// Special piece ids; -1 leaves the piece out. unk_id must be >= 0.
  int32_t unk_id = 0;
  int32_t bos_id = 1;
  int32_t eos_id = 2;
  int32_t pad_id = 3;
};

/// Registers every field under `section` (e.g. "tokenizer").
void bind(ParamSet& ps, TokenizerTrainParams& p);

/// Throws tailor::Error naming the field when a value is out of range.
void validate(const TokenizerTrainParams& p);

/// The SentencePiece trainer flag string for `p` (validated first).
std::string spm_trainer_args(const TokenizerTrainParams& p);

}  // namespace tailor
