// TF-IDF: tokenizer rules (Unicode word characters, lower-casing), n-grams, pruning and parity with
// scikit-learn's TfidfVectorizer (tests/scripts/tfidf_sklearn.py via /usr/bin/python3; skipped
// without scikit-learn).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/recommend/tfidf.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
const char* kPython = "/usr/bin/python3";

using Tokens = std::vector<std::string>;

TEST(TfidfTokenize, SklearnTokenPattern) {
  EXPECT_EQ(tfidf_tokenize("Hello, WORLD! a bc_d 42 x9 é", true),
            (Tokens{"hello", "world", "bc_d", "42", "x9"}));
  EXPECT_EQ(tfidf_tokenize("Hello WORLD", false), (Tokens{"Hello", "WORLD"}));
  EXPECT_TRUE(tfidf_tokenize("", true).empty());
  EXPECT_TRUE(tfidf_tokenize("a b c ! ?", true).empty());
  // Hyphens and apostrophes split words; single characters are dropped.
  EXPECT_EQ(tfidf_tokenize("T-LIGHT holder's", true), (Tokens{"light", "holder"}));
}

TEST(TfidfTokenize, UnicodeLettersDigitsAndCase) {
  // Latin-1 / Latin Extended upper case, Greek, Cyrillic, CJK, Arabic-Indic digits.
  EXPECT_EQ(tfidf_tokenize("ÉCOLE Straße ŁÓDŹ", true), (Tokens{"école", "straße", "łódź"}));
  EXPECT_EQ(tfidf_tokenize("ΣΟΥΠΑ Чай 茶杯 ١٢٣", true), (Tokens{"σουπα", "чай", "茶杯", "١٢٣"}));
  // Non-word symbols (€, ™, NBSP, emoji) separate tokens.
  EXPECT_EQ(tfidf_tokenize("10€off™ab\xC2\xA0" "cd\xF0\x9F\x98\x80" "ef", true),
            (Tokens{"10", "off", "ab", "cd", "ef"}));
  // Invalid UTF-8 bytes act as separators, never crash.
  EXPECT_EQ(tfidf_tokenize("ab\xFF" "cd\xC3", true), (Tokens{"ab", "cd"}));
}

TEST(Tfidf, NgramsAndVocabularyOrder) {
  TfidfParams p;
  p.ngram_max = 2;
  TfidfModel m = fit_tfidf({"red mug", "blue mug big"}, p);
  EXPECT_EQ(m.vocabulary, (Tokens{"big", "blue", "blue mug", "mug", "mug big", "red", "red mug"}));
  CsrMatrix x = m.transform({"red mug", "", "unknown words only"});
  check_csr(x, "tfidf");
  EXPECT_EQ(x.rows, 3);
  EXPECT_EQ(x.indptr[1], 3);              // red, mug, red mug
  EXPECT_EQ(x.indptr[2], x.indptr[1]);    // empty text -> empty row
  EXPECT_EQ(x.indptr[3], x.indptr[2]);    // no known term -> empty row
  double ss = 0;
  for (int64_t j = 0; j < x.indptr[1]; ++j) ss += double(x.values[j]) * x.values[j];
  EXPECT_NEAR(ss, 1.0, 1e-6);
}

TEST(Tfidf, BadInputIsAnError) {
  TfidfParams p;
  EXPECT_THROW(fit_tfidf({"", "!"}, p), Error);  // empty vocabulary
  p.ngram_min = 3;
  p.ngram_max = 2;
  EXPECT_THROW(fit_tfidf({"a doc"}, p), Error);
  p = TfidfParams{};
  p.min_df = 3;
  EXPECT_THROW(fit_tfidf({"one doc", "two doc"}, p), Error);  // nothing left after pruning
}

bool sklearn_available() {
  std::string cmd = std::string(kPython) + " -c 'import sklearn' > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) out += buf;
  pclose(f);
  return out;
}

/// Product-title-like corpus with repeats (df > 1), mixed case, punctuation and some Unicode.
std::vector<std::string> make_corpus(uint64_t seed, int n) {
  const std::vector<std::string> words = {
      "WHITE", "hanging", "heart", "T-LIGHT", "holder", "red", "Retrospot", "jumbo", "bag", "pink",
      "vintage", "paisley", "mug", "set", "of", "3", "cake", "tins", "12", "colouring", "pencils",
      "Crème", "brûlée", "ÉTÉ", "Straße", "łódź", "чайник", "茶杯", "naïve", "café", "x", "I",
      "2x", "10cm", "co-op", "o'neil", "déjà_vu", "ΣΟΥΠΑ", "ÆØÅ", "ÿes"};
  const std::vector<std::string> seps = {" ", "  ", ", ", " - ", "/", " (", ") ", "! ", "\t"};
  std::mt19937_64 rng(seed);
  std::vector<std::string> docs;
  for (int d = 0; d < n; ++d) {
    std::string doc;
    const int len = int(rng() % 9);  // includes empty documents
    for (int t = 0; t < len; ++t) {
      if (t) doc += seps[rng() % seps.size()];
      doc += words[std::min(rng() % words.size(), rng() % words.size())];  // skewed frequencies
    }
    docs.push_back(doc);
  }
  return docs;
}

void expect_sklearn_parity(const std::vector<std::string>& docs, const TfidfParams& p,
                           const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / ("tailor_tfidf_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "docs.txt", std::ios::binary);
    for (size_t i = 0; i < docs.size(); ++i) {
      if (i) out << '\0';
      out << docs[i];
    }
  }
  const fs::path script =
      fs::path(TAILOR_TEST_DATA_DIR).parent_path() / "scripts" / "tfidf_sklearn.py";
  std::ostringstream cmd;
  cmd << kPython << " " << script.string() << " " << (dir / "docs.txt").string() << " "
      << p.ngram_min << " " << p.ngram_max << " " << p.min_df << " " << p.max_df << " "
      << p.max_features << " " << int(p.sublinear_tf) << " " << int(p.smooth_idf) << " "
      << int(p.lowercase);
  const std::string out = run(cmd.str());
  fs::remove_all(dir);
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(out)) << what << ": script output: " << out;
  TfidfModel m = fit_tfidf(docs, p);
  ASSERT_EQ(m.vocabulary, j.at("vocabulary").get<std::vector<std::string>>()) << what;
  const auto idf = j.at("idf").get<std::vector<double>>();
  for (size_t c = 0; c < idf.size(); ++c) EXPECT_NEAR(m.idf[c], idf[c], 1e-6 * idf[c]) << what;
  CsrMatrix x = m.transform(docs);
  check_csr(x, "tfidf");
  ASSERT_EQ(x.indptr, j.at("indptr").get<std::vector<int64_t>>()) << what;
  ASSERT_EQ(x.indices, j.at("indices").get<std::vector<int32_t>>()) << what;
  const auto data = j.at("data").get<std::vector<double>>();
  ASSERT_EQ(x.values.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i) EXPECT_NEAR(x.values[i], data[i], 1e-6) << what << " @" << i;
}

TEST(TfidfSklearn, MatchesTfidfVectorizer) {
  if (!sklearn_available()) GTEST_SKIP() << "scikit-learn is not importable by " << kPython;
  const uint64_t seed = 20261123;
  std::vector<std::string> docs = make_corpus(seed, 400);
  docs.push_back("");
  docs.push_back("Ünïcödé ÀÉÎÕÜ ŒUVRE œuvre ǅemal ΣΊΣΥΦΟ İstanbul");
  TfidfParams p;  // defaults: (1, 2)-grams
  expect_sklearn_parity(docs, p, "defaults seed=" + std::to_string(seed));
  p.ngram_min = 1;
  p.ngram_max = 1;
  p.sublinear_tf = true;
  p.smooth_idf = false;
  expect_sklearn_parity(docs, p, "unigrams sublinear no-smooth");
  p = TfidfParams{};
  p.ngram_min = 2;
  p.ngram_max = 3;
  p.min_df = 2;
  p.max_df = 0.5;
  expect_sklearn_parity(docs, p, "(2,3)-grams min_df 2 max_df 0.5");
  p = TfidfParams{};
  p.min_df = 0.01;
  p.max_df = 30;
  p.lowercase = false;
  expect_sklearn_parity(docs, p, "min_df 0.01 max_df 30 no lowercase");
}

TEST(TfidfSklearn, MaxFeaturesKeepsMostFrequent) {
  if (!sklearn_available()) GTEST_SKIP() << "scikit-learn is not importable by " << kPython;
  // Distinct corpus frequencies (no ties at the cut, where sklearn's order is unspecified).
  std::vector<std::string> docs;
  const std::vector<std::string> words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
  for (int d = 0; d < 30; ++d) {
    std::string doc;
    for (size_t w = 0; w < words.size(); ++w) {
      if (d % (w + 1) == 0) doc += words[w] + " ";
    }
    docs.push_back(doc);
  }
  TfidfParams p;
  p.ngram_max = 1;
  p.max_features = 3;
  TfidfModel m = fit_tfidf(docs, p);
  EXPECT_EQ(m.vocabulary, (Tokens{"alpha", "beta", "gamma"}));
  expect_sklearn_parity(docs, p, "max_features 3");
}

}  // namespace
}  // namespace tailor
