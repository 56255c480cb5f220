// TF-IDF with scikit-learn TfidfVectorizer semantics: tokenizer, n-grams, vocabulary pruning
// (min_df, max_df, max_features), smooth idf, sublinear tf and l2 normalisation.
#include "core/recommend/tfidf.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/common/error.h"
#include "core/recommend/tfidf_unicode.h"

namespace tailor {
namespace {

/// Decodes one UTF-8 sequence at s[i]; invalid bytes decode to U+FFFD (a non-word character) and
/// consume one byte.
uint32_t decode_utf8(const std::string& s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t j) {
    return j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80;
  };
  auto byte = [&](size_t j) { return uint32_t(static_cast<unsigned char>(s[j]) & 0x3F); };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(i + 1)) {
    const uint32_t cp = (uint32_t(b0 & 0x1F) << 6) | byte(i + 1);
    i += 2;
    return cp;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(i + 1) && cont(i + 2)) {
    const uint32_t cp = (uint32_t(b0 & 0x0F) << 12) | (byte(i + 1) << 6) | byte(i + 2);
    if (cp >= 0x800 && !(cp >= 0xD800 && cp < 0xE000)) {
      i += 3;
      return cp;
    }
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
    const uint32_t cp = (uint32_t(b0 & 0x07) << 18) | (byte(i + 1) << 12) | (byte(i + 2) << 6) |
                        byte(i + 3);
    if (cp >= 0x10000 && cp <= 0x10FFFF) {
      i += 4;
      return cp;
    }
  }
  ++i;
  return 0xFFFD;
}

void encode_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

void check_params(const TfidfParams& p) {
  TAILOR_CHECK(p.ngram_min >= 1 && p.ngram_max >= p.ngram_min,
               "tfidf: ngram range [" << p.ngram_min << ", " << p.ngram_max
                                      << "] is invalid (need 1 <= ngram_min <= ngram_max)");
  TAILOR_CHECK(p.min_df >= 0 && std::isfinite(p.min_df), "tfidf: min_df must be >= 0, got " << p.min_df);
  TAILOR_CHECK(p.max_df > 0 && std::isfinite(p.max_df), "tfidf: max_df must be > 0, got " << p.max_df);
  TAILOR_CHECK(p.max_features >= 0, "tfidf: max_features must be >= 0, got " << p.max_features);
}

/// sklearn's _word_ngrams: the unigrams (when ngram_min == 1) then each n-gram length in turn.
std::vector<std::string> terms_of(const std::string& doc, const TfidfParams& p) {
  std::vector<std::string> tokens = tfidf_tokenize(doc, p.lowercase);
  if (p.ngram_max == 1) return tokens;
  std::vector<std::string> terms;
  int min_n = p.ngram_min;
  if (min_n == 1) {
    terms = tokens;
    min_n = 2;
  }
  const int n_tokens = int(tokens.size());
  for (int n = min_n; n <= std::min(p.ngram_max, n_tokens); ++n) {
    for (int i = 0; i + n <= n_tokens; ++i) {
      std::string g = tokens[i];
      for (int j = 1; j < n; ++j) {
        g += ' ';
        g += tokens[i + j];
      }
      terms.push_back(std::move(g));
    }
  }
  return terms;
}

}  // namespace

std::vector<std::string> tfidf_tokenize(const std::string& text, bool lowercase) {
  std::vector<std::string> tokens;
  std::string current;
  int run = 0;  // code points in the current run of word characters
  auto flush = [&] {
    if (run >= 2) tokens.push_back(current);
    current.clear();
    run = 0;
  };
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cps[2] = {decode_utf8(text, i), 0};
    const int n = lowercase ? unicode::to_lower(cps[0], cps) : 1;
    for (int j = 0; j < n; ++j) {
      if (unicode::is_word_char(cps[j])) {
        encode_utf8(cps[j], current);
        ++run;
      } else {
        flush();
      }
    }
  }
  flush();
  return tokens;
}

std::vector<std::string> tfidf_terms(const std::string& doc, const TfidfParams& params) {
  return terms_of(doc, params);
}

TfidfModel fit_tfidf(const std::vector<std::string>& docs, const TfidfParams& params) {
  check_params(params);
  struct Stat {
    int64_t df = 0;
    int64_t tf = 0;
  };
  std::unordered_map<std::string, Stat> stats;
  std::unordered_map<std::string, int64_t> counts;
  for (const std::string& doc : docs) {
    counts.clear();
    for (std::string& t : terms_of(doc, params)) ++counts[std::move(t)];
    for (auto& kv : counts) {
      Stat& s = stats[kv.first];
      ++s.df;
      s.tf += kv.second;
    }
  }
  TAILOR_CHECK(!stats.empty(), "tfidf: empty vocabulary: the " << docs.size()
                                   << " documents contain no token of 2+ word characters");
  std::vector<std::pair<std::string, Stat>> terms(stats.begin(), stats.end());
  stats.clear();
  std::sort(terms.begin(), terms.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });  // code point order

  const double n_doc = double(docs.size());
  const double max_doc_count = params.max_df <= 1.0 ? params.max_df * n_doc : params.max_df;
  const double min_doc_count = params.min_df >= 1.0 ? params.min_df : params.min_df * n_doc;
  TAILOR_CHECK(max_doc_count >= min_doc_count,
               "tfidf: max_df " << params.max_df << " corresponds to fewer documents than min_df "
                                << params.min_df);
  std::vector<size_t> kept;
  for (size_t j = 0; j < terms.size(); ++j) {
    const double df = double(terms[j].second.df);
    if (df <= max_doc_count && df >= min_doc_count) kept.push_back(j);
  }
  if (params.max_features > 0 && int64_t(kept.size()) > params.max_features) {
    // Most frequent in the corpus first; equal frequencies by vocabulary order (sklearn leaves
    // this tie order to numpy's unstable argsort).
    std::stable_sort(kept.begin(), kept.end(),
                     [&](size_t a, size_t b) { return terms[a].second.tf > terms[b].second.tf; });
    kept.resize(size_t(params.max_features));
    std::sort(kept.begin(), kept.end());
  }
  TAILOR_CHECK(!kept.empty(), "tfidf: after pruning no terms remain (min_df " << params.min_df
                                  << ", max_df " << params.max_df << "); lower min_df or raise max_df");

  TfidfModel model;
  model.params = params;
  model.vocabulary.reserve(kept.size());
  model.idf.reserve(kept.size());
  for (size_t j : kept) {
    const double df = double(terms[j].second.df);
    const double idf = params.smooth_idf ? std::log((1.0 + n_doc) / (1.0 + df)) + 1.0
                                         : std::log(n_doc / df) + 1.0;
    model.vocabulary.push_back(std::move(terms[j].first));
    model.idf.push_back(float(idf));
  }
  return model;
}

CsrMatrix TfidfModel::transform(const std::vector<std::string>& docs) const {
  TAILOR_CHECK(vocabulary.size() == idf.size(),
               "tfidf: model has " << vocabulary.size() << " terms but " << idf.size() << " idf values");
  std::unordered_map<std::string, int32_t> column;
  column.reserve(vocabulary.size());
  for (size_t j = 0; j < vocabulary.size(); ++j) column.emplace(vocabulary[j], int32_t(j));

  const int64_t n = int64_t(docs.size());
  std::vector<std::vector<std::pair<int32_t, float>>> rows(docs.size());
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t d = 0; d < n; ++d) {
    std::vector<std::pair<int32_t, double>> entries;
    {
      std::unordered_map<int32_t, int64_t> counts;
      for (const std::string& t : terms_of(docs[d], params)) {
        auto it = column.find(t);
        if (it != column.end()) ++counts[it->second];
      }
      for (auto& kv : counts) {
        const double tf = params.sublinear_tf ? 1.0 + std::log(double(kv.second)) : double(kv.second);
        entries.emplace_back(kv.first, tf * double(idf[kv.first]));
      }
    }
    std::sort(entries.begin(), entries.end());
    double scale = 1.0;
    if (params.l2_normalize) {
      double ss = 0.0;
      for (auto& e : entries) ss += e.second * e.second;
      if (ss > 0.0) scale = 1.0 / std::sqrt(ss);
    }
    auto& row = rows[d];
    row.reserve(entries.size());
    for (auto& e : entries) row.emplace_back(e.first, float(e.second * scale));
  }
  CsrMatrix m;
  m.rows = n;
  m.cols = int64_t(vocabulary.size());
  m.indptr.assign(size_t(n) + 1, 0);
  for (int64_t d = 0; d < n; ++d) m.indptr[d + 1] = m.indptr[d] + int64_t(rows[d].size());
  m.indices.reserve(size_t(m.indptr[n]));
  m.values.reserve(size_t(m.indptr[n]));
  for (auto& row : rows) {
    for (auto& e : row) {
      m.indices.push_back(e.first);
      m.values.push_back(e.second);
    }
  }
  return m;
}

}  // namespace tailor
