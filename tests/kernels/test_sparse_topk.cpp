// Sparse cosine top-k: CPU (and CUDA when present) against the dense brute-force reference on random
// sparse shapes, tie-aware; exclusions, availability, empty rows, k > candidates, bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "kernels/device.h"
#include "kernels/sparse_topk.h"

namespace tailor {
namespace {

/// rows x cols with about `density` stored entries per cell; `levels` > 0 quantises values to
/// 1..levels (many exact ties); a fraction of rows is empty.
CsrMatrix random_csr(int64_t rows, int64_t cols, double density, int levels, std::mt19937_64& rng,
                     double empty_rows = 0.1) {
  CsrMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.indptr.push_back(0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int64_t r = 0; r < rows; ++r) {
    if (u(rng) >= empty_rows) {
      for (int32_t c = 0; c < cols; ++c) {
        if (u(rng) >= density) continue;
        m.indices.push_back(c);
        m.values.push_back(levels > 0 ? float(1 + rng() % levels) : float(u(rng) + 0.01));
      }
    }
    m.indptr.push_back(m.nnz());
  }
  return m;
}

/// Exact score of (q, i) in double and whether they share a term.
std::pair<double, bool> exact_score(const CsrMatrix& q, int64_t r, const CsrMatrix& items, int32_t i) {
  double s = 0;
  bool shares = false;
  int64_t a = q.indptr[r], b = items.indptr[i];
  while (a < q.indptr[r + 1] && b < items.indptr[i + 1]) {
    if (q.indices[a] < items.indices[b]) {
      ++a;
    } else if (q.indices[a] > items.indices[b]) {
      ++b;
    } else {
      s += double(q.values[a++]) * items.values[b++];
      shares = true;
    }
  }
  return {s, shares};
}

/// Tie-aware comparison of `got` with the reference `want`.
void expect_topk_equal(const TopKResult& got, const TopKResult& want, const CsrMatrix& queries,
                       const CsrMatrix& items, const CsrMatrix* exclude, const uint8_t* available,
                       bool include_zero, const std::string& what) {
  ASSERT_EQ(got.rows, want.rows) << what;
  ASSERT_EQ(got.k, want.k) << what;
  ASSERT_EQ(got.items.size(), size_t(got.rows) * got.k) << what;
  const int k = got.k;
  int failures = 0;
  for (int64_t q = 0; q < got.rows && failures < 5; ++q) {
    std::ostringstream row;
    row << what << " row " << q;
    std::set<int32_t> seen;
    std::set<int32_t> excluded;
    if (exclude) {
      for (int64_t e = exclude->indptr[q]; e < exclude->indptr[q + 1]; ++e)
        excluded.insert(exclude->indices[e]);
    }
    for (int r = 0; r < k; ++r) {
      const int32_t gi = got.items[q * k + r], wi = want.items[q * k + r];
      const float gs = got.scores[q * k + r], ws = want.scores[q * k + r];
      if (wi < 0) {  // fewer candidates than k: same count, padded
        EXPECT_EQ(gi, -1) << row.str() << " slot " << r;
        EXPECT_TRUE(std::isinf(gs) && gs < 0) << row.str() << " slot " << r;
        failures += gi != -1;
        continue;
      }
      if (gi < 0) {
        ADD_FAILURE() << row.str() << " slot " << r << ": missing, reference has item " << wi;
        ++failures;
        continue;
      }
      EXPECT_TRUE(seen.insert(gi).second) << row.str() << ": duplicate item " << gi;
      EXPECT_EQ(excluded.count(gi), 0u) << row.str() << ": excluded item " << gi;
      if (available) {
        EXPECT_NE(available[gi], 0) << row.str() << ": unavailable item " << gi;
      }
      const auto exact = exact_score(queries, q, items, gi);
      EXPECT_TRUE(exact.second || include_zero) << row.str() << ": item " << gi << " shares no term";
      const double tol = 1e-5 * std::max(1.0, std::fabs(exact.first));
      EXPECT_NEAR(gs, exact.first, tol) << row.str() << " item " << gi;
      EXPECT_NEAR(gs, ws, tol) << row.str() << " slot " << r;  // same sorted score multiset
      if (r > 0) {
        EXPECT_GE(got.scores[q * k + r - 1], gs) << row.str() << " not descending";
      }
      if (std::fabs(gs - ws) > tol) ++failures;
    }
  }
}

struct Shape {
  int64_t n_q, n_i, d;
  double density;
  int k, levels;
};

const Shape kShapes[] = {
    {1, 1, 1, 1.0, 1, 0},        {37, 53, 11, 0.2, 5, 0},    {101, 257, 64, 0.05, 10, 3},
    {64, 999, 300, 0.02, 50, 0}, {13, 7, 5, 0.5, 20, 2},     {250, 1301, 97, 0.03, 1, 2},
    {3, 5000, 40, 0.1, 1000, 0}, {200, 777, 1000, 0.004, 17, 0}};

TEST(SparseTopK, CpuMatchesReferenceOnRandomShapes) {
  for (uint64_t seed : {1ull, 2ull, 20261123ull}) {
    std::mt19937_64 rng(seed);
    for (const Shape& s : kShapes) {
      CsrMatrix q = random_csr(s.n_q, s.d, s.density * 2, s.levels, rng);
      CsrMatrix it = random_csr(s.n_i, s.d, s.density, s.levels, rng, 0.05);
      std::ostringstream what;
      what << "seed=" << seed << " n_q=" << s.n_q << " n_i=" << s.n_i << " d=" << s.d
           << " k=" << s.k;
      for (bool zero : {false, true}) {
        SparseTopKParams p;
        p.k = s.k;
        TopKResult got = sparse_topk(q, it, p, nullptr, nullptr, zero);
        TopKResult want = sparse_topk_reference(q, it, s.k, nullptr, nullptr, zero);
        expect_topk_equal(got, want, q, it, nullptr, nullptr, zero,
                          what.str() + (zero ? " zeros" : ""));
      }
    }
  }
}

TEST(SparseTopK, ExclusionsAndAvailability) {
  const uint64_t seed = 7;
  std::mt19937_64 rng(seed);
  CsrMatrix q = random_csr(120, 50, 0.2, 0, rng);
  CsrMatrix it = random_csr(400, 50, 0.1, 0, rng);
  CsrMatrix ex = random_csr(120, 400, 0.3, 0, rng);
  std::vector<uint8_t> avail(400);
  for (auto& a : avail) a = rng() % 4 != 0;
  SparseTopKParams p;
  p.k = 25;
  for (bool zero : {false, true}) {
    TopKResult got = sparse_topk(q, it, p, &ex, avail.data(), zero);
    TopKResult want = sparse_topk_reference(q, it, p.k, &ex, avail.data(), zero);
    expect_topk_equal(got, want, q, it, &ex, avail.data(), zero, "seed=7 exclusions");
  }
  // Excluding everything leaves empty rows.
  CsrMatrix all = random_csr(120, 400, 1.1, 1, rng, 0.0);
  TopKResult none = sparse_topk(q, it, p, &all, nullptr, true);
  for (int32_t i : none.items) EXPECT_EQ(i, -1);
}

TEST(SparseTopK, EmptyQueriesAndKAboveCandidates) {
  CsrMatrix items;  // 3 items over 4 terms
  items.rows = 3;
  items.cols = 4;
  items.indptr = {0, 2, 3, 4};
  items.indices = {0, 1, 1, 3};
  items.values = {0.6f, 0.8f, 1.0f, 1.0f};
  CsrMatrix q;
  q.rows = 3;
  q.cols = 4;
  q.indptr = {0, 0, 1, 2};  // row 0 empty; row 1 term 1; row 2 term 2 (no item has it)
  q.indices = {1, 2};
  q.values = {1.0f, 1.0f};
  SparseTopKParams p;
  p.k = 5;
  TopKResult r = sparse_topk(q, items, p);
  const std::vector<int32_t> want_items = {-1, -1, -1, -1, -1, 1, 0, -1, -1, -1,
                                           -1, -1, -1, -1, -1};
  EXPECT_EQ(r.items, want_items);
  EXPECT_FLOAT_EQ(r.scores[5], 1.0f);
  EXPECT_FLOAT_EQ(r.scores[6], 0.8f);
  EXPECT_TRUE(std::isinf(r.scores[7]));
  // With zero scores every item is a candidate, ties by lower id.
  TopKResult z = sparse_topk(q, items, p, nullptr, nullptr, true);
  EXPECT_EQ(std::vector<int32_t>(z.items.begin(), z.items.begin() + 5),
            (std::vector<int32_t>{0, 1, 2, -1, -1}));
  EXPECT_EQ(std::vector<int32_t>(z.items.begin() + 5, z.items.begin() + 10),
            (std::vector<int32_t>{1, 0, 2, -1, -1}));
  // No queries, no items.
  CsrMatrix q0;
  q0.cols = 4;
  q0.indptr = {0};
  EXPECT_EQ(sparse_topk(q0, items, p).rows, 0);
}

TEST(SparseTopK, BadInputIsAnError) {
  std::mt19937_64 rng(3);
  CsrMatrix q = random_csr(4, 6, 0.5, 0, rng);
  CsrMatrix it = random_csr(5, 7, 0.5, 0, rng);
  SparseTopKParams p;
  EXPECT_THROW(sparse_topk(q, it, p), Error);  // 6 vs 7 columns
  it = random_csr(5, 6, 0.5, 0, rng);
  p.k = 0;
  EXPECT_THROW(sparse_topk(q, it, p), Error);
  p.k = 3;
  p.device = "tpu";
  EXPECT_THROW(sparse_topk(q, it, p), Error);
  p.device = "cpu";
  CsrMatrix ex = random_csr(3, 5, 0.5, 0, rng);  // wrong row count
  EXPECT_THROW(sparse_topk(q, it, p, &ex), Error);
  if (it.nnz() > 0) {
    it.values[0] = NAN;
    EXPECT_THROW(sparse_topk(q, it, p), Error);
  }
}

TEST(SparseTopKCuda, MatchesCpu) {
  if (!cuda_compiled()) GTEST_SKIP() << "tailor was built without CUDA";
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device: " << cuda_device_description();
  for (uint64_t seed : {11ull, 12ull}) {
    std::mt19937_64 rng(seed);
    for (const Shape& s : kShapes) {
      CsrMatrix q = random_csr(s.n_q, s.d, s.density * 2, s.levels, rng);
      CsrMatrix it = random_csr(s.n_i, s.d, s.density, s.levels, rng, 0.05);
      CsrMatrix ex = random_csr(s.n_q, s.n_i, 0.1, 0, rng);
      std::vector<uint8_t> avail(size_t(s.n_i));
      for (auto& a : avail) a = rng() % 5 != 0;
      std::ostringstream what;
      what << "seed=" << seed << " n_q=" << s.n_q << " n_i=" << s.n_i << " d=" << s.d
           << " k=" << s.k;
      for (bool zero : {false, true}) {
        SparseTopKParams p;
        p.k = s.k;
        p.device = "cuda";
        p.chunk_rows = 1 + s.n_q / 3;  // several chunks
        TopKResult got = sparse_topk(q, it, p, &ex, avail.data(), zero);
        p.device = "cpu";
        TopKResult want = sparse_topk(q, it, p, &ex, avail.data(), zero);
        expect_topk_equal(got, want, q, it, &ex, avail.data(), zero,
                          what.str() + (zero ? " zeros" : ""));
      }
    }
  }
}

TEST(SparseTopKCuda, WithoutCudaIsAClearError) {
  if (cuda_compiled()) GTEST_SKIP() << "tailor was built with CUDA";
  CsrMatrix q;
  q.cols = 2;
  q.indptr = {0};
  SparseTopKParams p;
  p.device = "cuda";
  try {
    sparse_topk(q, q, p);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("built without CUDA"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tailor
