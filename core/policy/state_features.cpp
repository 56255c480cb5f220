// State feature layout, the incremental per-customer history accumulator and the context
// columns (attributes, calendar, eligibility). Purchase and engagement columns follow
// compute_customer_features (core/segment/customer_features.cpp) exactly, as of T - 1 s.
#include "core/policy/state_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include "core/common/error.h"
#include "core/data/synth_calendar.h"

namespace tailor {
namespace {

constexpr double kSecondsPerDay = 86400.0;
constexpr double kTwoPi = 6.283185307179586;

const char* const kPurchaseColumns[] = {"recency_days", "frequency",   "monetary",
                                        "tenure_days",  "basket_size", "return_rate"};
const char* const kEngagementColumns[] = {"email_sends",      "email_opens",
                                          "email_clicks",     "email_open_rate",
                                          "email_click_rate", "days_since_last_click"};
const char* const kWindowColumns[] = {"days_since_last_email",
                                      "sends_7d",
                                      "opens_7d",
                                      "clicks_7d",
                                      "sends_30d",
                                      "opens_30d",
                                      "clicks_30d",
                                      "unsubscribed"};
const char* const kCalendarColumnNames[] = {"weekday_sin", "weekday_cos", "month_sin", "month_cos",
                                            "calendar_known"};
constexpr size_t kNumPurchase = 6, kNumEngagement = 6, kNumWindow = 8;

float days_between(UnixTime earlier, UnixTime later) {
  return static_cast<float>(std::max(0.0, double(later - earlier) / kSecondsPerDay));
}

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::string two_digits(int v) {
  return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
}

}  // namespace

void check_state_feature_params(const StateFeatureParams& p) {
  TAILOR_CHECK(p.top_categories >= 0,
               "state_features.top_categories must be >= 0, got " << p.top_categories);
  TAILOR_CHECK(p.engagement_window_days >= 0, "state_features.engagement_window_days must be >= 0");
  TAILOR_CHECK(
      p.recency_cap_days > 0 && p.click_recency_cap_days > 0 && p.email_recency_cap_days > 0,
      "state_features: recency caps must be > 0");
  TAILOR_CHECK(
      p.purchase_hour_bins >= 0 && p.purchase_hour_bins <= 24 &&
          (p.purchase_hour_bins == 0 || 24 % p.purchase_hour_bins == 0),
      "state_features.purchase_hour_bins must divide 24 (or be 0), got " << p.purchase_hour_bins);
  TAILOR_CHECK(p.max_attribute_levels >= 1, "state_features.max_attribute_levels must be >= 1");
  TAILOR_CHECK(std::isfinite(p.scaler_clip) && p.scaler_clip >= 0,
               "state_features.scaler_clip must be finite and >= 0");
}

size_t StateFeatureLayout::history_columns() const {
  const size_t k = categories.size();
  return kNumPurchase + (k > 0 ? k + 1 : 0) + kNumEngagement + kNumWindow +
         static_cast<size_t>(params.purchase_hour_bins);
}

size_t StateFeatureLayout::calendar_column() const {
  size_t n = history_columns() + numeric_attributes.size();
  for (const auto& levels : string_levels) n += levels.size() + 1;
  return n;
}

std::vector<uint8_t> StateFeatureLayout::log1p_flags() const {
  static const char* const kLog[] = {"frequency",   "monetary",     "basket_size", "email_sends",
                                     "email_opens", "email_clicks", "sends_7d",    "opens_7d",
                                     "clicks_7d",   "sends_30d",    "opens_30d",   "clicks_30d"};
  std::vector<uint8_t> f(names.size(), 0);
  for (size_t i = 0; i < history_columns(); ++i)
    for (const char* n : kLog)
      if (names[i] == n) f[i] = 1;
  for (size_t j = 0; j < numeric_attributes.size(); ++j)
    f[history_columns() + j] = numeric_log1p[j];
  return f;
}

StateFeatureLayout make_state_feature_layout(const Dataset& ds, const StateFeatureParams& p,
                                             const std::vector<std::string>& eligibility_campaigns,
                                             const std::vector<int64_t>& customers) {
  check_state_feature_params(p);
  StateFeatureLayout L;
  L.params = p;
  L.eligibility_campaigns = eligibility_campaigns;

  // Categories: the listed ones, or the top-N by purchase revenue.
  if (!p.categories.empty()) {
    L.categories = p.categories;
  } else if (p.top_categories > 0) {
    std::map<std::string, double> revenue;
    const auto& tx = ds.transactions;
    for (size_t r = 0; r < tx.size(); ++r) {
      if (tx.kind[r] != static_cast<uint8_t>(TransactionKind::kPurchase)) continue;
      const std::string& c = ds.products.category[static_cast<size_t>(tx.product[r])];
      if (!c.empty()) revenue[c] += std::max(0.0, double(tx.quantity[r]) * tx.unit_price[r]);
    }
    std::vector<std::pair<std::string, double>> order(revenue.begin(), revenue.end());
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [name, v] : order) {
      if (static_cast<int>(L.categories.size()) >= p.top_categories || v <= 0.0) break;
      L.categories.push_back(name);
    }
  }
  for (const char* c : kPurchaseColumns) L.names.emplace_back(c);
  for (const auto& c : L.categories) L.names.push_back(kCategorySharePrefix + c);
  if (!L.categories.empty()) L.names.emplace_back(kCategoryShareOther);
  for (const char* c : kEngagementColumns) L.names.emplace_back(c);
  for (const char* c : kWindowColumns) L.names.emplace_back(c);
  const int bins = p.purchase_hour_bins;
  for (int b = 0; b < bins; ++b)
    L.names.push_back("purchase_hour_share:" + two_digits(b * 24 / bins) + "-" +
                      two_digits((b + 1) * 24 / bins));

  if (p.customer_attributes) {
    const auto& cu = ds.customers;
    std::vector<int64_t> rows = customers;
    if (rows.empty())
      for (size_t i = 0; i < cu.size(); ++i) rows.push_back(static_cast<int64_t>(i));
    for (const auto& [name, values] : cu.numeric_attributes) {
      L.numeric_attributes.push_back(name);
      float mx = 0.0f;
      for (int64_t i : rows)
        if (std::isfinite(values[static_cast<size_t>(i)]))
          mx = std::max(mx, std::fabs(values[static_cast<size_t>(i)]));
      L.numeric_log1p.push_back(mx > 50.0f ? 1 : 0);
      L.names.push_back("attr:" + name);
    }
    for (const auto& [name, values] : cu.string_attributes) {
      std::map<std::string, int64_t> count;
      for (int64_t i : rows) ++count[values[static_cast<size_t>(i)]];
      std::vector<std::pair<std::string, int64_t>> order(count.begin(), count.end());
      std::stable_sort(order.begin(), order.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      std::vector<std::string> levels;
      for (const auto& [level, n] : order) {
        if (static_cast<int>(levels.size()) >= p.max_attribute_levels) break;
        levels.push_back(level);
      }
      L.string_attributes.push_back(name);
      for (const auto& level : levels) L.names.push_back("attr:" + name + "=" + level);
      L.names.push_back("attr:" + name + "=<other>");
      L.string_levels.push_back(std::move(levels));
    }
  }
  for (const char* c : kCalendarColumnNames) L.names.emplace_back(c);
  for (const auto& c : eligibility_campaigns) L.names.push_back("eligible:" + c);
  return L;
}

UnixTime local_day_start(UnixTime t, int16_t tz_offset_min) {
  const int64_t off = int64_t(tz_offset_min) * 60;
  return floor_div(t + off, 86400) * 86400 - off;
}

StateFeatureBinding bind_state_features(const StateFeatureLayout& layout, const Dataset& ds) {
  StateFeatureBinding b;
  const size_t n_cat = layout.categories.size();
  b.product_slot.assign(ds.products.size(), static_cast<uint16_t>(n_cat));
  if (n_cat > 0) {
    std::unordered_map<std::string, uint16_t> slot_of;
    for (size_t i = 0; i < n_cat; ++i)
      slot_of.emplace(layout.categories[i], static_cast<uint16_t>(i));
    for (size_t i = 0; i < ds.products.size(); ++i) {
      auto it = slot_of.find(ds.products.category[i]);
      if (it != slot_of.end()) b.product_slot[i] = it->second;
    }
  }
  const auto& cu = ds.customers;
  for (const auto& name : layout.numeric_attributes) {
    auto it = cu.numeric_attributes.find(name);
    TAILOR_CHECK(it != cu.numeric_attributes.end(),
                 "state features: the dataset has no numeric customer attribute '"
                     << name << "' (the policy was trained with it)");
    TAILOR_CHECK(it->second.size() == cu.size(), "customers: numeric attribute '"
                                                     << name << "' has " << it->second.size()
                                                     << " rows, expected " << cu.size());
    b.numeric.push_back(&it->second);
  }
  for (size_t j = 0; j < layout.string_attributes.size(); ++j) {
    const std::string& name = layout.string_attributes[j];
    auto it = cu.string_attributes.find(name);
    TAILOR_CHECK(it != cu.string_attributes.end(),
                 "state features: the dataset has no categorical customer attribute '"
                     << name << "' (the policy was trained with it)");
    TAILOR_CHECK(it->second.size() == cu.size(), "customers: string attribute '"
                                                     << name << "' has " << it->second.size()
                                                     << " rows, expected " << cu.size());
    std::unordered_map<std::string, int16_t> level_of;
    for (size_t l = 0; l < layout.string_levels[j].size(); ++l)
      level_of.emplace(layout.string_levels[j][l], static_cast<int16_t>(l));
    std::vector<int16_t> lv(cu.size(), -1);
    for (size_t i = 0; i < cu.size(); ++i) {
      auto f = level_of.find(it->second[i]);
      if (f != level_of.end()) lv[i] = f->second;
    }
    b.string_level.push_back(std::move(lv));
  }
  return b;
}

CustomerHistoryFeatures::CustomerHistoryFeatures(const StateFeatureLayout& layout)
    : layout_(&layout), n_cat_(layout.categories.size()) {
  reset(-1, 0);
}

void CustomerHistoryFeatures::reset(UnixTime signup_time, int16_t tz_offset_min) {
  signup_ = signup_time;
  tz_ = tz_offset_min;
  pending_lines_ = {};
  pending_emails_ = {};
  purchase_value_ = return_value_ = items_ = 0.0;
  purchase_lines_ = return_lines_ = 0;
  first_purchase_ = last_purchase_ = -1;
  invoices_.clear();
  cat_revenue_.assign(n_cat_ + 1, 0.0);
  hour_bin_baskets_.assign(static_cast<size_t>(layout_->params.purchase_hour_bins), 0);
  timed_baskets_ = 0;
  sends_.clear();
  all_sends_ = all_opens_ = all_clicks_ = 0;
  last_send_ = last_click_ = -1;
  unsubscribed_ = false;
}

void CustomerHistoryFeatures::add_line(UnixTime t, int64_t invoice, uint8_t kind, int category_slot,
                                       int32_t quantity, float unit_price) {
  pending_lines_.push({t, invoice, kind, category_slot, quantity, unit_price});
}

void CustomerHistoryFeatures::add_email(UnixTime t, bool sent, bool opened, bool clicked,
                                        bool unsubscribed) {
  pending_emails_.push({t, sent, opened, clicked, unsubscribed});
}

void CustomerHistoryFeatures::advance_to(UnixTime t_exclusive) {
  while (!pending_lines_.empty() && pending_lines_.top().t < t_exclusive) {
    ingest(pending_lines_.top());
    pending_lines_.pop();
  }
  while (!pending_emails_.empty() && pending_emails_.top().t < t_exclusive) {
    ingest(pending_emails_.top());
    pending_emails_.pop();
  }
  // Keep the sends that a window ending at or after t_exclusive - 1 can still see.
  const int64_t keep_days = std::max(30, layout_->params.engagement_window_days);
  const UnixTime oldest = t_exclusive - 1 - keep_days * 86400;
  while (!sends_.empty() && sends_.front().t <= oldest) sends_.pop_front();
}

void CustomerHistoryFeatures::ingest(const Line& l) {
  const double value = double(l.quantity) * double(l.unit_price);
  if (l.kind == static_cast<uint8_t>(TransactionKind::kPurchase)) {
    purchase_value_ += value;
    items_ += l.quantity;
    ++purchase_lines_;
    const bool new_invoice = invoices_.insert(l.invoice).second;
    if (l.t >= 0) {
      first_purchase_ = first_purchase_ < 0 ? l.t : std::min(first_purchase_, l.t);
      last_purchase_ = std::max(last_purchase_, l.t);
    }
    if (n_cat_ > 0) cat_revenue_[static_cast<size_t>(l.slot)] += std::max(0.0, value);
    const int bins = layout_->params.purchase_hour_bins;
    if (new_invoice && l.t >= 0 && bins > 0) {
      const int64_t local = ((l.t + int64_t(tz_) * 60) % 86400 + 86400) % 86400;
      ++hour_bin_baskets_[static_cast<size_t>(local / 3600 * bins / 24)];
      ++timed_baskets_;
    }
  } else {
    return_value_ += std::abs(value);
    ++return_lines_;
  }
}

void CustomerHistoryFeatures::ingest(const Email& e) {
  if (e.unsubscribed) unsubscribed_ = true;
  if (!e.sent) return;
  ++all_sends_;
  all_opens_ += e.opened;
  all_clicks_ += e.clicked;
  if (e.t < 0) return;
  last_send_ = std::max(last_send_, e.t);
  if (e.clicked) last_click_ = std::max(last_click_, e.t);
  // Emails are ingested in time order, so sends_ stays sorted.
  sends_.push_back(e);
}

void CustomerHistoryFeatures::write(UnixTime T, float* out) const {
  const StateFeatureParams& p = layout_->params;
  float* row = out;
  const size_t n_cat_cols = n_cat_ > 0 ? n_cat_ + 1 : 0;
  float* cat = row + kNumPurchase;
  float* e = cat + n_cat_cols;
  float* w = e + kNumEngagement;
  float* hours = w + kNumWindow;
  const int bins = p.purchase_hour_bins;
  if (T < 0) {  // unknown decision time: no history
    std::fill(row, hours + bins, 0.0f);
    row[0] = p.recency_cap_days;
    e[5] = p.click_recency_cap_days;
    w[0] = p.email_recency_cap_days;
    return;
  }
  const UnixTime as_of = T - 1;

  // Purchases (compute_customer_features' definitions).
  const size_t frequency = invoices_.size();
  row[0] = last_purchase_ >= 0 ? std::min(p.recency_cap_days, days_between(last_purchase_, as_of))
                               : p.recency_cap_days;
  row[1] = static_cast<float>(frequency);
  row[2] = static_cast<float>(purchase_value_ - return_value_);
  UnixTime start = first_purchase_;
  if (signup_ >= 0 && signup_ <= as_of) start = start < 0 ? signup_ : std::min(start, signup_);
  row[3] = start >= 0 ? days_between(start, as_of) : 0.0f;
  row[4] = frequency > 0 ? static_cast<float>(items_ / double(frequency)) : 0.0f;
  const double returned = p.return_rate_by_value ? return_value_ : double(return_lines_);
  const double bought = p.return_rate_by_value ? purchase_value_ : double(purchase_lines_);
  row[5] = bought > 0.0 ? static_cast<float>(std::min(1.0, returned / bought))
                        : (returned > 0.0 ? 1.0f : 0.0f);
  if (n_cat_ > 0) {
    double total = 0.0;
    for (double v : cat_revenue_) total += v;
    for (size_t j = 0; j <= n_cat_; ++j)
      cat[j] = total > 0.0 ? static_cast<float>(cat_revenue_[j] / total) : 0.0f;
  }

  // Engagement window (segment definitions) and the 7/30-day windows.
  int64_t sends = 0, opens = 0, clicks = 0;
  UnixTime last_click = -1;
  int64_t s7 = 0, o7 = 0, c7 = 0, s30 = 0, o30 = 0, c30 = 0;
  const UnixTime from7 = as_of - 7 * 86400, from30 = as_of - 30 * 86400;
  const UnixTime from_engagement = as_of - int64_t(p.engagement_window_days) * 86400;
  for (const Email& m : sends_) {
    if (p.engagement_window_days > 0 && m.t > from_engagement) {
      ++sends;
      opens += m.opened;
      if (m.clicked) {
        ++clicks;
        last_click = std::max(last_click, m.t);
      }
    }
    if (m.t > from30) {
      ++s30;
      o30 += m.opened;
      c30 += m.clicked;
      if (m.t > from7) {
        ++s7;
        o7 += m.opened;
        c7 += m.clicked;
      }
    }
  }
  if (p.engagement_window_days == 0) {
    sends = all_sends_;
    opens = all_opens_;
    clicks = all_clicks_;
    last_click = last_click_;
  }
  e[0] = static_cast<float>(sends);
  e[1] = static_cast<float>(opens);
  e[2] = static_cast<float>(clicks);
  e[3] = sends > 0 ? static_cast<float>(double(opens) / double(sends)) : 0.0f;
  e[4] = sends > 0 ? static_cast<float>(double(clicks) / double(sends)) : 0.0f;
  e[5] = last_click >= 0 ? std::min(p.click_recency_cap_days, days_between(last_click, as_of))
                         : p.click_recency_cap_days;
  w[0] = last_send_ >= 0 ? std::min(p.email_recency_cap_days, days_between(last_send_, as_of))
                         : p.email_recency_cap_days;
  w[1] = static_cast<float>(s7);
  w[2] = static_cast<float>(o7);
  w[3] = static_cast<float>(c7);
  w[4] = static_cast<float>(s30);
  w[5] = static_cast<float>(o30);
  w[6] = static_cast<float>(c30);
  w[7] = unsubscribed_ ? 1.0f : 0.0f;
  for (int b = 0; b < bins; ++b)
    hours[b] = timed_baskets_ > 0
                   ? static_cast<float>(double(hour_bin_baskets_[b]) / double(timed_baskets_))
                   : 0.0f;
}

void write_context_features(const StateFeatureLayout& layout, const StateFeatureBinding& binding,
                            int64_t c, UnixTime T, int16_t tz_offset_min, const uint8_t* eligible,
                            float* row) {
  const size_t ci = static_cast<size_t>(c);
  float* a = row + layout.attribute_column();
  for (size_t j = 0; j < layout.numeric_attributes.size(); ++j) {
    const float v = (*binding.numeric[j])[ci];
    *a++ = std::isfinite(v) ? v : 0.0f;
  }
  for (size_t j = 0; j < layout.string_attributes.size(); ++j) {
    const size_t levels = layout.string_levels[j].size();
    std::fill(a, a + levels + 1, 0.0f);
    const int16_t lv = binding.string_level[j][ci];
    a[lv >= 0 ? static_cast<size_t>(lv) : levels] = 1.0f;
    a += levels + 1;
  }
  float* cal = row + layout.calendar_column();
  if (T >= 0) {
    const int64_t day = floor_div(T + int64_t(tz_offset_min) * 60, 86400);
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // Monday = 0
    const int month = synth_civil_from_days(day).month;
    cal[0] = static_cast<float>(std::sin(kTwoPi * weekday / 7.0));
    cal[1] = static_cast<float>(std::cos(kTwoPi * weekday / 7.0));
    cal[2] = static_cast<float>(std::sin(kTwoPi * (month - 1) / 12.0));
    cal[3] = static_cast<float>(std::cos(kTwoPi * (month - 1) / 12.0));
    cal[4] = 1.0f;
  } else {
    std::fill(cal, cal + StateFeatureLayout::kCalendarColumns, 0.0f);
  }
  float* el = row + layout.eligibility_column();
  for (size_t j = 0; j < layout.eligibility_campaigns.size(); ++j)
    el[j] = eligible && eligible[j] ? 1.0f : 0.0f;
}

FeatureParams segment_feature_params(const StateFeatureLayout& layout) {
  FeatureParams f;
  f.categories = layout.categories;
  f.top_categories = static_cast<int>(layout.categories.size());
  f.engagement_window_days = layout.params.engagement_window_days;
  f.recency_cap_days = layout.params.recency_cap_days;
  f.click_recency_cap_days = layout.params.click_recency_cap_days;
  f.return_rate_by_value = layout.params.return_rate_by_value;
  return f;
}

}  // namespace tailor
