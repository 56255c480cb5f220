// Per-customer features for segmentation (RFM, tenure, basket, returns, category mix, email
// engagement) computed from the in-memory Dataset as a row-major float matrix with named columns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace tailor {

class ParamSet;

/// Parameters of compute_customer_features. Column definitions: docs/segments.md.
struct FeatureParams {
  /// Unix seconds at which the features are taken; events after it are ignored. -1: the last known
  /// event time in the dataset (max over transaction and email-log times).
  int64_t as_of_time = -1;
  /// Categories that get their own category-share column (plus "other"). Empty: the top
  /// `top_categories` product categories by purchase revenue up to as_of. When the product table
  /// has no categories (Online Retail) and this is empty, no category columns are made.
  std::vector<std::string> categories;
  /// N of the top-N categories by purchase revenue when `categories` is empty.
  int top_categories = 8;
  /// Email-log rows sent in (as_of - window, as_of] count for the engagement features; 0 = all
  /// history up to as_of.
  int engagement_window_days = 180;
  /// Cap of recency_days; also the value for customers with no purchase.
  float recency_cap_days = 730.0f;
  /// Cap of days_since_last_click; also the value for customers who never clicked in the window.
  float click_recency_cap_days = 180.0f;
  /// return_rate by value (returned value / purchased value) instead of by lines.
  bool return_rate_by_value = false;
};

/// Registers every FeatureParams field with `ps` (CLI options + YAML keys of its section).
void add_feature_params(ParamSet& ps, FeatureParams& p);

/// The feature matrix: row i is customer row i of the dataset.
struct CustomerFeatures {
  size_t n_rows = 0;
  std::vector<std::string> names;  ///< column names, n_cols of them
  std::vector<float> values;       ///< (n_rows, n_cols) row-major
  /// Categories that have a share column, in column order (without "other").
  std::vector<std::string> categories;
  UnixTime as_of_time = -1;        ///< the as-of time actually used

  size_t n_cols() const { return names.size(); }
  float at(size_t row, size_t col) const { return values[row * names.size() + col]; }
  /// Index of the column `name`, or -1 when there is none.
  int column(const std::string& name) const;
};

/// Column-name prefix of a category share ("category_share:Shoes") and the name of "other".
inline constexpr char kCategorySharePrefix[] = "category_share:";
inline constexpr char kCategoryShareOther[] = "category_share_other";

/// Computes the features of every customer of `ds`. O(rows) passes, OpenMP over customers.
/// Throws tailor::Error on inconsistent tables (column lengths, out-of-range references,
/// non-finite prices), naming the table, row and field.
CustomerFeatures compute_customer_features(const Dataset& ds, const FeatureParams& params);

}  // namespace tailor
