// Item-based collaborative filtering: product x product cosine similarity over the customers who
// bought them (customer-level co-occurrence, where co-purchase counts baskets).
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"
#include "core/recommend/sparse_matrix.h"

namespace tailor {

/// How a customer's purchase of a product enters the product's vector over customers.
struct ItemCfParams {
  /// Half-life (days) of the customer's last purchase of the product, counted back from the
  /// reference time (the last training purchase); 0 = no decay.
  double half_life_days = 30;
  /// Scale each customer's row of the customers x products matrix to unit length before the
  /// cosine, so that a customer with n products adds 1/n (times the decays) to each of their
  /// pairs (Deshpande & Karypis 2004): a wholesaler with 1,000 products says less about any one
  /// pair than a customer with 5.
  bool normalize_customers = true;
  /// Keep a pair only if at least this many customers bought both products.
  int64_t min_customers = 4;
};

/// Checks the parameters; throws tailor::Error naming the bad field.
void check_item_cf_params(const ItemCfParams& p);

/// products x products similarity from purchase lines (customer[l], product[l], time[l]):
/// r(u, i) = decay(reference - last purchase of i by u) * (normalize_customers ? n_u^(-1/2) : 1)
/// with n_u = distinct products of u; sim(a, b) = Σ_u r(u,a) r(u,b) / (‖r(·,a)‖ ‖r(·,b)‖), stored
/// for a != b bought by at least min_customers common customers (no diagonal). OpenMP over
/// products; the result does not depend on the thread count.
CsrMatrix item_cf_similarity(const std::vector<int64_t>& customer,
                             const std::vector<int32_t>& product, const std::vector<UnixTime>& time,
                             int64_t n_customers, int64_t n_products, UnixTime reference,
                             const ItemCfParams& params);

}  // namespace tailor
