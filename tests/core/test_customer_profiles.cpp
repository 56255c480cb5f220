// Customer profiles: time decay, quantity weighting, returns subtracting (clipped at 0), empty
// profiles, l2 rows, and the purchased-products exclusion matrix.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/recommend/customer_profiles.h"

namespace tailor {
namespace {

constexpr UnixTime kDay = 86400;
constexpr UnixTime kNow = 1700000000;

/// 5 customers, 3 products whose vectors are the unit vectors e0, e1, e2 (3 terms).
Dataset make_data() {
  Dataset d;
  d.customers.external_id = {"c0", "c1", "c2", "c3", "c4"};
  d.products.external_id = {"p0", "p1", "p2"};
  return d;
}

void add(Dataset& d, int64_t customer, int32_t product, UnixTime time, int32_t qty) {
  auto& t = d.transactions;
  t.customer.push_back(customer);
  t.product.push_back(product);
  t.invoice.push_back(0);
  t.time.push_back(time);
  t.quantity.push_back(qty);
  t.unit_price.push_back(1.0f);
  t.kind.push_back(uint8_t(qty < 0 ? TransactionKind::kReturn : TransactionKind::kPurchase));
}

CsrMatrix unit_vectors() {
  CsrMatrix m;
  m.rows = 3;
  m.cols = 3;
  m.indptr = {0, 1, 2, 3};
  m.indices = {0, 1, 2};
  m.values = {1, 1, 1};
  return m;
}

/// Dense row r of m.
std::vector<float> dense(const CsrMatrix& m, int64_t r) {
  std::vector<float> v(size_t(m.cols), 0.0f);
  for (int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) v[m.indices[j]] = m.values[j];
  return v;
}

TEST(CustomerProfiles, DecayQuantityReturnsAndEmpty) {
  Dataset d = make_data();
  add(d, 0, 0, kNow, 1);                 // c0: p0 now, p1 one half-life ago -> ratio 2
  add(d, 0, 1, kNow - 30 * kDay, 1);
  add(d, 1, 0, kNow - 5 * kDay, 3);      // c1: same time, quantities 3 and 1
  add(d, 1, 2, kNow - 5 * kDay, 1);
  add(d, 2, 0, kNow - 2 * kDay, 2);      // c2: p0 bought 2, returned 3 -> clipped; p1 stays
  add(d, 2, 0, kNow - kDay, -3);
  add(d, 2, 1, kNow - kDay, 1);
  add(d, 3, 2, kNow + kDay, 4);          // c3: only after as_of -> empty
  add(d, -1, 2, kNow, 1);                // no customer: skipped
  // c4: no transactions -> empty
  ProfileParams p;
  p.half_life_days = 30;
  p.as_of = kNow;
  CsrMatrix prof = build_customer_profiles(d, unit_vectors(), p);
  check_csr(prof, "profiles");
  ASSERT_EQ(prof.rows, 5);
  ASSERT_EQ(prof.cols, 3);
  auto r0 = dense(prof, 0);
  EXPECT_NEAR(r0[0] / r0[1], 2.0, 1e-5);
  EXPECT_NEAR(r0[0] * r0[0] + r0[1] * r0[1], 1.0, 1e-6);
  auto r1 = dense(prof, 1);
  EXPECT_NEAR(r1[0] / r1[2], 3.0, 1e-5);
  EXPECT_EQ(r1[1], 0.0f);
  auto r2 = dense(prof, 2);
  EXPECT_EQ(prof.indptr[3] - prof.indptr[2], 1);  // p0 cancelled below zero: dropped
  EXPECT_NEAR(r2[1], 1.0, 1e-6);
  EXPECT_EQ(prof.indptr[4], prof.indptr[3]);  // c3 empty
  EXPECT_EQ(prof.indptr[5], prof.indptr[4]);  // c4 empty

  // No decay and no quantity weighting: c0's two lines count equally.
  p.half_life_days = 0;
  p.quantity_weighted = false;
  prof = build_customer_profiles(d, unit_vectors(), p);
  r0 = dense(prof, 0);
  EXPECT_NEAR(r0[0], r0[1], 1e-6);
  r1 = dense(prof, 1);
  EXPECT_NEAR(r1[0], r1[2], 1e-6);

  // as_of -1 = the latest transaction time: c3's line now counts.
  p.as_of = -1;
  prof = build_customer_profiles(d, unit_vectors(), p);
  EXPECT_EQ(prof.indptr[4] - prof.indptr[3], 1);
}

TEST(CustomerProfiles, ReturnsSubtractPartially) {
  Dataset d = make_data();
  add(d, 0, 0, kNow, 5);
  add(d, 0, 0, kNow, -2);
  add(d, 0, 1, kNow, 1);
  ProfileParams p;
  p.as_of = kNow;
  CsrMatrix prof = build_customer_profiles(d, unit_vectors(), p);
  auto r0 = dense(prof, 0);
  EXPECT_NEAR(r0[0] / r0[1], 3.0, 1e-5);  // 5 - 2
}

TEST(CustomerProfiles, PurchasedMatrix) {
  Dataset d = make_data();
  add(d, 0, 2, kNow, 1);
  add(d, 0, 0, kNow, 2);
  add(d, 0, 2, kNow, 1);
  add(d, 1, 1, kNow, -1);  // a return alone is not a purchase
  add(d, 2, 1, kNow + kDay, 1);
  CsrMatrix m = build_purchased_matrix(d);
  check_csr(m, "purchased");
  ASSERT_EQ(m.rows, 5);
  ASSERT_EQ(m.cols, 3);
  EXPECT_EQ(m.indptr, (std::vector<int64_t>{0, 2, 2, 3, 3, 3}));
  EXPECT_EQ(m.indices, (std::vector<int32_t>{0, 2, 1}));
  EXPECT_EQ(m.values, (std::vector<float>{1, 2, 1}));
  CsrMatrix before = build_purchased_matrix(d, kNow);
  EXPECT_EQ(before.indptr[3], 2);  // c2's later purchase excluded
}

TEST(CustomerProfiles, BadInputIsAnError) {
  Dataset d = make_data();
  add(d, 0, 7, kNow, 1);  // product out of range
  EXPECT_THROW(build_customer_profiles(d, unit_vectors(), ProfileParams{}), Error);
  Dataset e = make_data();
  CsrMatrix two = unit_vectors();
  two.rows = 2;
  two.indptr.pop_back();
  two.indices.pop_back();
  two.values.pop_back();
  EXPECT_THROW(build_customer_profiles(e, two, ProfileParams{}), Error);  // 2 vectors, 3 products
  ProfileParams p;
  p.half_life_days = -1;
  EXPECT_THROW(build_customer_profiles(e, unit_vectors(), p), Error);
}

}  // namespace
}  // namespace tailor
