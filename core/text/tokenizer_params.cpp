// Tokenizer training parameters: ParamSet binding, range checks, SentencePiece flag string.
#include "core/text/tokenizer_params.h"

#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/config/param_set.h"

namespace tailor {

void bind(ParamSet& ps, TokenizerTrainParams& p) {
  ps.add("model_type", &p.model_type, "SentencePiece model: unigram or bpe");
  ps.add("vocab_size", &p.vocab_size, "pieces in the model, special and byte pieces included");
  ps.add("character_coverage", &p.character_coverage,
         "share of characters with a piece of their own, in (0, 1]");
  ps.add("normalization_rule_name", &p.normalization_rule_name,
         "identity (exact text), nfkc, nmt_nfkc, nfkc_cf or nmt_nfkc_cf");
  ps.add("remove_extra_whitespaces", &p.remove_extra_whitespaces,
         "fold runs of spaces and strip ends (breaks the exact round trip)");
  ps.add("add_dummy_prefix", &p.add_dummy_prefix, "prepend a space before tokenising");
  ps.add("byte_fallback", &p.byte_fallback, "unknown characters become <0xNN> byte pieces");
  ps.add("split_digits", &p.split_digits, "every digit is a piece of its own");
  ps.add("max_sentence_length", &p.max_sentence_length,
         "longer training sentences (bytes) are left out of training");
  ps.add("input_sentence_size", &p.input_sentence_size,
         "train on at most this many sampled sentences (0 = all); reproducible");
  ps.add("num_threads", &p.num_threads, "trainer threads (unigram models depend on it; fix it for reproducibility)");
  ps.add("unk_id", &p.unk_id, "id of <unk> (>= 0)");
  ps.add("bos_id", &p.bos_id, "id of <s>, -1 for none");
  ps.add("eos_id", &p.eos_id, "id of </s>, -1 for none");
  ps.add("pad_id", &p.pad_id, "id of <pad>, -1 for none");
}

void validate(const TokenizerTrainParams& p) {
  TAILOR_CHECK(p.model_type == "unigram" || p.model_type == "bpe",
               "tokenizer.model_type must be unigram or bpe, got '" << p.model_type << "'");
  static const std::set<std::string> kRules = {"identity", "nfkc", "nmt_nfkc", "nfkc_cf",
                                               "nmt_nfkc_cf"};
  TAILOR_CHECK(kRules.count(p.normalization_rule_name) == 1,
               "tokenizer.normalization_rule_name must be one of identity, nfkc, nmt_nfkc, "
               "nfkc_cf, nmt_nfkc_cf; got '" << p.normalization_rule_name << "'");
  TAILOR_CHECK(p.character_coverage > 0.0 && p.character_coverage <= 1.0,
               "tokenizer.character_coverage must be in (0, 1], got " << p.character_coverage);
  TAILOR_CHECK(p.max_sentence_length > 0,
               "tokenizer.max_sentence_length must be positive, got " << p.max_sentence_length);
  TAILOR_CHECK(p.input_sentence_size >= 0,
               "tokenizer.input_sentence_size must be >= 0, got " << p.input_sentence_size);
  TAILOR_CHECK(p.num_threads >= 1 && p.num_threads <= 128,
               "tokenizer.num_threads must be in [1, 128], got " << p.num_threads);
  TAILOR_CHECK(p.unk_id >= 0, "tokenizer.unk_id must be >= 0, got " << p.unk_id);
  const int32_t ids[] = {p.unk_id, p.bos_id, p.eos_id, p.pad_id};
  const char* names[] = {"unk_id", "bos_id", "eos_id", "pad_id"};
  int32_t specials = 0;
  for (int i = 0; i < 4; ++i) {
    if (ids[i] < 0) {
      TAILOR_CHECK(ids[i] == -1, "tokenizer." << names[i] << " must be -1 or >= 0, got " << ids[i]);
      continue;
    }
    ++specials;
    for (int j = 0; j < i; ++j)
      TAILOR_CHECK(ids[i] != ids[j], "tokenizer." << names[i] << " and tokenizer." << names[j]
                                                  << " are both " << ids[i]);
  }
  const int32_t min_vocab = specials + (p.byte_fallback ? 256 : 0) + 1;
  TAILOR_CHECK(p.vocab_size >= min_vocab,
               "tokenizer.vocab_size must be at least " << min_vocab << " (special pieces"
               << (p.byte_fallback ? " + 256 byte pieces" : "") << " + 1), got " << p.vocab_size);
  for (int i = 0; i < 4; ++i)
    TAILOR_CHECK(ids[i] < p.vocab_size, "tokenizer." << names[i] << " = " << ids[i]
                                                     << " is not below vocab_size " << p.vocab_size);
}

std::string spm_trainer_args(const TokenizerTrainParams& p) {
  validate(p);
  auto b = [](bool v) { return v ? "true" : "false"; };
  std::ostringstream os;
  os.precision(17);
  // No --input or --model_prefix: sentences come from memory and the model is returned in memory.
  os << "--model_type=" << p.model_type << " --vocab_size=" << p.vocab_size
     << " --character_coverage=" << p.character_coverage
     << " --normalization_rule_name=" << p.normalization_rule_name
     << " --remove_extra_whitespaces=" << b(p.remove_extra_whitespaces)
     << " --add_dummy_prefix=" << b(p.add_dummy_prefix) << " --byte_fallback=" << b(p.byte_fallback)
     << " --split_digits=" << b(p.split_digits) << " --max_sentence_length=" << p.max_sentence_length
     << " --input_sentence_size=" << p.input_sentence_size
     << " --shuffle_input_sentence=true --num_threads=" << p.num_threads
     << " --unk_id=" << p.unk_id << " --bos_id=" << p.bos_id << " --eos_id=" << p.eos_id
     << " --pad_id=" << p.pad_id << " --hard_vocab_limit=true --minloglevel=1";
  return os.str();
}

}  // namespace tailor
