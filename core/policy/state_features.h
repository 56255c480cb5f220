// State features of the send policy for one (customer, decision day): the segment features'
// purchase and engagement columns as of the day (same definitions as core/segment), email history
// windows, purchase-hour profile, customer attributes, calendar context and campaign eligibility.
// One incremental accumulator serves logged data, the simulator and inference alike.
#pragma once

#include <cstdint>
#include <deque>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/data/dataset.h"
#include "core/segment/customer_features.h"

namespace tailor {

/// Parameters of the state features (YAML section `state_features`, configs/policy.yaml).
struct StateFeatureParams {
  /// Categories with their own purchase-share column (plus "other"); empty: the top
  /// `top_categories` product categories by purchase revenue of the training data.
  std::vector<std::string> categories;
  /// N of the top-N categories when `categories` is empty.
  int top_categories = 8;
  /// Sends in the last this many days count for the segment-style engagement columns
  /// (email_sends, email_opens, ...); 0 = all history.
  int engagement_window_days = 180;
  /// Cap of recency_days; also its value without purchases.
  float recency_cap_days = 730.0f;
  /// Cap of days_since_last_click; also its value without clicks in the engagement window.
  float click_recency_cap_days = 180.0f;
  /// return_rate by value instead of by lines.
  bool return_rate_by_value = false;
  /// Cap of days_since_last_email; also its value without earlier emails.
  float email_recency_cap_days = 365.0f;
  /// Bins of the local hour of the customer's purchases (share of baskets per bin, a proxy of
  /// when the customer is active); 0 = no such columns. Must divide 24.
  int purchase_hour_bins = 6;
  /// Add the dataset's customer attributes (numeric as is, categorical one-hot).
  bool customer_attributes = true;
  /// Most frequent levels of a categorical attribute that get a column (the rest share one).
  int max_attribute_levels = 16;
  /// Scaled features are clipped to [-scaler_clip, scaler_clip] (robust scaler); 0 = no clip.
  float scaler_clip = 5.0f;
};

void check_state_feature_params(const StateFeatureParams& p);

/// The column layout, fixed at training (stored in the policy checkpoint).
struct StateFeatureLayout {
  StateFeatureParams params;
  std::vector<std::string> names;       ///< every column, in order
  std::vector<std::string> categories;  ///< categories with a share column (no "other")
  std::vector<std::string> numeric_attributes;
  /// Per numeric attribute: signed log1p before scaling (heavy-tailed: max |x| > 50 at training).
  std::vector<uint8_t> numeric_log1p;
  std::vector<std::string> string_attributes;
  /// Levels with their own column, per string attribute (others go to "<other>").
  std::vector<std::vector<std::string>> string_levels;
  /// Policy campaigns with an "eligible:<name>" column (empty without eligibility rules).
  std::vector<std::string> eligibility_campaigns;

  size_t dim() const { return names.size(); }
  /// Number of history columns (purchases, categories, engagement, windows, hour profile).
  size_t history_columns() const;
  /// First column of the attribute, calendar and eligibility blocks.
  size_t attribute_column() const { return history_columns(); }
  size_t calendar_column() const;
  size_t eligibility_column() const { return calendar_column() + kCalendarColumns; }
  /// Signed log1p before scaling: counts and money amounts.
  std::vector<uint8_t> log1p_flags() const;

  static constexpr size_t kCalendarColumns = 5;  ///< weekday sin/cos, month sin/cos, known
};

/// Chooses the columns from a dataset: categories (top by purchase revenue unless listed) and
/// attribute levels (most frequent among `customers`, or all customers when empty).
StateFeatureLayout make_state_feature_layout(const Dataset& ds, const StateFeatureParams& p,
                                             const std::vector<std::string>& eligibility_campaigns,
                                             const std::vector<int64_t>& customers = {});

/// The local midnight (UTC seconds) of the customer's local day containing UTC time `t`.
UnixTime local_day_start(UnixTime t, int16_t tz_offset_min);

/// Maps a dataset's products and customers onto a layout (category slot per product; attribute
/// columns and level indices per customer). Errors name a missing attribute.
struct StateFeatureBinding {
  std::vector<uint16_t> product_slot;  ///< per product: category slot (n categories = other)
  /// Per layout numeric attribute: the dataset's column (size = customers).
  std::vector<const std::vector<float>*> numeric;
  /// Per layout string attribute: per customer the level index (-1 = other).
  std::vector<std::vector<int16_t>> string_level;
};
StateFeatureBinding bind_state_features(const StateFeatureLayout& layout, const Dataset& ds);

/// One customer's history as of a moving decision day. Events may be added in any order;
/// `advance_to(T)` ingests every event with time < T (T non-decreasing). Events with unknown
/// time (-1) count as before everything, like compute_customer_features does.
class CustomerHistoryFeatures {
 public:
  explicit CustomerHistoryFeatures(const StateFeatureLayout& layout);
  void reset(UnixTime signup_time, int16_t tz_offset_min);
  /// One transaction line; `category_slot` from StateFeatureBinding (n categories = other).
  void add_line(UnixTime t, int64_t invoice, uint8_t kind, int category_slot, int32_t quantity,
                float unit_price);
  /// One email-log row (sent = campaign >= 0).
  void add_email(UnixTime t, bool sent, bool opened, bool clicked, bool unsubscribed);
  void advance_to(UnixTime t_exclusive);
  /// Writes the layout's history columns as of T - 1 s (T = the decision day's local midnight).
  /// T < 0 (unknown decision time): the columns of a customer without history.
  void write(UnixTime T, float* out) const;
  /// Emails ingested so far were unsubscribed from.
  bool unsubscribed() const { return unsubscribed_; }

 private:
  struct Line {
    UnixTime t;
    int64_t invoice;
    uint8_t kind;
    int slot;
    int32_t quantity;
    float unit_price;
  };
  struct Email {
    UnixTime t;
    bool sent, opened, clicked, unsubscribed;
  };
  struct LaterLine {
    bool operator()(const Line& a, const Line& b) const { return a.t > b.t; }
  };
  struct LaterEmail {
    bool operator()(const Email& a, const Email& b) const { return a.t > b.t; }
  };
  void ingest(const Line& l);
  void ingest(const Email& e);

  const StateFeatureLayout* layout_;
  size_t n_cat_ = 0;
  UnixTime signup_ = -1;
  int16_t tz_ = 0;
  std::priority_queue<Line, std::vector<Line>, LaterLine> pending_lines_;
  std::priority_queue<Email, std::vector<Email>, LaterEmail> pending_emails_;
  // Purchases.
  double purchase_value_ = 0, return_value_ = 0, items_ = 0;
  int64_t purchase_lines_ = 0, return_lines_ = 0;
  UnixTime first_purchase_ = -1, last_purchase_ = -1;
  std::unordered_set<int64_t> invoices_;
  std::vector<double> cat_revenue_;
  std::vector<int64_t> hour_bin_baskets_;
  int64_t timed_baskets_ = 0;
  // Emails: sends with a known time, newest last (pruned to the longest window); lifetime counts.
  std::deque<Email> sends_;
  int64_t all_sends_ = 0, all_opens_ = 0, all_clicks_ = 0;
  UnixTime last_send_ = -1, last_click_ = -1;
  bool unsubscribed_ = false;
};

/// Writes the non-history columns of a row: attributes of customer `c` (through `binding`),
/// the calendar of the decision day starting at T (T < 0: unknown) and, when the layout has
/// eligibility columns, `eligible` (one byte per eligibility campaign; nullptr = all 0).
void write_context_features(const StateFeatureLayout& layout, const StateFeatureBinding& binding,
                            int64_t c, UnixTime T, int16_t tz_offset_min, const uint8_t* eligible,
                            float* row);

/// The FeatureParams with the same definitions (for checks against compute_customer_features).
FeatureParams segment_feature_params(const StateFeatureLayout& layout);

}  // namespace tailor
