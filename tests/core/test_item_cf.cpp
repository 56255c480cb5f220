// Item-based CF similarity on a hand-made purchase set: exact cosines with and without customer
// normalisation and decay, the min_customers threshold, thread-count independence, bad input.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>

#include "core/common/error.h"
#include "core/recommend/item_cf.h"

namespace tailor {
namespace {

constexpr UnixTime kRef = 1300000000;
constexpr UnixTime kDay = 86400;

// Customers: u0 {A, B}, u1 {A, B, C} (A bought twice, last 10 days before the reference, B and C
// 10 days before), u2 {B, C}, u3 {D}. All other purchases at the reference time.
struct Lines {
  std::vector<int64_t> customer = {0, 0, 1, 1, 1, 1, 2, 2, 3};
  std::vector<int32_t> product = {0, 1, 0, 0, 1, 2, 1, 2, 3};
  std::vector<UnixTime> time = {
      kRef, kRef, kRef - 30 * kDay, kRef - 10 * kDay, kRef - 10 * kDay, kRef - 10 * kDay, kRef,
      kRef, kRef};
};

CsrMatrix similarity(const ItemCfParams& p, const Lines& l = Lines{}) {
  return item_cf_similarity(l.customer, l.product, l.time, 4, 4, kRef, p);
}

/// Stored value at (r, c), NaN when absent.
double at(const CsrMatrix& m, int32_t r, int32_t c) {
  for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k)
    if (m.indices[k] == c) return m.values[k];
  return NAN;
}

void expect_symmetric_pairs(const CsrMatrix& s, double ab, double ac, double bc) {
  check_csr(s, "item_cf");
  EXPECT_NEAR(at(s, 0, 1), ab, 1e-6);
  EXPECT_NEAR(at(s, 1, 0), ab, 1e-6);
  EXPECT_NEAR(at(s, 1, 2), bc, 1e-6);
  EXPECT_NEAR(at(s, 2, 1), bc, 1e-6);
  if (std::isnan(ac)) {
    EXPECT_TRUE(std::isnan(at(s, 0, 2)));
    EXPECT_TRUE(std::isnan(at(s, 2, 0)));
  } else {
    EXPECT_NEAR(at(s, 0, 2), ac, 1e-6);
    EXPECT_NEAR(at(s, 2, 0), ac, 1e-6);
  }
  for (int32_t i = 0; i < 4; ++i) EXPECT_TRUE(std::isnan(at(s, i, i))) << "no diagonal";
  EXPECT_EQ(s.indptr[4] - s.indptr[3], 0) << "D shares no customer";
}

TEST(ItemCf, PlainCosineOverCustomers) {
  ItemCfParams p;
  p.half_life_days = 0;
  p.normalize_customers = false;
  p.min_customers = 1;
  // 0/1 vectors: A {u0,u1}, B {u0,u1,u2}, C {u1,u2}: AB 2/sqrt(2*3), AC 1/2, BC 2/sqrt(6).
  expect_symmetric_pairs(similarity(p), 2 / std::sqrt(6.0), 0.5, 2 / std::sqrt(6.0));
}

TEST(ItemCf, CustomerNormalisation) {
  ItemCfParams p;
  p.half_life_days = 0;
  p.min_customers = 1;
  // r = 1/sqrt(n_u): u0, u2 1/sqrt(2), u1 1/sqrt(3). |A|^2 = |C|^2 = 5/6, |B|^2 = 4/3;
  // AB = (1/2 + 1/3) / sqrt(5/6 * 4/3) = 5/(2 sqrt 10), AC = (1/3) / (5/6) = 0.4, BC = AB.
  const double ab = 5 / (2 * std::sqrt(10.0));
  expect_symmetric_pairs(similarity(p), ab, 0.4, ab);
}

TEST(ItemCf, DecayOfTheLastPurchase) {
  ItemCfParams p;
  p.half_life_days = 10;
  p.min_customers = 1;
  // u1's last purchases are 10 days old: r(u1, .) = 0.5/sqrt(3) (A's older line is ignored).
  // |A|^2 = |C|^2 = 1/2 + 1/12 = 7/12, |B|^2 = 13/12; AB = BC = (7/12) / sqrt(91/144) = 7/sqrt 91,
  // AC = (1/12) / (7/12) = 1/7.
  expect_symmetric_pairs(similarity(p), 7 / std::sqrt(91.0), 1.0 / 7, 7 / std::sqrt(91.0));
}

TEST(ItemCf, MinCustomersDropsRarePairs) {
  ItemCfParams p;
  p.half_life_days = 0;
  p.min_customers = 2;  // AC has one common customer (u1)
  const double ab = 5 / (2 * std::sqrt(10.0));
  const CsrMatrix s = similarity(p);
  expect_symmetric_pairs(s, ab, NAN, ab);
  EXPECT_EQ(s.nnz(), 4);
  p.min_customers = 3;
  EXPECT_EQ(similarity(p).nnz(), 0);
}

TEST(ItemCf, IndependentOfThreadCount) {
  const uint64_t seed = 20261201;
  std::mt19937_64 rng(seed);
  Lines l;
  l.customer.clear();
  l.product.clear();
  l.time.clear();
  const int64_t nc = 203, np = 57;
  for (int i = 0; i < 3000; ++i) {
    l.customer.push_back(static_cast<int64_t>(rng() % nc));
    l.product.push_back(static_cast<int32_t>(std::min(rng() % np, rng() % np)));
    l.time.push_back(kRef - static_cast<UnixTime>(rng() % (200 * kDay)));
  }
  ItemCfParams p;
  p.min_customers = 2;
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const CsrMatrix one = item_cf_similarity(l.customer, l.product, l.time, nc, np, kRef, p);
  omp_set_num_threads(3);
  const CsrMatrix three = item_cf_similarity(l.customer, l.product, l.time, nc, np, kRef, p);
  omp_set_num_threads(threads);
  check_csr(one, "item_cf");
  EXPECT_GT(one.nnz(), 0) << "seed " << seed;
  EXPECT_EQ(one.indptr, three.indptr) << "seed " << seed;
  EXPECT_EQ(one.indices, three.indices) << "seed " << seed;
  EXPECT_EQ(one.values, three.values) << "seed " << seed;
  for (float v : one.values) {
    EXPECT_GT(v, 0.0f);
    EXPECT_LE(v, 1.0f + 1e-6f);  // a cosine of non-negative vectors
  }
}

TEST(ItemCf, BadInput) {
  Lines l;
  ItemCfParams p;
  p.min_customers = 0;
  EXPECT_THROW(similarity(p), Error);
  p = ItemCfParams{};
  p.half_life_days = -1;
  EXPECT_THROW(similarity(p), Error);
  l.product[2] = 4;  // out of range
  EXPECT_THROW(similarity(ItemCfParams{}, l), Error);
  l = Lines{};
  l.customer[0] = -1;
  EXPECT_THROW(similarity(ItemCfParams{}, l), Error);
  l = Lines{};
  l.time.pop_back();
  EXPECT_THROW(similarity(ItemCfParams{}, l), Error);
}

}  // namespace
}  // namespace tailor
