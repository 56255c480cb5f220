// TF-IDF vectors of product text with scikit-learn TfidfVectorizer semantics, and customer
// profiles built from the vectors of the products they bought.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/recommend/sparse_matrix.h"

namespace tailor {

/// Parameters of the vectoriser; defaults equal scikit-learn's except ngram_max = 2.
struct TfidfParams {
  /// Word n-grams from ngram_min to ngram_max.
  int ngram_min = 1;
  int ngram_max = 2;
  /// Lower-case the text before tokenising.
  bool lowercase = true;
  /// Ignore terms in fewer documents than this (absolute count when >= 1).
  double min_df = 1;
  /// Ignore terms in more than this fraction of documents (1.0 = keep all).
  double max_df = 1.0;
  /// Keep at most this many terms by corpus frequency (0 = all), as sklearn's max_features.
  int64_t max_features = 0;
  /// idf = ln((1 + n) / (1 + df)) + 1 when true, ln(n / df) + 1 otherwise.
  bool smooth_idf = true;
  /// tf = 1 + ln(tf) when true.
  bool sublinear_tf = false;
  /// l2-normalise every document vector.
  bool l2_normalize = true;
};

/// A fitted vectoriser: vocabulary (term -> column, sorted lexicographically as sklearn) and idf.
struct TfidfModel {
  TfidfParams params;
  std::vector<std::string> vocabulary;  ///< column j's term
  std::vector<float> idf;               ///< per column

  /// Vectorises documents with this vocabulary (unknown terms ignored).
  CsrMatrix transform(const std::vector<std::string>& docs) const;
};

/// The token rule: sklearn's default token_pattern (?u)\b\w\w+\b on the (lower-cased) text,
/// i.e. runs of 2+ word characters (Unicode letters, digits, underscore). Word characters and
/// lower-casing follow Python's `re` \w and str.lower() exactly (tables generated from Python
/// 3.11 / Unicode 14, core/recommend/tfidf_unicode_tables.cpp), with one difference: a capital
/// sigma always lower-cases to σ (Python writes ς at the end of a word). Invalid UTF-8 bytes are
/// separators.
std::vector<std::string> tfidf_tokenize(const std::string& text, bool lowercase);

/// The terms of one document as the vectoriser counts them: its tokens (tfidf_tokenize), then
/// the word n-grams ngram_min..ngram_max joined by single spaces (sklearn's _word_ngrams).
std::vector<std::string> tfidf_terms(const std::string& doc, const TfidfParams& params);

/// Fits vocabulary and idf on `docs` and returns the model.
TfidfModel fit_tfidf(const std::vector<std::string>& docs, const TfidfParams& params);

}  // namespace tailor
