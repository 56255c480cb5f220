// Item-based collaborative filtering: decayed, customer-normalised product vectors over customers
// and their pairwise cosine (row by row with a dense accumulator).
#include "core/recommend/item_cf.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/common/error.h"

namespace tailor {

void check_item_cf_params(const ItemCfParams& p) {
  TAILOR_CHECK(p.half_life_days >= 0 && std::isfinite(p.half_life_days),
               "item_cf: half_life_days must be >= 0, got " << p.half_life_days);
  TAILOR_CHECK(p.min_customers >= 1,
               "item_cf: min_customers must be >= 1, got " << p.min_customers);
}

CsrMatrix item_cf_similarity(const std::vector<int64_t>& customer,
                             const std::vector<int32_t>& product, const std::vector<UnixTime>& time,
                             int64_t n_customers, int64_t n_products, UnixTime reference,
                             const ItemCfParams& p) {
  check_item_cf_params(p);
  TAILOR_CHECK(customer.size() == product.size() && customer.size() == time.size(),
               "item_cf: " << customer.size() << " customers, " << product.size() << " products, "
                           << time.size() << " times");
  // Last purchase per (customer, product), rows of the customers x products matrix R.
  std::vector<std::tuple<int64_t, int32_t, UnixTime>> lines(customer.size());
  for (size_t l = 0; l < customer.size(); ++l) {
    TAILOR_CHECK(customer[l] >= 0 && customer[l] < n_customers,
                 "item_cf: customer " << customer[l] << " out of range [0, " << n_customers << ")");
    TAILOR_CHECK(product[l] >= 0 && product[l] < n_products,
                 "item_cf: product " << product[l] << " out of range [0, " << n_products << ")");
    lines[l] = {customer[l], product[l], time[l]};
  }
  std::sort(lines.begin(), lines.end());
  std::vector<int64_t> r_ptr(static_cast<size_t>(n_customers) + 1, 0);
  std::vector<int32_t> r_col;
  std::vector<double> r_val;
  for (size_t l = 0; l < lines.size(); ++l) {
    const auto& [u, i, t] = lines[l];
    const bool last_of_pair =
        l + 1 == lines.size() || std::get<0>(lines[l + 1]) != u || std::get<1>(lines[l + 1]) != i;
    if (!last_of_pair) continue;  // sorted by time within the pair: keep the latest
    const double age_days = static_cast<double>(reference - t) / 86400.0;
    r_col.push_back(i);
    r_val.push_back(p.half_life_days > 0 ? std::exp2(-age_days / p.half_life_days) : 1.0);
    ++r_ptr[static_cast<size_t>(u) + 1];
  }
  for (int64_t u = 0; u < n_customers; ++u) r_ptr[u + 1] += r_ptr[u];
  if (p.normalize_customers) {
    for (int64_t u = 0; u < n_customers; ++u) {
      const int64_t n_u = r_ptr[u + 1] - r_ptr[u];
      const double s = n_u > 0 ? 1.0 / std::sqrt(static_cast<double>(n_u)) : 0.0;
      for (int64_t k = r_ptr[u]; k < r_ptr[u + 1]; ++k) r_val[k] *= s;
    }
  }
  // Rᵀ (products x customers, customers ascending) and the product norms ‖r(·, i)‖.
  std::vector<int64_t> t_ptr(static_cast<size_t>(n_products) + 1, 0);
  for (int32_t i : r_col) ++t_ptr[static_cast<size_t>(i) + 1];
  for (int64_t i = 0; i < n_products; ++i) t_ptr[i + 1] += t_ptr[i];
  std::vector<int64_t> t_row(r_col.size());
  std::vector<double> t_val(r_col.size());
  std::vector<double> norm(static_cast<size_t>(n_products), 0.0);
  {
    std::vector<int64_t> fill(t_ptr.begin(), t_ptr.end() - 1);
    for (int64_t u = 0; u < n_customers; ++u) {
      for (int64_t k = r_ptr[u]; k < r_ptr[u + 1]; ++k) {
        const int64_t at = fill[r_col[k]]++;
        t_row[at] = u;
        t_val[at] = r_val[k];
        norm[r_col[k]] += r_val[k] * r_val[k];
      }
    }
  }
  for (double& x : norm) x = std::sqrt(x);

  // Row a of the similarity: Σ over a's customers u of r(u,a) · row u of R, then the cosine.
  std::vector<std::vector<int32_t>> row_cols(static_cast<size_t>(n_products));
  std::vector<std::vector<float>> row_vals(static_cast<size_t>(n_products));
#pragma omp parallel
  {
    std::vector<double> acc(static_cast<size_t>(n_products), 0.0);
    std::vector<int64_t> common(static_cast<size_t>(n_products), 0);
    std::vector<int32_t> touched;
#pragma omp for schedule(dynamic, 64)
    for (int64_t a = 0; a < n_products; ++a) {
      touched.clear();
      for (int64_t k = t_ptr[a]; k < t_ptr[a + 1]; ++k) {
        const int64_t u = t_row[k];
        const double ra = t_val[k];
        for (int64_t q = r_ptr[u]; q < r_ptr[u + 1]; ++q) {
          const int32_t j = r_col[q];
          if (j == a) continue;
          if (common[j]++ == 0) touched.push_back(j);
          acc[j] += ra * r_val[q];
        }
      }
      std::sort(touched.begin(), touched.end());
      auto& cols = row_cols[a];
      auto& vals = row_vals[a];
      for (int32_t j : touched) {
        if (common[j] >= p.min_customers) {
          cols.push_back(j);
          vals.push_back(static_cast<float>(acc[j] / (norm[a] * norm[j])));
        }
        acc[j] = 0.0;
        common[j] = 0;
      }
    }
  }
  CsrMatrix s;
  s.rows = n_products;
  s.cols = n_products;
  s.indptr.assign(static_cast<size_t>(n_products) + 1, 0);
  for (int64_t a = 0; a < n_products; ++a)
    s.indptr[a + 1] = s.indptr[a] + static_cast<int64_t>(row_cols[a].size());
  s.indices.reserve(static_cast<size_t>(s.indptr[n_products]));
  s.values.reserve(static_cast<size_t>(s.indptr[n_products]));
  for (int64_t a = 0; a < n_products; ++a) {
    s.indices.insert(s.indices.end(), row_cols[a].begin(), row_cols[a].end());
    s.values.insert(s.values.end(), row_vals[a].begin(), row_vals[a].end());
  }
  return s;
}

}  // namespace tailor
