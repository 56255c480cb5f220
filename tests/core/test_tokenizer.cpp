// Tokenizer (SentencePiece via the tailor_spm module): module lookup, training, exact round
// trips, vocabulary size, determinism, and clear errors. No LibTorch in this binary.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/text/spm_loader.h"
#include "core/text/tokenizer.h"

namespace tailor {
namespace {

// Synthetic marketing-email sentences: words, prices, dates, accents, CJK and emoji.
std::vector<std::string> email_corpus(uint32_t seed, int n) {
  const std::vector<std::string> openers = {"Hi there,", "Hello again!", "Good news:", "Psst…",
                                            "Bonjour,", "Grüße aus Köln:", "こんにちは、",
                                            "Last chance ⏰", "New in 🛍️"};
  const std::vector<std::string> items = {"linen shirts", "running shoes", "café crème mugs",
                                          "naïve art prints", "wool scarves", "smart watches",
                                          "garden chairs", "espresso beans", "日本の茶碗",
                                          "phone cases", "yoga mats", "leather wallets"};
  const std::vector<std::string> offers = {"are {p}% off", "start at €{p}.99",
                                           "ship free until {d}/12", "are back in stock",
                                           "sell out fast 🔥", "now cost ${p}.50"};
  const std::vector<std::string> syllables = {"ka", "lo", "mi", "ver", "sun", "tor", "ela",
                                              "bri", "qua", "zen", "dor", "pix", "ma", "rel",
                                              "ost", "fin", "gla", "hu", "jet", "nor"};
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string offer = pick(offers);
    auto fill = [&](const std::string& key, int mod) {
      size_t at = offer.find(key);
      if (at != std::string::npos) offer.replace(at, key.size(), std::to_string(1 + rng() % mod));
    };
    fill("{p}", 90);
    fill("{d}", 28);
    std::string brand;  // invented brand names give the trainer many subwords to choose from
    for (int k = 0; k < 2 + static_cast<int>(rng() % 2); ++k) brand += pick(syllables);
    brand[0] = static_cast<char>(brand[0] - 'a' + 'A');
    out.push_back(pick(openers) + " our " + brand + " " + pick(items) + " " + offer +
                  ". Don't miss out!");
  }
  return out;
}

TokenizerTrainParams small_params() {
  TokenizerTrainParams p;
  p.vocab_size = 400;
  return p;
}

// One trained model shared by the tests that only read it (training takes about a second).
const Tokenizer& shared_tokenizer() {
  static Tokenizer t = Tokenizer::from_model_bytes(Tokenizer::train(small_params(), email_corpus(7, 3000)));
  return t;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_)
      ::setenv(name_.c_str(), old_.c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

TEST(Tokenizer, ModuleSearchOrderEndsWithTheBuildPath) {
  ::unsetenv("TAILOR_SPM_MODULE");
  std::vector<std::string> c = spm_module_candidates();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_NE(c[0].find("/../lib/libtailor_spm.so"), std::string::npos) << c[0];
  EXPECT_EQ(c[2], TAILOR_SPM_MODULE_BUILD_PATH);
  EXPECT_NO_THROW(spm_module());
}

TEST(Tokenizer, MissingModuleIsAClearErrorListingThePath) {
  ScopedEnv env("TAILOR_SPM_MODULE", "/nonexistent/dir/libtailor_spm.so");
  ASSERT_EQ(spm_module_candidates(), std::vector<std::string>{"/nonexistent/dir/libtailor_spm.so"});
  try {
    Tokenizer::from_model_bytes("not a model");
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("/nonexistent/dir/libtailor_spm.so: no such file"), std::string::npos) << msg;
    EXPECT_NE(msg.find("TAILOR_SPM_MODULE"), std::string::npos) << msg;
  }
}

TEST(Tokenizer, FileThatIsNotAModuleIsAClearError) {
  std::string path = ::testing::TempDir() + "not_a_module.so";
  std::ofstream(path) << "plain text, not ELF\n";
  try {
    open_spm_module({path});
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(Tokenizer, RoundTripIsExactForUnicodeEmojiAndWhitespace) {
  const Tokenizer& t = shared_tokenizer();
  const std::vector<std::string> texts = {
      "Hello again! our linen shirts are 25% off.",
      "  two leading spaces, three   inside, and trailing  ",
      "Grüße aus Köln: Ärger, Öl, Übermut, ß",
      "こんにちは、日本の茶碗 and 中文 never seen in training",
      "emoji 🛍️🔥⏰ plus unseen ones 🦄🧵🇫🇷 and 👩‍👩‍👧",
      "tabs\tand\nnewlines\r\n too",
      "Prices: €1234.56, $7, 2024-12-31",
      "",
      " ",
  };
  for (const std::string& s : texts) {
    std::vector<int32_t> ids = t.encode(s);
    EXPECT_EQ(t.decode(ids), s) << "text: " << s;
    for (int32_t id : ids) EXPECT_NE(id, t.unk_id()) << "unk in: " << s;
  }
}

TEST(Tokenizer, UnseenCharactersFallBackToBytes) {
  const Tokenizer& t = shared_tokenizer();
  std::vector<int32_t> ids = t.encode("🦄");  // U+1F984 = F0 9F A6 84, not in the corpus
  std::vector<std::string> pieces;
  for (int32_t id : ids) pieces.push_back(t.piece_of(id));
  std::vector<std::string> bytes(pieces.end() - 4, pieces.end());
  EXPECT_EQ(bytes, (std::vector<std::string>{"<0xF0>", "<0x9F>", "<0xA6>", "<0x84>"}));
}

TEST(Tokenizer, SplitDigitsGivesOnePiecePerDigit) {
  const Tokenizer& t = shared_tokenizer();
  std::vector<int32_t> ids = t.encode("x 90210");
  std::string last5;
  for (size_t i = ids.size() - 5; i < ids.size(); ++i) last5 += t.piece_of(ids[i]) + "|";
  EXPECT_EQ(last5, "9|0|2|1|0|");
}

TEST(Tokenizer, VocabSizeAndSpecialIdsAreHonoured) {
  for (const char* type : {"unigram", "bpe"}) {
    TokenizerTrainParams p = small_params();
    p.model_type = type;
    p.vocab_size = 350;
    Tokenizer t = Tokenizer::from_model_bytes(Tokenizer::train(p, email_corpus(3, 2000)));
    EXPECT_EQ(t.vocab_size(), 350) << type;
    EXPECT_EQ(t.unk_id(), 0) << type;
    EXPECT_EQ(t.bos_id(), 1) << type;
    EXPECT_EQ(t.eos_id(), 2) << type;
    EXPECT_EQ(t.pad_id(), 3) << type;
    EXPECT_EQ(t.piece_of(0), "<unk>") << type;
    EXPECT_EQ(t.piece_of(1), "<s>") << type;
    EXPECT_EQ(t.piece_of(2), "</s>") << type;
    EXPECT_EQ(t.piece_of(3), "<pad>") << type;
    EXPECT_EQ(t.id_of("<0x0A>"), 4 + 0x0A) << type;  // byte pieces follow the specials
    EXPECT_EQ(t.id_of("no such piece at all"), t.unk_id()) << type;
    std::string s = "Bonjour, our café crème mugs start at €12.99 🔥";
    EXPECT_EQ(t.decode(t.encode(s)), s) << type;
  }
}

// Every piece with its position, and the encoding of every corpus sentence.
std::vector<std::string> pieces_and_encodings(const std::string& model,
                                              const std::vector<std::string>& corpus) {
  Tokenizer t = Tokenizer::from_model_bytes(model);
  std::vector<std::string> out;
  for (int32_t id = 0; id < t.vocab_size(); ++id) out.push_back(t.piece_of(id));
  for (const std::string& s : corpus) {
    std::string ids;
    for (int32_t id : t.encode(s)) ids += std::to_string(id) + ",";
    out.push_back(ids);
  }
  return out;
}

TEST(Tokenizer, TrainingIsDeterministic) {
  std::vector<std::string> corpus = email_corpus(11, 2000);
  for (const char* type : {"unigram", "bpe"}) {
    TokenizerTrainParams p = small_params();
    p.model_type = type;
    std::string a = Tokenizer::train(p, corpus);
    // Byte equality (EXPECT_TRUE: printing two models on failure helps nobody).
    EXPECT_TRUE(Tokenizer::train(p, corpus) == a) << type << ": same input, different model bytes";
  }
}

TEST(Tokenizer, ThreadCountIsPartOfTheRecipe) {
  // Measured with SentencePiece 0.1.97: a unigram model depends on num_threads (its E-step
  // splits the sentences between threads), BPE's pieces do not; for a fixed num_threads both are
  // reproducible. Both record num_threads in the model, so their bytes always differ.
  std::vector<std::string> corpus = email_corpus(11, 2000);
  TokenizerTrainParams p = small_params();
  p.num_threads = 2;
  std::string two = Tokenizer::train(p, corpus);
  EXPECT_TRUE(Tokenizer::train(p, corpus) == two) << "unigram, 2 threads: not reproducible";
  p.model_type = "bpe";
  std::string bpe_two = Tokenizer::train(p, corpus);
  EXPECT_TRUE(Tokenizer::train(p, corpus) == bpe_two) << "bpe, 2 threads: not reproducible";
  p.num_threads = 1;
  EXPECT_TRUE(pieces_and_encodings(Tokenizer::train(p, corpus), corpus) ==
              pieces_and_encodings(bpe_two, corpus))
      << "bpe: num_threads changed the pieces or the encodings";
}

TEST(Tokenizer, SentenceSamplingIsReproducible) {
  std::vector<std::string> corpus = email_corpus(5, 3000);
  TokenizerTrainParams p = small_params();
  std::string all = Tokenizer::train(p, corpus);
  p.input_sentence_size = 800;
  std::string a = Tokenizer::train(p, corpus);
  EXPECT_TRUE(Tokenizer::train(p, corpus) == a) << "same input, different sampled model";
  EXPECT_FALSE(pieces_and_encodings(a, corpus) == pieces_and_encodings(all, corpus))
      << "training on 800 of 3000 sentences gave the full-corpus model: no sampling happened";
}

TEST(Tokenizer, ModelBytesReloadToTheSameTokenizer) {
  const Tokenizer& t = shared_tokenizer();
  Tokenizer u = Tokenizer::from_model_bytes(t.model_bytes());
  std::string s = "Last chance ⏰ our wool scarves sell out fast 🔥";
  EXPECT_EQ(u.encode(s), t.encode(s));
  EXPECT_TRUE(u.model_bytes() == t.model_bytes());
  Tokenizer moved = std::move(u);
  EXPECT_EQ(moved.encode(s), t.encode(s));
}

TEST(Tokenizer, TrainFromFileMatchesTrainOnTheSameLines) {
  std::vector<std::string> corpus = email_corpus(13, 1500);
  std::string path = ::testing::TempDir() + "tokenizer_corpus.txt";
  {
    std::ofstream out(path, std::ios::binary);
    for (size_t i = 0; i < corpus.size(); ++i) out << corpus[i] << (i % 2 ? "\r\n" : "\n");
  }
  EXPECT_TRUE(Tokenizer::train_from_file(small_params(), path) ==
              Tokenizer::train(small_params(), corpus));
  std::remove(path.c_str());
}

TEST(Tokenizer, BadInputIsAClearError) {
  auto expect_error = [](auto&& f, const std::string& needle) {
    try {
      f();
      ADD_FAILURE() << "expected tailor::Error containing '" << needle << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  std::vector<std::string> corpus = email_corpus(1, 200);
  TokenizerTrainParams p = small_params();
  p.model_type = "word";
  expect_error([&] { Tokenizer::train(p, corpus); }, "tokenizer.model_type");
  p = small_params();
  p.vocab_size = 100;
  expect_error([&] { Tokenizer::train(p, corpus); }, "tokenizer.vocab_size must be at least 261");
  p = small_params();
  p.character_coverage = 1.5;
  expect_error([&] { Tokenizer::train(p, corpus); }, "tokenizer.character_coverage");
  p = small_params();
  p.pad_id = 0;
  expect_error([&] { Tokenizer::train(p, corpus); }, "tokenizer.pad_id and tokenizer.unk_id");
  p = small_params();
  p.vocab_size = 50000;
  expect_error([&] { Tokenizer::train(p, corpus); }, "SentencePiece training failed");
  expect_error([&] { Tokenizer::train(small_params(), {"", ""}); }, "non-empty sentence");
  expect_error([&] { Tokenizer::train_from_file(small_params(), "/nonexistent/corpus.txt"); },
               "/nonexistent/corpus.txt");
  expect_error([] { Tokenizer::from_model_bytes("definitely not a protobuf"); },
               "cannot load a SentencePiece model");
  const Tokenizer& t = shared_tokenizer();
  expect_error([&] { t.decode({5, 400}); }, "id 400 at position 1");
  expect_error([&] { t.piece_of(-1); }, "piece_of: id -1");
}

}  // namespace
}  // namespace tailor
