// Co-purchase counting (sparse Xᵀ X over baskets) and the thresholded pair score matrix.
#include "core/recommend/copurchase.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/common/error.h"

namespace tailor {

void check_copurchase_params(const CopurchaseParams& p) {
  TAILOR_CHECK(p.min_support >= 1, "copurchase: min_support must be >= 1, got " << p.min_support);
  TAILOR_CHECK(p.min_confidence >= 0 && p.min_confidence <= 1,
               "copurchase: min_confidence must be in [0, 1], got " << p.min_confidence);
  TAILOR_CHECK(p.score == "confidence" || p.score == "lift" || p.score == "cosine",
               "copurchase: score must be confidence, lift or cosine, got '" << p.score << "'");
}

CsrMatrix basket_matrix(const std::vector<int64_t>& basket, const std::vector<int32_t>& product,
                        int64_t n_baskets, int64_t n_products) {
  TAILOR_CHECK(basket.size() == product.size(), "basket_matrix: " << basket.size()
                                                    << " baskets but " << product.size()
                                                    << " products");
  std::vector<std::pair<int64_t, int32_t>> pairs(basket.size());
  for (size_t i = 0; i < basket.size(); ++i) {
    TAILOR_CHECK(basket[i] >= 0 && basket[i] < n_baskets,
                 "basket_matrix: basket " << basket[i] << " out of range [0, " << n_baskets << ")");
    TAILOR_CHECK(product[i] >= 0 && product[i] < n_products,
                 "basket_matrix: product " << product[i] << " out of range [0, " << n_products
                                           << ")");
    pairs[i] = {basket[i], product[i]};
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  CsrMatrix m;
  m.rows = n_baskets;
  m.cols = n_products;
  m.indptr.assign(static_cast<size_t>(n_baskets) + 1, 0);
  m.indices.reserve(pairs.size());
  for (const auto& [b, p] : pairs) {
    ++m.indptr[static_cast<size_t>(b) + 1];
    m.indices.push_back(p);
  }
  for (int64_t r = 0; r < n_baskets; ++r) m.indptr[r + 1] += m.indptr[r];
  m.values.assign(pairs.size(), 1.0f);
  return m;
}

namespace {

/// products x baskets (the transpose of a 0/1 pattern), rows sorted.
CsrMatrix pattern_transpose(const CsrMatrix& x) {
  CsrMatrix t;
  t.rows = x.cols;
  t.cols = x.rows;
  t.indptr.assign(static_cast<size_t>(x.cols) + 1, 0);
  for (int32_t c : x.indices) ++t.indptr[static_cast<size_t>(c) + 1];
  for (int64_t r = 0; r < t.rows; ++r) t.indptr[r + 1] += t.indptr[r];
  t.indices.resize(x.indices.size());
  std::vector<int64_t> fill(t.indptr.begin(), t.indptr.end() - 1);
  for (int64_t r = 0; r < x.rows; ++r)
    for (int64_t k = x.indptr[r]; k < x.indptr[r + 1]; ++k)
      t.indices[fill[x.indices[k]]++] = static_cast<int32_t>(r);
  t.values.assign(t.indices.size(), 1.0f);
  return t;
}

}  // namespace

CopurchaseCounts count_copurchases(const CsrMatrix& baskets) {
  check_csr(baskets, "baskets");
  const int64_t n = baskets.cols;
  CopurchaseCounts out;
  out.baskets = baskets.rows;
  const CsrMatrix xt = pattern_transpose(baskets);
  out.item_baskets.resize(static_cast<size_t>(n));
  for (int64_t a = 0; a < n; ++a) out.item_baskets[a] = xt.indptr[a + 1] - xt.indptr[a];

  // Row a of Xᵀ X: for every basket holding a, count every other product of that basket.
  std::vector<std::vector<int32_t>> row_cols(static_cast<size_t>(n));
  std::vector<std::vector<float>> row_vals(static_cast<size_t>(n));
#pragma omp parallel
  {
    std::vector<int64_t> acc(static_cast<size_t>(n), 0);
    std::vector<int32_t> touched;
#pragma omp for schedule(dynamic, 64)
    for (int64_t a = 0; a < n; ++a) {
      touched.clear();
      for (int64_t k = xt.indptr[a]; k < xt.indptr[a + 1]; ++k) {
        const int64_t b = xt.indices[k];
        for (int64_t m = baskets.indptr[b]; m < baskets.indptr[b + 1]; ++m) {
          const int32_t j = baskets.indices[m];
          if (j == a) continue;
          if (acc[j]++ == 0) touched.push_back(j);
        }
      }
      std::sort(touched.begin(), touched.end());
      auto& cols = row_cols[a];
      auto& vals = row_vals[a];
      cols.reserve(touched.size());
      vals.reserve(touched.size());
      for (int32_t j : touched) {
        cols.push_back(j);
        vals.push_back(static_cast<float>(acc[j]));
        acc[j] = 0;
      }
    }
  }
  CsrMatrix& s = out.support;
  s.rows = n;
  s.cols = n;
  s.indptr.assign(static_cast<size_t>(n) + 1, 0);
  for (int64_t a = 0; a < n; ++a) s.indptr[a + 1] = s.indptr[a] + row_cols[a].size();
  s.indices.reserve(static_cast<size_t>(s.indptr[n]));
  s.values.reserve(static_cast<size_t>(s.indptr[n]));
  for (int64_t a = 0; a < n; ++a) {
    s.indices.insert(s.indices.end(), row_cols[a].begin(), row_cols[a].end());
    s.values.insert(s.values.end(), row_vals[a].begin(), row_vals[a].end());
  }
  return out;
}

double copurchase_confidence(const CopurchaseCounts& c, int64_t support_ab, int32_t a) {
  const int64_t na = c.item_baskets.at(static_cast<size_t>(a));
  return na > 0 ? static_cast<double>(support_ab) / static_cast<double>(na) : 0.0;
}

double copurchase_lift(const CopurchaseCounts& c, int64_t support_ab, int32_t a, int32_t b) {
  const int64_t nb = c.item_baskets.at(static_cast<size_t>(b));
  if (nb == 0 || c.baskets == 0) return 0.0;
  return copurchase_confidence(c, support_ab, a) * static_cast<double>(c.baskets) /
         static_cast<double>(nb);
}

CsrMatrix copurchase_scores(const CopurchaseCounts& counts, const CopurchaseParams& p) {
  check_copurchase_params(p);
  const CsrMatrix& s = counts.support;
  CsrMatrix out;
  out.rows = s.rows;
  out.cols = s.cols;
  out.indptr.assign(static_cast<size_t>(s.rows) + 1, 0);
  for (int64_t a = 0; a < s.rows; ++a) {
    const auto ai = static_cast<int32_t>(a);
    for (int64_t k = s.indptr[a]; k < s.indptr[a + 1]; ++k) {
      const auto sup = static_cast<int64_t>(s.values[k]);
      const int32_t b = s.indices[k];
      if (sup < p.min_support) continue;
      const double conf = copurchase_confidence(counts, sup, ai);
      if (conf < p.min_confidence) continue;
      double score = conf;
      if (p.score == "lift") {
        score = copurchase_lift(counts, sup, ai, b);
      } else if (p.score == "cosine") {
        score = static_cast<double>(sup) /
                std::sqrt(static_cast<double>(counts.item_baskets[a]) *
                          static_cast<double>(counts.item_baskets[b]));
      }
      out.indices.push_back(b);
      out.values.push_back(static_cast<float>(score));
    }
    out.indptr[a + 1] = static_cast<int64_t>(out.indices.size());
  }
  return out;
}

}  // namespace tailor
