// Customer features from the Dataset: validation, as-of time, category choice, then one parallel
// pass over customers for transactions and one for the email log (definitions: docs/segments.md).
#include "core/segment/customer_features.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/config/param_set.h"
#include "core/segment/customer_rows.h"

namespace tailor {
namespace {

constexpr double kSecondsPerDay = 86400.0;

// Column order of the fixed columns before and after the category shares.
const char* const kPurchaseColumns[] = {"recency_days", "frequency",   "monetary",
                                        "tenure_days",  "basket_size", "return_rate"};
const char* const kEmailColumns[] = {"email_sends",      "email_opens",      "email_clicks",
                                     "email_open_rate",  "email_click_rate", "days_since_last_click"};
constexpr size_t kNumPurchaseColumns = sizeof(kPurchaseColumns) / sizeof(kPurchaseColumns[0]);
constexpr size_t kNumEmailColumns = sizeof(kEmailColumns) / sizeof(kEmailColumns[0]);

template <class T>
void check_length(const std::vector<T>& column, size_t n, const char* table, const char* field) {
  TAILOR_CHECK(column.size() == n, table << ": field '" << field << "' has " << column.size()
                                         << " rows, expected " << n);
}

void validate_tables(const Dataset& ds) {
  const auto& cu = ds.customers;
  check_length(cu.signup_time, cu.size(), "customers", "signup_time");
  const auto& pr = ds.products;
  check_length(pr.category, pr.size(), "products", "category");
  const auto& tx = ds.transactions;
  const size_t n = tx.size();
  check_length(tx.product, n, "transactions", "product");
  check_length(tx.invoice, n, "transactions", "invoice");
  check_length(tx.time, n, "transactions", "time");
  check_length(tx.quantity, n, "transactions", "quantity");
  check_length(tx.unit_price, n, "transactions", "unit_price");
  check_length(tx.kind, n, "transactions", "kind");
  const auto& em = ds.email_log;
  const size_t m = em.size();
  check_length(em.time, m, "email_log", "time");
  check_length(em.campaign, m, "email_log", "campaign");
  check_length(em.opened, m, "email_log", "opened");
  check_length(em.clicked, m, "email_log", "clicked");

  // Find the first bad transaction row in parallel, then say what is wrong with it.
  const int64_t n_products = static_cast<int64_t>(pr.size());
  const int64_t n_invoices = static_cast<int64_t>(ds.invoices.size());
  auto row_ok = [&](size_t r) {
    return tx.product[r] >= 0 && tx.product[r] < n_products && tx.invoice[r] >= 0 &&
           tx.invoice[r] < n_invoices && tx.kind[r] <= 1 && std::isfinite(tx.unit_price[r]);
  };
  int64_t first_bad = std::numeric_limits<int64_t>::max();
#pragma omp parallel for reduction(min : first_bad) schedule(static)
  for (int64_t r = 0; r < static_cast<int64_t>(n); ++r)
    if (!row_ok(static_cast<size_t>(r))) first_bad = std::min(first_bad, r);
  if (first_bad == std::numeric_limits<int64_t>::max()) return;
  const size_t r = static_cast<size_t>(first_bad);
  TAILOR_CHECK(tx.product[r] >= 0 && tx.product[r] < n_products,
               "transactions row " << r << ": field 'product' = " << tx.product[r]
                                   << " is outside [0, " << n_products << ")");
  TAILOR_CHECK(tx.invoice[r] >= 0 && tx.invoice[r] < n_invoices,
               "transactions row " << r << ": field 'invoice' = " << tx.invoice[r]
                                   << " is outside [0, " << n_invoices << ")");
  TAILOR_CHECK(tx.kind[r] <= 1, "transactions row " << r << ": field 'kind' = "
                                                    << int(tx.kind[r]) << " is not 0 or 1");
  TAILOR_FAIL("transactions row " << r << ": field 'unit_price' is not finite");
}

// Latest known event time over transactions and email log (-1 if there is none).
UnixTime last_event_time(const Dataset& ds) {
  UnixTime t_max = -1;
  const auto& tt = ds.transactions.time;
  const auto& et = ds.email_log.time;
#pragma omp parallel for reduction(max : t_max) schedule(static)
  for (int64_t r = 0; r < static_cast<int64_t>(tt.size()); ++r) t_max = std::max(t_max, tt[r]);
#pragma omp parallel for reduction(max : t_max) schedule(static)
  for (int64_t r = 0; r < static_cast<int64_t>(et.size()); ++r) t_max = std::max(t_max, et[r]);
  return t_max;
}

bool counts_at(UnixTime t, UnixTime as_of) { return t <= as_of; }  // unknown (-1) counts too

// The categories that get a column: the given list, or the top-N by purchase revenue.
std::vector<std::string> choose_categories(const Dataset& ds, const FeatureParams& p,
                                           UnixTime as_of) {
  if (!p.categories.empty()) {
    std::vector<std::string> sorted = p.categories;
    std::sort(sorted.begin(), sorted.end());
    auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    TAILOR_CHECK(dup == sorted.end(), "FeatureParams.categories lists '" << *dup << "' twice");
    for (const auto& c : p.categories) TAILOR_CHECK(!c.empty(), "FeatureParams.categories has an empty name");
    return p.categories;
  }
  TAILOR_CHECK(p.top_categories >= 0, "FeatureParams.top_categories must be >= 0, got "
                                          << p.top_categories);
  // Dense ids for the distinct non-empty category strings.
  std::unordered_map<std::string, int32_t> id_of;
  std::vector<std::string> names;
  std::vector<int32_t> product_cat(ds.products.size(), -1);
  for (size_t i = 0; i < ds.products.size(); ++i) {
    const std::string& c = ds.products.category[i];
    if (c.empty()) continue;
    auto it = id_of.emplace(c, static_cast<int32_t>(names.size())).first;
    if (it->second == static_cast<int32_t>(names.size())) names.push_back(c);
    product_cat[i] = it->second;
  }
  if (names.empty() || p.top_categories == 0) return {};
  std::vector<double> revenue(names.size(), 0.0);
  const auto& tx = ds.transactions;
  for (size_t r = 0; r < tx.size(); ++r) {
    if (tx.kind[r] != static_cast<uint8_t>(TransactionKind::kPurchase) ||
        !counts_at(tx.time[r], as_of))
      continue;
    const int32_t c = product_cat[static_cast<size_t>(tx.product[r])];
    if (c >= 0) revenue[static_cast<size_t>(c)] += double(tx.quantity[r]) * tx.unit_price[r];
  }
  std::vector<size_t> order(names.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return revenue[a] != revenue[b] ? revenue[a] > revenue[b] : names[a] < names[b];
  });
  std::vector<std::string> top;
  for (size_t i : order) {
    if (static_cast<int>(top.size()) >= p.top_categories || revenue[i] <= 0.0) break;
    top.push_back(names[i]);
  }
  return top;
}

float days_between(UnixTime earlier, UnixTime later) {
  return static_cast<float>(std::max(0.0, double(later - earlier) / kSecondsPerDay));
}

}  // namespace

void add_feature_params(ParamSet& ps, FeatureParams& p) {
  ps.add("as_of_time", &p.as_of_time,
         "Unix seconds the features are taken at; later events are ignored (-1: last event time)");
  ps.add("categories", &p.categories,
         "categories with their own share column (empty: top-N by purchase revenue)");
  ps.add("top_categories", &p.top_categories, "N of the top-N categories when none are listed");
  ps.add("engagement_window_days", &p.engagement_window_days,
         "email-log days before as-of counted for engagement (0: all history)");
  ps.add("recency_cap_days", &p.recency_cap_days,
         "cap of recency_days and its value for customers without purchases");
  ps.add("click_recency_cap_days", &p.click_recency_cap_days,
         "cap of days_since_last_click and its value for customers who never clicked");
  ps.add("return_rate_by_value", &p.return_rate_by_value,
         "return_rate by value instead of by lines");
}

int CustomerFeatures::column(const std::string& name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

CustomerFeatures compute_customer_features(const Dataset& ds, const FeatureParams& p) {
  const auto t_start = std::chrono::steady_clock::now();
  TAILOR_CHECK(p.recency_cap_days > 0 && p.click_recency_cap_days > 0,
               "FeatureParams: recency_cap_days and click_recency_cap_days must be > 0");
  TAILOR_CHECK(p.engagement_window_days >= 0,
               "FeatureParams.engagement_window_days must be >= 0, got " << p.engagement_window_days);
  validate_tables(ds);

  CustomerFeatures out;
  out.as_of_time = p.as_of_time >= 0 ? p.as_of_time : last_event_time(ds);
  TAILOR_CHECK(out.as_of_time >= 0, "FeatureParams.as_of_time is not given and the dataset has no "
                                    "event with a known time to take it from");
  const UnixTime as_of = out.as_of_time;

  // Columns.
  out.categories = choose_categories(ds, p, as_of);
  const size_t n_cat = out.categories.size();
  const size_t n_cat_cols = n_cat > 0 ? n_cat + 1 : 0;  // + "other"
  for (const char* c : kPurchaseColumns) out.names.emplace_back(c);
  for (const auto& c : out.categories) out.names.push_back(kCategorySharePrefix + c);
  if (n_cat > 0) out.names.emplace_back(kCategoryShareOther);
  for (const char* c : kEmailColumns) out.names.emplace_back(c);
  const size_t d = out.names.size();
  const size_t cat_col0 = kNumPurchaseColumns;
  const size_t email_col0 = kNumPurchaseColumns + n_cat_cols;

  // Product -> share column offset (0..n_cat-1 chosen, n_cat = other).
  std::vector<uint16_t> product_slot;
  if (n_cat > 0) {
    TAILOR_CHECK(n_cat < 65535, "too many categories: " << n_cat);
    std::unordered_map<std::string, uint16_t> slot_of;
    for (size_t i = 0; i < n_cat; ++i) slot_of.emplace(out.categories[i], static_cast<uint16_t>(i));
    product_slot.assign(ds.products.size(), static_cast<uint16_t>(n_cat));
    std::vector<uint8_t> seen(n_cat, 0);
    for (size_t i = 0; i < ds.products.size(); ++i) {
      auto it = slot_of.find(ds.products.category[i]);
      if (it == slot_of.end()) continue;
      product_slot[i] = it->second;
      seen[it->second] = 1;
    }
    size_t unseen = static_cast<size_t>(std::count(seen.begin(), seen.end(), uint8_t{0}));
    if (unseen > 0)
      spdlog::warn("customer features: {} of {} listed categories have no product in this dataset "
                   "(their share columns are 0)", unseen, n_cat);
  }

  const size_t n = ds.customers.size();
  out.n_rows = n;
  out.values.assign(n * d, 0.0f);
  const auto& tx = ds.transactions;
  const auto& em = ds.email_log;
  const auto& signup = ds.customers.signup_time;
  const CustomerRows tx_rows = group_rows_by_customer(tx.customer, n, "transactions");
  const CustomerRows em_rows = group_rows_by_customer(em.customer, n, "email_log");
  const UnixTime window_start =
      p.engagement_window_days > 0
          ? as_of - static_cast<UnixTime>(p.engagement_window_days) * static_cast<UnixTime>(kSecondsPerDay)
          : std::numeric_limits<UnixTime>::min();

#pragma omp parallel
  {
    std::vector<int64_t> invoices;           // this customer's purchase invoices (with repeats)
    std::vector<double> cat_revenue(n_cat + 1);
#pragma omp for schedule(dynamic, 2048)
    for (int64_t ci = 0; ci < static_cast<int64_t>(n); ++ci) {
      const size_t c = static_cast<size_t>(ci);
      float* row = &out.values[c * d];

      // Transactions.
      double purchase_value = 0.0, return_value = 0.0, items = 0.0;
      int64_t purchase_lines = 0, return_lines = 0;
      UnixTime first_purchase = -1, last_purchase = -1;
      invoices.clear();
      std::fill(cat_revenue.begin(), cat_revenue.end(), 0.0);
      for (int64_t k = tx_rows.offsets[c]; k < tx_rows.offsets[c + 1]; ++k) {
        const size_t r = tx_rows.rows[static_cast<size_t>(k)];
        const UnixTime t = tx.time[r];
        if (!counts_at(t, as_of)) continue;
        const double qty = tx.quantity[r];
        const double value = qty * double(tx.unit_price[r]);
        if (tx.kind[r] == static_cast<uint8_t>(TransactionKind::kPurchase)) {
          purchase_value += value;
          items += qty;
          ++purchase_lines;
          invoices.push_back(tx.invoice[r]);
          if (t >= 0) {
            first_purchase = first_purchase < 0 ? t : std::min(first_purchase, t);
            last_purchase = std::max(last_purchase, t);
          }
          if (n_cat > 0) cat_revenue[product_slot[static_cast<size_t>(tx.product[r])]] += std::max(0.0, value);
        } else {
          return_value += std::abs(value);
          ++return_lines;
        }
      }
      std::sort(invoices.begin(), invoices.end());
      const size_t frequency =
          static_cast<size_t>(std::unique(invoices.begin(), invoices.end()) - invoices.begin());
      row[0] = last_purchase >= 0 ? std::min(p.recency_cap_days, days_between(last_purchase, as_of))
                                  : p.recency_cap_days;
      row[1] = static_cast<float>(frequency);
      row[2] = static_cast<float>(purchase_value - return_value);
      UnixTime start = first_purchase;
      if (signup[c] >= 0 && signup[c] <= as_of) start = start < 0 ? signup[c] : std::min(start, signup[c]);
      row[3] = start >= 0 ? days_between(start, as_of) : 0.0f;
      row[4] = frequency > 0 ? static_cast<float>(items / double(frequency)) : 0.0f;
      double returned = p.return_rate_by_value ? return_value : double(return_lines);
      double bought = p.return_rate_by_value ? purchase_value : double(purchase_lines);
      row[5] = bought > 0.0 ? static_cast<float>(std::min(1.0, returned / bought))
                            : (returned > 0.0 ? 1.0f : 0.0f);
      if (n_cat > 0) {
        double total = 0.0;
        for (double v : cat_revenue) total += v;
        for (size_t j = 0; j <= n_cat; ++j)
          row[cat_col0 + j] = total > 0.0 ? static_cast<float>(cat_revenue[j] / total) : 0.0f;
      }

      // Email log: sends (campaign >= 0) in the engagement window.
      int64_t sends = 0, opens = 0, clicks = 0;
      UnixTime last_click = -1;
      for (int64_t k = em_rows.offsets[c]; k < em_rows.offsets[c + 1]; ++k) {
        const size_t r = em_rows.rows[static_cast<size_t>(k)];
        const UnixTime t = em.time[r];
        if (em.campaign[r] < 0 || !counts_at(t, as_of)) continue;
        if (p.engagement_window_days > 0 && (t < 0 || t <= window_start)) continue;
        ++sends;
        opens += em.opened[r] != 0;
        if (em.clicked[r] != 0) {
          ++clicks;
          if (t >= 0) last_click = std::max(last_click, t);
        }
      }
      float* e = row + email_col0;
      e[0] = static_cast<float>(sends);
      e[1] = static_cast<float>(opens);
      e[2] = static_cast<float>(clicks);
      e[3] = sends > 0 ? static_cast<float>(double(opens) / double(sends)) : 0.0f;
      e[4] = sends > 0 ? static_cast<float>(double(clicks) / double(sends)) : 0.0f;
      e[5] = last_click >= 0 ? std::min(p.click_recency_cap_days, days_between(last_click, as_of))
                             : p.click_recency_cap_days;
    }
  }
  static_assert(kNumEmailColumns == 6, "email columns are written by position above");
  static_assert(kNumPurchaseColumns == 6, "purchase columns are written by position above");

  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  spdlog::info("customer features: {} customers x {} columns ({} categories) from {} transactions "
               "and {} email-log rows in {:.2f} s (as-of {}, {} transactions without customer)",
               n, d, n_cat, tx.size(), em.size(), secs, as_of, tx_rows.rows_without_customer);
  return out;
}

}  // namespace tailor
