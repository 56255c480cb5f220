// The tailor_spm module: SentencePiece's processor and trainer behind the C API of spm_api.h.
// Linked against Debian's libsentencepiece (with its own protobuf-lite) and nothing else of tailor.
#include "core/text/spm_module/spm_api.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

struct tailor_spm {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {
constexpr unsigned int kSeed = 20240611;

void set_error(char* err, size_t err_size, const std::string& msg) {
  if (err == nullptr || err_size == 0) return;
  size_t n = std::min(err_size - 1, msg.size());
  std::memcpy(err, msg.data(), n);
  err[n] = '\0';
}

// Feeds SentencePiece's trainer from the caller's sentences, without copying them first.
class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  VectorIterator(const char* const* sentences, const size_t* lengths, size_t n)
      : sentences_(sentences), lengths_(lengths), n_(n) {
    load();
  }
  bool done() const override { return i_ >= n_; }
  void Next() override {
    ++i_;
    load();
  }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void load() {
    if (i_ < n_) value_.assign(sentences_[i_], lengths_[i_]);
  }
  const char* const* sentences_;
  const size_t* lengths_;
  size_t n_;
  size_t i_ = 0;
  std::string value_;
};
}  // namespace

extern "C" {

int tailor_spm_train(const char* args, const char* const* sentences, const size_t* lengths,
                     size_t n, char** model, size_t* model_size, char* err, size_t err_size) {
  *model = nullptr;
  *model_size = 0;
  // SentencePiece's random generator is thread_local and seeded on its first use in a thread: a
  // fresh thread makes every run start from kSeed. (0.1.97's sentence sampling gave the same
  // model for every seed we tried; the fixed seed guards any path that does draw from it.)
  std::string serialized;
  std::string message;
  std::thread worker([&] {
    try {
      sentencepiece::SetRandomGeneratorSeed(kSeed);
      VectorIterator it(sentences, lengths, n);
      auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &serialized);
      if (!status.ok()) message = status.ToString();
    } catch (const std::exception& e) {
      message = e.what();
    }
  });
  worker.join();
  if (!message.empty() || serialized.empty()) {
    set_error(err, err_size, message.empty() ? "SentencePiece returned an empty model" : message);
    return 1;
  }
  *model = static_cast<char*>(std::malloc(serialized.size()));
  if (*model == nullptr) {
    set_error(err, err_size, "out of memory for the serialized model");
    return 1;
  }
  std::memcpy(*model, serialized.data(), serialized.size());
  *model_size = serialized.size();
  return 0;
}

void tailor_spm_free_bytes(char* bytes) { std::free(bytes); }

tailor_spm* tailor_spm_load(const char* bytes, size_t size, char* err, size_t err_size) {
  auto* p = new tailor_spm;
  auto status = p->processor.LoadFromSerializedProto(std::string(bytes, size));
  if (!status.ok()) {
    set_error(err, err_size, status.ToString());
    delete p;
    return nullptr;
  }
  return p;
}

void tailor_spm_free(tailor_spm* p) { delete p; }

int32_t tailor_spm_vocab_size(const tailor_spm* p) { return p->processor.GetPieceSize(); }

int64_t tailor_spm_encode(const tailor_spm* p, const char* text, size_t len, int32_t* ids, int64_t cap) {
  std::vector<int> out;
  if (!p->processor.Encode(std::string(text, len), &out).ok()) return -1;
  int64_t n = static_cast<int64_t>(out.size());
  for (int64_t i = 0; i < std::min(n, cap); ++i) ids[i] = out[i];
  return n;
}

int64_t tailor_spm_decode(const tailor_spm* p, const int32_t* ids, int64_t n, char* out, int64_t cap) {
  std::vector<int> in(ids, ids + n);
  std::string text;
  if (!p->processor.Decode(in, &text).ok()) return -1;
  int64_t len = static_cast<int64_t>(text.size());
  if (cap > 0) std::memcpy(out, text.data(), static_cast<size_t>(std::min(len, cap)));
  return len;
}

int64_t tailor_spm_id_to_piece(const tailor_spm* p, int32_t id, char* out, int64_t cap) {
  if (id < 0 || id >= p->processor.GetPieceSize()) return -1;
  const std::string& piece = p->processor.IdToPiece(id);
  int64_t len = static_cast<int64_t>(piece.size());
  if (cap > 0) std::memcpy(out, piece.data(), static_cast<size_t>(std::min(len, cap)));
  return len;
}

int32_t tailor_spm_piece_to_id(const tailor_spm* p, const char* piece, size_t len) {
  return p->processor.PieceToId(std::string(piece, len));
}

int32_t tailor_spm_unk_id(const tailor_spm* p) { return p->processor.unk_id(); }
int32_t tailor_spm_bos_id(const tailor_spm* p) { return p->processor.bos_id(); }
int32_t tailor_spm_eos_id(const tailor_spm* p) { return p->processor.eos_id(); }
int32_t tailor_spm_pad_id(const tailor_spm* p) { return p->processor.pad_id(); }

}  // extern "C"
