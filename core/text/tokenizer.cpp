// Tokenizer: training, encoding and decoding through the tailor_spm module's C API.
#include "core/text/tokenizer.h"

#include <fstream>
#include <utility>

#include "core/common/error.h"
#include "core/text/spm_loader.h"

namespace tailor {
namespace {
constexpr size_t kErrSize = 2048;
}  // namespace

// Owns one processor inside the module.
struct Tokenizer::Handle {
  Handle(const SpmModule* m, tailor_spm* p) : module(m), processor(p) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { module->free(processor); }
  const SpmModule* module;
  tailor_spm* processor;
};

std::string Tokenizer::train(const TokenizerTrainParams& params,
                             const std::vector<std::string>& sentences) {
  const std::string args = spm_trainer_args(params);
  size_t non_empty = 0;
  std::vector<const char*> data;
  std::vector<size_t> lengths;
  data.reserve(sentences.size());
  lengths.reserve(sentences.size());
  for (const std::string& s : sentences) {
    data.push_back(s.data());
    lengths.push_back(s.size());
    non_empty += s.empty() ? 0 : 1;
  }
  TAILOR_CHECK(non_empty > 0, "tokenizer training needs at least one non-empty sentence, got "
                                  << sentences.size() << " sentences, all empty");
  const SpmModule& m = spm_module();
  char err[kErrSize] = {0};
  char* model = nullptr;
  size_t model_size = 0;
  int rc = m.train(args.c_str(), data.data(), lengths.data(), data.size(), &model, &model_size,
                   err, sizeof(err));
  TAILOR_CHECK(rc == 0, "SentencePiece training failed on " << non_empty
                                                           << " sentences: " << err);
  std::string bytes(model, model_size);
  m.free_bytes(model);
  return bytes;
}

std::string Tokenizer::train_from_file(const TokenizerTrainParams& params, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  TAILOR_CHECK(in.good(), "cannot open tokenizer training text '" << path << "'");
  std::vector<std::string> sentences;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    sentences.push_back(std::move(line));
  }
  TAILOR_CHECK(!in.bad(), "read error in tokenizer training text '" << path << "'");
  try {
    return train(params, sentences);
  } catch (const Error& e) {
    TAILOR_FAIL("training a tokenizer on '" << path << "': " << e.what());
  }
}

Tokenizer Tokenizer::from_model_bytes(std::string bytes) {
  TAILOR_CHECK(!bytes.empty(), "cannot load a tokenizer from empty model bytes");
  const SpmModule& m = spm_module();
  char err[kErrSize] = {0};
  tailor_spm* p = m.load(bytes.data(), bytes.size(), err, sizeof(err));
  TAILOR_CHECK(p != nullptr, "cannot load a SentencePiece model from " << bytes.size()
                                                                       << " bytes: " << err);
  Tokenizer t;
  t.module_ = &m;
  t.handle_ = std::make_unique<Handle>(&m, p);
  t.model_bytes_ = std::move(bytes);
  t.vocab_size_ = m.vocab_size(p);
  t.unk_id_ = m.unk_id(p);
  t.bos_id_ = m.bos_id(p);
  t.eos_id_ = m.eos_id(p);
  t.pad_id_ = m.pad_id(p);
  return t;
}

Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<int32_t> Tokenizer::encode(const std::string& text) const {
  TAILOR_CHECK(handle_ != nullptr, "encode() on a moved-from Tokenizer");
  // One id per byte plus the dummy prefix is the most byte fallback can produce; retry if not.
  std::vector<int32_t> ids(text.size() + 2);
  for (int attempt = 0; attempt < 2; ++attempt) {
    int64_t n = module_->encode(handle_->processor, text.data(), text.size(), ids.data(),
                                static_cast<int64_t>(ids.size()));
    TAILOR_CHECK(n >= 0, "SentencePiece failed to encode a text of " << text.size() << " bytes");
    bool fits = n <= static_cast<int64_t>(ids.size());
    ids.resize(static_cast<size_t>(n));
    if (fits) return ids;
  }
  TAILOR_FAIL("SentencePiece returned inconsistent lengths encoding " << text.size() << " bytes");
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
  TAILOR_CHECK(handle_ != nullptr, "decode() on a moved-from Tokenizer");
  for (size_t i = 0; i < ids.size(); ++i)
    TAILOR_CHECK(ids[i] >= 0 && ids[i] < vocab_size_,
                 "decode: id " << ids[i] << " at position " << i << " is outside [0, "
                               << vocab_size_ << ")");
  std::string text(ids.size() * 8 + 16, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    int64_t n = module_->decode(handle_->processor, ids.data(), static_cast<int64_t>(ids.size()),
                                &text[0], static_cast<int64_t>(text.size()));
    TAILOR_CHECK(n >= 0, "SentencePiece failed to decode " << ids.size() << " ids");
    bool fits = n <= static_cast<int64_t>(text.size());
    text.resize(static_cast<size_t>(n));
    if (fits) return text;
  }
  TAILOR_FAIL("SentencePiece returned inconsistent lengths decoding " << ids.size() << " ids");
}

std::string Tokenizer::piece_of(int32_t id) const {
  TAILOR_CHECK(handle_ != nullptr, "piece_of() on a moved-from Tokenizer");
  TAILOR_CHECK(id >= 0 && id < vocab_size_,
               "piece_of: id " << id << " is outside [0, " << vocab_size_ << ")");
  std::string piece(64, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    int64_t n = module_->id_to_piece(handle_->processor, id, &piece[0],
                                     static_cast<int64_t>(piece.size()));
    TAILOR_CHECK(n >= 0, "SentencePiece has no piece for id " << id);
    bool fits = n <= static_cast<int64_t>(piece.size());
    piece.resize(static_cast<size_t>(n));
    if (fits) return piece;
  }
  TAILOR_FAIL("SentencePiece returned inconsistent lengths for piece " << id);
}

int32_t Tokenizer::id_of(const std::string& piece) const {
  TAILOR_CHECK(handle_ != nullptr, "id_of() on a moved-from Tokenizer");
  return module_->piece_to_id(handle_->processor, piece.data(), piece.size());
}

}  // namespace tailor
