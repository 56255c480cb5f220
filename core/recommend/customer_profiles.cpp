// Customer profiles (decayed, quantity-weighted sums of product vectors) and the purchased-products
// matrix, both grouped by customer with a counting sort and built row by row in parallel.
#include "core/recommend/customer_profiles.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace tailor {
namespace {

void check_transactions(const Dataset& data) {
  const TransactionTable& t = data.transactions;
  const size_t n = t.customer.size();
  TAILOR_CHECK(t.product.size() == n && t.time.size() == n && t.quantity.size() == n &&
                   t.kind.size() == n,
               "customer profiles: transaction columns have different lengths (customer "
                   << n << ", product " << t.product.size() << ", time " << t.time.size()
                   << ", quantity " << t.quantity.size() << ", kind " << t.kind.size() << ")");
  const int64_t n_c = int64_t(data.customers.size());
  const int64_t n_p = int64_t(data.products.size());
  for (size_t i = 0; i < n; ++i) {
    TAILOR_CHECK(t.customer[i] >= -1 && t.customer[i] < n_c,
                 "customer profiles: transaction " << i << " has customer " << t.customer[i]
                                                   << " outside [-1, " << n_c << ")");
    TAILOR_CHECK(t.product[i] >= 0 && t.product[i] < n_p,
                 "customer profiles: transaction " << i << " has product " << t.product[i]
                                                   << " outside [0, " << n_p << ")");
  }
}

/// Transaction lines with a customer and a known time <= as_of, grouped by customer:
/// lines[start[c] .. start[c+1]).
void group_by_customer(const Dataset& data, UnixTime as_of, std::vector<int64_t>& start,
                       std::vector<int64_t>& lines) {
  const TransactionTable& t = data.transactions;
  const size_t n_c = data.customers.size();
  start.assign(n_c + 1, 0);
  auto keep = [&](size_t i) {
    return t.customer[i] >= 0 && t.time[i] >= 0 && (as_of < 0 || t.time[i] <= as_of);
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (keep(i)) ++start[size_t(t.customer[i]) + 1];
  }
  for (size_t c = 0; c < n_c; ++c) start[c + 1] += start[c];
  lines.resize(size_t(start[n_c]));
  std::vector<int64_t> next(start.begin(), start.end() - 1);
  for (size_t i = 0; i < t.size(); ++i) {
    if (keep(i)) lines[size_t(next[size_t(t.customer[i])]++)] = int64_t(i);
  }
}

/// Concatenates per-row (index, value) lists into a CSR matrix.
CsrMatrix assemble(int64_t cols, std::vector<std::vector<std::pair<int32_t, float>>>& rows) {
  CsrMatrix m;
  m.rows = int64_t(rows.size());
  m.cols = cols;
  m.indptr.assign(rows.size() + 1, 0);
  for (size_t r = 0; r < rows.size(); ++r) m.indptr[r + 1] = m.indptr[r] + int64_t(rows[r].size());
  m.indices.reserve(size_t(m.indptr.back()));
  m.values.reserve(size_t(m.indptr.back()));
  for (auto& row : rows) {
    for (auto& e : row) {
      m.indices.push_back(e.first);
      m.values.push_back(e.second);
    }
    std::vector<std::pair<int32_t, float>>().swap(row);
  }
  return m;
}

}  // namespace

UnixTime resolve_as_of(const Dataset& data, UnixTime as_of) {
  if (as_of >= 0) return as_of;
  UnixTime latest = -1;
  for (UnixTime t : data.transactions.time) latest = std::max(latest, t);
  return latest;
}

CsrMatrix build_customer_profiles(const Dataset& data, const CsrMatrix& product_vectors,
                                  const ProfileParams& params) {
  TAILOR_CHECK(params.half_life_days >= 0 && std::isfinite(params.half_life_days),
               "customer profiles: half_life_days must be >= 0, got " << params.half_life_days);
  check_csr(product_vectors, "customer profiles: product vectors");
  TAILOR_CHECK(product_vectors.rows == int64_t(data.products.size()),
               "customer profiles: " << product_vectors.rows << " product vectors for "
                                     << data.products.size() << " products");
  check_transactions(data);
  const UnixTime as_of = resolve_as_of(data, params.as_of);
  std::vector<int64_t> start, lines;
  group_by_customer(data, as_of, start, lines);

  const TransactionTable& t = data.transactions;
  const int64_t n_c = int64_t(data.customers.size());
  const int64_t cols = product_vectors.cols;
  std::vector<std::vector<std::pair<int32_t, float>>> rows(static_cast<size_t>(n_c));
#pragma omp parallel
  {
    std::vector<double> acc(size_t(cols), 0.0);
    std::vector<uint8_t> touched_flag(size_t(cols), 0);
    std::vector<int32_t> touched;
#pragma omp for schedule(dynamic, 256)
    for (int64_t c = 0; c < n_c; ++c) {
      touched.clear();
      for (int64_t l = start[c]; l < start[c + 1]; ++l) {
        const size_t i = size_t(lines[size_t(l)]);
        double w = params.quantity_weighted ? std::fabs(double(t.quantity[i])) : 1.0;
        if (t.kind[i] == uint8_t(TransactionKind::kReturn)) w = -w;
        if (params.half_life_days > 0) {
          const double age_days = double(as_of - t.time[i]) / 86400.0;
          w *= std::exp2(-age_days / params.half_life_days);
        }
        const int32_t p = t.product[i];
        for (int64_t j = product_vectors.indptr[p]; j < product_vectors.indptr[p + 1]; ++j) {
          const int32_t term = product_vectors.indices[j];
          acc[term] += w * product_vectors.values[j];
          if (!touched_flag[term]) {
            touched_flag[term] = 1;
            touched.push_back(term);
          }
        }
      }
      std::sort(touched.begin(), touched.end());
      double ss = 0.0;
      for (int32_t term : touched) {
        if (acc[term] > 0) ss += acc[term] * acc[term];
      }
      auto& row = rows[size_t(c)];
      if (ss > 0) {
        const double inv = 1.0 / std::sqrt(ss);
        for (int32_t term : touched) {
          const float v = float(acc[term] * inv);
          if (acc[term] > 0 && v > 0) row.emplace_back(term, v);
        }
      }
      for (int32_t term : touched) {
        acc[term] = 0.0;
        touched_flag[term] = 0;
      }
    }
  }
  return assemble(cols, rows);
}

CsrMatrix build_purchased_matrix(const Dataset& data, UnixTime as_of) {
  check_transactions(data);
  std::vector<int64_t> start, lines;
  group_by_customer(data, as_of, start, lines);
  const TransactionTable& t = data.transactions;
  const int64_t n_c = int64_t(data.customers.size());
  std::vector<std::vector<std::pair<int32_t, float>>> rows(static_cast<size_t>(n_c));
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t c = 0; c < n_c; ++c) {
    std::vector<int32_t> bought;
    for (int64_t l = start[c]; l < start[c + 1]; ++l) {
      const size_t i = size_t(lines[size_t(l)]);
      if (t.kind[i] == uint8_t(TransactionKind::kPurchase)) bought.push_back(t.product[i]);
    }
    std::sort(bought.begin(), bought.end());
    auto& row = rows[size_t(c)];
    for (size_t j = 0; j < bought.size();) {
      size_t e = j;
      while (e < bought.size() && bought[e] == bought[j]) ++e;
      row.emplace_back(bought[j], float(e - j));
      j = e;
    }
  }
  return assemble(int64_t(data.products.size()), rows);
}

}  // namespace tailor
