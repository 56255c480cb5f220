// Customer profiles for content-based recommendations: time-decayed, quantity-weighted sums of the
// TF-IDF vectors of the products each customer bought (returns subtract), and the customer x
// product "already bought" matrix used to exclude those products.
#pragma once

#include "core/data/dataset.h"
#include "core/recommend/sparse_matrix.h"

namespace tailor {

/// How purchases add up to a profile.
struct ProfileParams {
  /// A line's weight halves every this many days before `as_of` (2^(-age / half_life));
  /// 0 = no decay.
  double half_life_days = 90.0;
  /// Profiles as of this time (Unix seconds): later lines are ignored. -1 = the latest
  /// transaction time in the dataset.
  UnixTime as_of = -1;
  /// Weight each line by |quantity| (true) or count it once (false).
  bool quantity_weighted = true;
};

/// The as-of time `params` resolve to for `data` (the latest known transaction time when -1;
/// -1 when there is none).
UnixTime resolve_as_of(const Dataset& data, UnixTime as_of);

/// customers x terms. Row c = l2-normalised max(0, sum over c's transaction lines with a known
/// time <= as_of of sign * w_q * 2^(-age_days / half_life) * product_vectors[product]), where sign
/// is +1 for purchases and -1 for returns (TransactionKind::kReturn), w_q = |quantity| (or 1).
/// Negative and zero terms are dropped; customers without such lines (or whose returns cancel
/// everything) get an empty row. Lines without a customer (-1) are skipped.
/// `product_vectors` has one row per product (e.g. TfidfModel::transform of the titles).
CsrMatrix build_customer_profiles(const Dataset& data, const CsrMatrix& product_vectors,
                                  const ProfileParams& params);

/// customers x products: value = number of purchase lines (kind kPurchase, known time <= as_of;
/// as_of -1 = all) of that product by that customer. Returns do not remove entries (a product
/// bought once is "already bought"). Used as the `exclude` matrix of sparse_topk.
CsrMatrix build_purchased_matrix(const Dataset& data, UnixTime as_of = -1);

}  // namespace tailor
