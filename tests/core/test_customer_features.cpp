// compute_customer_features: every column on a hand-made dataset with known answers (customers
// without purchases, returns, email engagement, as-of cut, no categories), plus a seeded random
// dataset checked against a plain serial reference.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "core/common/error.h"
#include "core/config/param_set.h"
#include "core/segment/customer_features.h"

namespace tailor {
namespace {

constexpr UnixTime kT0 = 1600000000;  // 2020-09-13 12:26:40 UTC
constexpr UnixTime kDay = 86400;

UnixTime day(double d) { return kT0 + static_cast<UnixTime>(d * kDay); }

void add_customer(Dataset& ds, const std::string& id, UnixTime signup) {
  ds.customers.external_id.push_back(id);
  ds.customers.signup_time.push_back(signup);
}

void add_product(Dataset& ds, const std::string& title, const std::string& category) {
  ds.products.external_id.push_back("P" + std::to_string(ds.products.size()));
  ds.products.title.push_back(title);
  ds.products.category.push_back(category);
  ds.products.price.push_back(1.0f);
  ds.products.available.push_back(1);
}

void add_tx(Dataset& ds, int64_t customer, int32_t product, int64_t invoice, double d, int32_t qty,
            float price) {
  auto& t = ds.transactions;
  while (static_cast<int64_t>(ds.invoices.size()) <= invoice)
    ds.invoices.push_back("I" + std::to_string(ds.invoices.size()));
  t.customer.push_back(customer);
  t.product.push_back(product);
  t.invoice.push_back(invoice);
  t.time.push_back(day(d));
  t.quantity.push_back(qty);
  t.unit_price.push_back(price);
  t.kind.push_back(static_cast<uint8_t>(qty < 0 ? TransactionKind::kReturn : TransactionKind::kPurchase));
}

void add_email(Dataset& ds, int64_t customer, double d, int16_t campaign, bool opened, bool clicked) {
  auto& e = ds.email_log;
  e.customer.push_back(customer);
  e.time.push_back(day(d));
  e.campaign.push_back(campaign);
  e.hour.push_back(-1);
  e.propensity.push_back(NAN);
  e.opened.push_back(opened);
  e.clicked.push_back(clicked);
  e.converted.push_back(0);
  e.revenue.push_back(0.0f);
  e.unsubscribed.push_back(0);
}

// Products: 0 mug/Kitchen, 1 tee/Clothes, 2 pen/Office, 3 bowl/Kitchen, 4 misc/(none).
// Category purchase revenue: Office 110 (incl. 100 without customer), Kitchen 60, Clothes 20.
Dataset tiny_dataset() {
  Dataset ds;
  add_customer(ds, "c0", day(0));
  add_customer(ds, "c1", -1);
  add_customer(ds, "c2", day(20));
  add_customer(ds, "c3", -1);
  add_product(ds, "mug", "Kitchen");
  add_product(ds, "tee", "Clothes");
  add_product(ds, "pen", "Office");
  add_product(ds, "bowl", "Kitchen");
  add_product(ds, "misc", "");
  ds.campaigns = {"spring", "summer"};
  // c0: two purchase invoices, one return of the tee.
  add_tx(ds, 0, 0, 0, 10, 2, 5.0f);    // 10 Kitchen
  add_tx(ds, 0, 1, 0, 10, 1, 20.0f);   // 20 Clothes
  add_tx(ds, 0, 2, 1, 40, 4, 2.5f);    // 10 Office
  add_tx(ds, 0, 1, 2, 45, -1, 20.0f);  // return, 20
  // c1: one invoice at day 30.5: Kitchen 50, uncategorised 10.
  add_tx(ds, 1, 3, 3, 30.5, 1, 50.0f);
  add_tx(ds, 1, 4, 3, 30.5, 2, 5.0f);
  // c3: a return only.
  add_tx(ds, 3, 0, 4, 50, -1, 5.0f);
  // No customer id: counts for the category ranking only.
  add_tx(ds, -1, 2, 5, 60, 100, 1.0f);
  // Emails (window of 60 days before as-of = day 100 keeps days > 40).
  add_email(ds, 0, 30, 0, true, true);    // outside the window
  add_email(ds, 0, 50, 0, true, true);
  add_email(ds, 0, 70, 1, true, false);
  add_email(ds, 0, 90, 0, false, false);
  add_email(ds, 0, 95, -1, true, true);   // "no email" decision: not a send
  add_email(ds, 2, 80, 0, false, false);
  add_email(ds, 2, 100, 1, true, true);   // the last event: as-of
  return ds;
}

FeatureParams tiny_params() {
  FeatureParams p;
  p.top_categories = 2;
  p.engagement_window_days = 60;
  p.recency_cap_days = 730.0f;
  p.click_recency_cap_days = 180.0f;
  return p;
}

float get(const CustomerFeatures& f, size_t row, const std::string& col) {
  const int c = f.column(col);
  EXPECT_GE(c, 0) << "no column " << col;
  return c >= 0 ? f.at(row, static_cast<size_t>(c)) : NAN;
}

void expect_row(const CustomerFeatures& f, size_t row, const std::map<std::string, double>& want) {
  for (const auto& [col, v] : want)
    EXPECT_NEAR(get(f, row, col), v, 1e-5 + 1e-6 * std::abs(v)) << "customer row " << row << ", " << col;
}

TEST(CustomerFeatures, ColumnsAndKnownValues) {
  const Dataset ds = tiny_dataset();
  const CustomerFeatures f = compute_customer_features(ds, tiny_params());
  EXPECT_EQ(f.as_of_time, day(100));
  const std::vector<std::string> want_names = {
      "recency_days", "frequency", "monetary", "tenure_days", "basket_size", "return_rate",
      "category_share:Office", "category_share:Kitchen", "category_share_other", "email_sends",
      "email_opens", "email_clicks", "email_open_rate", "email_click_rate", "days_since_last_click"};
  EXPECT_EQ(f.names, want_names);
  EXPECT_EQ(f.categories, (std::vector<std::string>{"Office", "Kitchen"}));
  ASSERT_EQ(f.n_rows, 4u);
  ASSERT_EQ(f.values.size(), 4u * want_names.size());

  expect_row(f, 0, {{"recency_days", 60}, {"frequency", 2}, {"monetary", 20}, {"tenure_days", 100},
                    {"basket_size", 3.5}, {"return_rate", 1.0 / 3.0},
                    {"category_share:Office", 0.25}, {"category_share:Kitchen", 0.25},
                    {"category_share_other", 0.5}, {"email_sends", 3}, {"email_opens", 2},
                    {"email_clicks", 1}, {"email_open_rate", 2.0 / 3.0},
                    {"email_click_rate", 1.0 / 3.0}, {"days_since_last_click", 50}});
  expect_row(f, 1, {{"recency_days", 69.5}, {"frequency", 1}, {"monetary", 60}, {"tenure_days", 69.5},
                    {"basket_size", 3}, {"return_rate", 0}, {"category_share:Office", 0},
                    {"category_share:Kitchen", 50.0 / 60.0}, {"category_share_other", 10.0 / 60.0},
                    {"email_sends", 0}, {"email_opens", 0}, {"email_clicks", 0},
                    {"email_open_rate", 0}, {"email_click_rate", 0}, {"days_since_last_click", 180}});
  // No purchases, tenure from signup, engaged by email.
  expect_row(f, 2, {{"recency_days", 730}, {"frequency", 0}, {"monetary", 0}, {"tenure_days", 80},
                    {"basket_size", 0}, {"return_rate", 0}, {"category_share:Office", 0},
                    {"category_share:Kitchen", 0}, {"category_share_other", 0}, {"email_sends", 2},
                    {"email_opens", 1}, {"email_clicks", 1}, {"email_open_rate", 0.5},
                    {"email_click_rate", 0.5}, {"days_since_last_click", 0}});
  // A return without purchases: negative monetary, return_rate 1, no tenure.
  expect_row(f, 3, {{"recency_days", 730}, {"frequency", 0}, {"monetary", -5}, {"tenure_days", 0},
                    {"basket_size", 0}, {"return_rate", 1}, {"email_sends", 0},
                    {"days_since_last_click", 180}});
}

TEST(CustomerFeatures, ReturnRateByValue) {
  FeatureParams p = tiny_params();
  p.return_rate_by_value = true;
  const CustomerFeatures f = compute_customer_features(tiny_dataset(), p);
  EXPECT_NEAR(get(f, 0, "return_rate"), 0.5, 1e-6);  // 20 returned of 40 bought
  EXPECT_NEAR(get(f, 1, "return_rate"), 0.0, 1e-6);
  EXPECT_NEAR(get(f, 3, "return_rate"), 1.0, 1e-6);
}

TEST(CustomerFeatures, AsOfIgnoresLaterEventsAndAllHistoryWindow) {
  FeatureParams p = tiny_params();
  p.as_of_time = day(35);
  p.engagement_window_days = 0;  // all history up to as-of
  const CustomerFeatures f = compute_customer_features(tiny_dataset(), p);
  EXPECT_EQ(f.as_of_time, day(35));
  // Category ranking up to day 35: Kitchen 60, Clothes 20 (Office's sales come later).
  EXPECT_EQ(f.categories, (std::vector<std::string>{"Kitchen", "Clothes"}));
  expect_row(f, 0, {{"recency_days", 25}, {"frequency", 1}, {"monetary", 30}, {"tenure_days", 35},
                    {"basket_size", 3}, {"return_rate", 0}, {"category_share:Kitchen", 1.0 / 3.0},
                    {"category_share:Clothes", 2.0 / 3.0}, {"category_share_other", 0},
                    {"email_sends", 1}, {"email_opens", 1}, {"email_clicks", 1},
                    {"days_since_last_click", 5}});
  expect_row(f, 1, {{"recency_days", 4.5}, {"frequency", 1}, {"tenure_days", 4.5}});
  expect_row(f, 2, {{"tenure_days", 15}, {"email_sends", 0}, {"days_since_last_click", 180}});
  expect_row(f, 3, {{"monetary", 0}, {"return_rate", 0}});
}

TEST(CustomerFeatures, ExplicitCategoryList) {
  FeatureParams p = tiny_params();
  p.categories = {"Clothes", "Garden"};  // Garden has no product: a zero column, not an error
  const CustomerFeatures f = compute_customer_features(tiny_dataset(), p);
  expect_row(f, 0, {{"category_share:Clothes", 0.5}, {"category_share:Garden", 0},
                    {"category_share_other", 0.5}});
  expect_row(f, 1, {{"category_share:Clothes", 0}, {"category_share_other", 1}});
  p.categories = {"Clothes", "Clothes"};
  EXPECT_THROW(compute_customer_features(tiny_dataset(), p), Error);
}

TEST(CustomerFeatures, NoCategoriesMeansNoShareColumns) {
  Dataset ds = tiny_dataset();
  for (auto& c : ds.products.category) c.clear();  // like Online Retail
  const CustomerFeatures f = compute_customer_features(ds, tiny_params());
  EXPECT_TRUE(f.categories.empty());
  EXPECT_EQ(f.n_cols(), 12u);
  for (const auto& n : f.names) EXPECT_EQ(n.find("category_share"), std::string::npos) << n;
  expect_row(f, 0, {{"monetary", 20}, {"email_sends", 3}});
}

TEST(CustomerFeatures, BadReferencesNameTableRowAndField) {
  auto expect_error = [](const Dataset& ds, const std::string& part1, const std::string& part2) {
    try {
      compute_customer_features(ds, tiny_params());
      ADD_FAILURE() << "no error for " << part1 << " " << part2;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(part1), std::string::npos) << what;
      EXPECT_NE(what.find(part2), std::string::npos) << what;
    }
  };
  Dataset ds = tiny_dataset();
  ds.transactions.product[5] = 99;
  expect_error(ds, "transactions row 5", "'product'");
  ds = tiny_dataset();
  ds.transactions.customer[2] = 7;
  expect_error(ds, "transactions row 2", "'customer'");
  ds = tiny_dataset();
  ds.email_log.customer[3] = -2;
  expect_error(ds, "email_log row 3", "'customer'");
  ds = tiny_dataset();
  ds.transactions.unit_price[1] = NAN;
  expect_error(ds, "transactions row 1", "'unit_price'");
  ds = tiny_dataset();
  ds.transactions.kind.pop_back();
  expect_error(ds, "transactions", "'kind'");
  Dataset empty;
  add_customer(empty, "c", -1);
  expect_error(empty, "as_of_time", "no event");
}

TEST(CustomerFeatures, ParamsBindToConfigAndCommandLine) {
  CLI::App app;
  FeatureParams p;
  ParamSet ps(&app, "customer_features");
  add_feature_params(ps, p);
  const char* argv[] = {"prog", "--top-categories", "3"};
  app.parse(3, const_cast<char**>(argv));
  ps.apply_yaml(YAML::Load("customer_features: {as_of_time: 123, categories: [Shoes, Bags], "
                           "top_categories: 5, engagement_window_days: 0, recency_cap_days: 365, "
                           "click_recency_cap_days: 90, return_rate_by_value: true}"),
                "inline");
  EXPECT_EQ(p.as_of_time, 123);
  EXPECT_EQ(p.categories, (std::vector<std::string>{"Shoes", "Bags"}));
  EXPECT_EQ(p.top_categories, 3);  // command line wins
  EXPECT_EQ(p.engagement_window_days, 0);
  EXPECT_FLOAT_EQ(p.recency_cap_days, 365.0f);
  EXPECT_FLOAT_EQ(p.click_recency_cap_days, 90.0f);
  EXPECT_TRUE(p.return_rate_by_value);
}

// A seeded random dataset against a direct serial computation of a few columns.
TEST(CustomerFeatures, MatchesSerialReferenceOnRandomData) {
  const uint64_t seed = 20240611;
  std::mt19937_64 rng(seed);
  const int n_customers = 700, n_products = 40, n_tx = 20000, n_email = 5000;
  Dataset ds;
  for (int c = 0; c < n_customers; ++c) add_customer(ds, "c" + std::to_string(c), day(rng() % 50));
  for (int i = 0; i < n_products; ++i) add_product(ds, "p", "cat" + std::to_string(i % 11));
  ds.campaigns = {"a"};
  for (int i = 0; i < n_tx; ++i) {
    const int64_t c = static_cast<int64_t>(rng() % (n_customers + 20)) - 20;  // some -1 .. -20 -> -1
    const int32_t qty = static_cast<int32_t>(rng() % 7) - 1;
    add_tx(ds, c < 0 ? -1 : c, static_cast<int32_t>(rng() % n_products), static_cast<int64_t>(rng() % 3000),
           double(rng() % 400) / 4.0, qty == 0 ? 1 : qty, float(rng() % 100 + 1) / 4.0f);
  }
  for (int i = 0; i < n_email; ++i)
    add_email(ds, static_cast<int64_t>(rng() % n_customers), double(rng() % 400) / 4.0,
              static_cast<int16_t>(rng() % 3 == 0 ? -1 : 0), rng() % 2, rng() % 3 == 0);
  FeatureParams p;
  p.engagement_window_days = 30;
  const int threads = omp_get_max_threads();
  omp_set_num_threads(3);
  const CustomerFeatures f = compute_customer_features(ds, p);
  omp_set_num_threads(1);
  const CustomerFeatures f1 = compute_customer_features(ds, p);
  omp_set_num_threads(threads);
  EXPECT_EQ(f.values, f1.values) << "features depend on the number of threads";

  std::vector<std::set<int64_t>> invoices(n_customers);
  std::vector<double> net(n_customers, 0.0);
  std::vector<UnixTime> last(n_customers, -1);
  for (size_t r = 0; r < ds.transactions.size(); ++r) {
    const int64_t c = ds.transactions.customer[r];
    if (c < 0) continue;
    const double v = double(ds.transactions.quantity[r]) * ds.transactions.unit_price[r];
    if (ds.transactions.kind[r] == 0) {
      invoices[c].insert(ds.transactions.invoice[r]);
      net[c] += v;
      last[c] = std::max(last[c], ds.transactions.time[r]);
    } else {
      net[c] -= std::abs(v);
    }
  }
  std::vector<int> sends(n_customers, 0), clicks(n_customers, 0);
  for (size_t r = 0; r < ds.email_log.size(); ++r) {
    const UnixTime t = ds.email_log.time[r];
    if (ds.email_log.campaign[r] < 0 || t <= f.as_of_time - 30 * kDay) continue;
    ++sends[ds.email_log.customer[r]];
    clicks[ds.email_log.customer[r]] += ds.email_log.clicked[r];
  }
  for (int c = 0; c < n_customers; ++c) {
    SCOPED_TRACE("seed " + std::to_string(seed) + ", customer " + std::to_string(c));
    EXPECT_EQ(get(f, c, "frequency"), float(invoices[c].size()));
    EXPECT_NEAR(get(f, c, "monetary"), net[c], 1e-3 + 1e-5 * std::abs(net[c]));
    const double rec = last[c] < 0 ? 730.0 : std::min(730.0, double(f.as_of_time - last[c]) / kDay);
    EXPECT_NEAR(get(f, c, "recency_days"), rec, 1e-4);
    EXPECT_EQ(get(f, c, "email_sends"), float(sends[c]));
    EXPECT_EQ(get(f, c, "email_clicks"), float(clicks[c]));
    double share_sum = 0.0;
    for (size_t j = 0; j < f.n_cols(); ++j)
      if (f.names[j].rfind("category_share", 0) == 0) share_sum += f.at(c, j);
    EXPECT_NEAR(share_sum, invoices[c].empty() ? 0.0 : 1.0, 1e-5);
  }
}

}  // namespace
}  // namespace tailor
