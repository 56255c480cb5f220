// Co-purchase counts, support / confidence / lift / cosine and thresholds on a hand-made basket set.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/recommend/copurchase.h"

namespace tailor {
namespace {

// Baskets: B0 {0,1,2}, B1 {0,1}, B2 {0,2}, B3 {1,3}, B4 {0,1,3} (+ a repeated line in B1).
// Per product: 0 in 4 baskets, 1 in 4, 2 in 2, 3 in 2. Pairs: (0,1) 3, (0,2) 2, (0,3) 1,
// (1,2) 1, (1,3) 2, (2,3) 0.
CsrMatrix example_baskets() {
  const std::vector<int64_t> basket = {0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  const std::vector<int32_t> product = {0, 1, 2, 0, 1, 1, 0, 2, 1, 3, 0, 1, 3};
  return basket_matrix(basket, product, 5, 4);
}

float at(const CsrMatrix& m, int32_t r, int32_t c) {
  for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k)
    if (m.indices[k] == c) return m.values[k];
  return NAN;  // not stored
}

TEST(Copurchase, BasketMatrixCollapsesRepeatedLines) {
  const CsrMatrix x = example_baskets();
  EXPECT_EQ(x.rows, 5);
  EXPECT_EQ(x.nnz(), 12);
  EXPECT_EQ(x.indptr[2] - x.indptr[1], 2);  // B1 holds product 1 once
}

TEST(Copurchase, SupportCounts) {
  const CopurchaseCounts c = count_copurchases(example_baskets());
  EXPECT_EQ(c.baskets, 5);
  EXPECT_EQ(c.item_baskets, (std::vector<int64_t>{4, 4, 2, 2}));
  const CsrMatrix& s = c.support;
  EXPECT_EQ(at(s, 0, 1), 3);
  EXPECT_EQ(at(s, 1, 0), 3);
  EXPECT_EQ(at(s, 0, 2), 2);
  EXPECT_EQ(at(s, 0, 3), 1);
  EXPECT_EQ(at(s, 1, 2), 1);
  EXPECT_EQ(at(s, 1, 3), 2);
  EXPECT_TRUE(std::isnan(at(s, 2, 3)));  // never together
  EXPECT_TRUE(std::isnan(at(s, 0, 0)));  // no diagonal
  EXPECT_EQ(s.nnz(), 10);
}

TEST(Copurchase, ConfidenceLiftCosine) {
  const CopurchaseCounts c = count_copurchases(example_baskets());
  EXPECT_DOUBLE_EQ(copurchase_confidence(c, 3, 0), 0.75);        // 0 -> 1
  EXPECT_DOUBLE_EQ(copurchase_confidence(c, 2, 2), 1.0);         // 2 -> 0
  EXPECT_DOUBLE_EQ(copurchase_lift(c, 3, 0, 1), 0.75 / 0.8);     // 0.9375
  EXPECT_DOUBLE_EQ(copurchase_lift(c, 2, 2, 0), 1.0 / 0.8);      // 1.25
  EXPECT_DOUBLE_EQ(copurchase_lift(c, 2, 1, 3), 0.5 / 0.4);      // 1.25

  CopurchaseParams p;
  p.min_support = 1;
  p.score = "confidence";
  const CsrMatrix conf = copurchase_scores(c, p);
  EXPECT_FLOAT_EQ(at(conf, 0, 1), 0.75f);
  EXPECT_FLOAT_EQ(at(conf, 2, 0), 1.0f);
  EXPECT_FLOAT_EQ(at(conf, 0, 3), 0.25f);
  p.score = "lift";
  const CsrMatrix lift = copurchase_scores(c, p);
  EXPECT_FLOAT_EQ(at(lift, 0, 1), 0.9375f);
  EXPECT_FLOAT_EQ(at(lift, 3, 1), 1.25f);
  p.score = "cosine";
  const CsrMatrix cosine = copurchase_scores(c, p);
  EXPECT_FLOAT_EQ(at(cosine, 0, 1), 0.75f);
  EXPECT_FLOAT_EQ(at(cosine, 1, 3), static_cast<float>(2 / std::sqrt(8.0)));
  EXPECT_FLOAT_EQ(at(cosine, 3, 1), at(cosine, 1, 3));  // symmetric
}

TEST(Copurchase, Thresholds) {
  const CopurchaseCounts c = count_copurchases(example_baskets());
  CopurchaseParams p;
  p.score = "confidence";
  p.min_support = 2;
  const CsrMatrix s2 = copurchase_scores(c, p);
  EXPECT_EQ(s2.nnz(), 6);  // (0,1), (0,2), (1,3) both ways
  EXPECT_TRUE(std::isnan(at(s2, 0, 3)));
  EXPECT_FLOAT_EQ(at(s2, 3, 1), 1.0f);

  p.min_support = 1;
  p.min_confidence = 0.6;  // keeps 0->1, 1->0, 2->0, 3->1 only
  const CsrMatrix c6 = copurchase_scores(c, p);
  EXPECT_EQ(c6.nnz(), 4);
  EXPECT_FLOAT_EQ(at(c6, 0, 1), 0.75f);
  EXPECT_FLOAT_EQ(at(c6, 1, 0), 0.75f);
  EXPECT_FLOAT_EQ(at(c6, 2, 0), 1.0f);
  EXPECT_FLOAT_EQ(at(c6, 3, 1), 1.0f);
  EXPECT_TRUE(std::isnan(at(c6, 0, 2)));  // confidence 0.5
}

TEST(Copurchase, BadInputIsAnError) {
  EXPECT_THROW(basket_matrix({0}, {7}, 1, 4), Error);
  EXPECT_THROW(basket_matrix({3}, {0}, 1, 4), Error);
  CopurchaseParams p;
  p.score = "jaccard";
  EXPECT_THROW(check_copurchase_params(p), Error);
  p.score = "lift";
  p.min_support = 0;
  EXPECT_THROW(check_copurchase_params(p), Error);
}

}  // namespace
}  // namespace tailor
