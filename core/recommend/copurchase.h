// "Bought together": pair counts of products in the same basket (invoice), turned into support,
// confidence and lift, and the product x product score matrix of the co-purchase recommender.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/recommend/sparse_matrix.h"

namespace tailor {

/// Thresholds and the score stored per pair (a -> b).
struct CopurchaseParams {
  /// Keep a pair only if at least this many baskets hold both products.
  int64_t min_support = 2;
  /// Keep a pair a -> b only if confidence(a -> b) = support(a, b) / baskets(a) is at least this.
  double min_confidence = 0.0;
  /// Score stored for a -> b: "confidence" (support(a,b) / baskets(a)), "lift"
  /// (confidence(a->b) / (baskets(b) / baskets)) or "cosine" (support(a,b) /
  /// sqrt(baskets(a) * baskets(b)), a lift-weighted confidence: confidence * sqrt(baskets(a) /
  /// baskets(b))). Cosine ranks best on the Online Retail validation cut (docs/quality.md).
  std::string score = "cosine";
};

/// Raw counts from a baskets x products 0/1 matrix.
struct CopurchaseCounts {
  int64_t baskets = 0;                ///< number of baskets (rows of the input)
  std::vector<int64_t> item_baskets;  ///< per product: baskets holding it
  /// products x products: support(a, b) = baskets holding both, for a != b (diagonal absent).
  CsrMatrix support;
};

/// Builds the 0/1 baskets x products matrix from (basket, product) pairs (duplicates collapse).
CsrMatrix basket_matrix(const std::vector<int64_t>& basket, const std::vector<int32_t>& product,
                        int64_t n_baskets, int64_t n_products);

/// Pair counting Xᵀ X (row by row with a dense accumulator, OpenMP over products; the result does
/// not depend on the thread count).
CopurchaseCounts count_copurchases(const CsrMatrix& baskets);

/// confidence(a -> b), lift(a, b) of one stored pair, from the counts.
double copurchase_confidence(const CopurchaseCounts& c, int64_t support_ab, int32_t a);
double copurchase_lift(const CopurchaseCounts& c, int64_t support_ab, int32_t a, int32_t b);

/// The product x product matrix of scores (params.score) for the pairs that pass the thresholds.
CsrMatrix copurchase_scores(const CopurchaseCounts& counts, const CopurchaseParams& params);

/// Checks the parameters; throws tailor::Error naming the bad field.
void check_copurchase_params(const CopurchaseParams& p);

}  // namespace tailor
