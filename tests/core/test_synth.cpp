// Synthetic shop: determinism (seed, thread count), dataset invariants, the logging policy's
// propensities and the response model's direction of effects.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/data/synth_param_set.h"
#include "core/data/synth_replay.h"

namespace tailor {
namespace {

SynthParams small_params(uint64_t seed = 42) {
  SynthParams p;
  p.customers = 3000;
  p.products = 300;
  p.seed = seed;
  return p;
}

/// Every column of every table, plus campaigns, invoices and metadata.
void expect_same_dataset(const Dataset& a, const Dataset& b) {
#define TAILOR_EXPECT_COLUMN(col) EXPECT_TRUE(a.col == b.col) << #col " differs"
  TAILOR_EXPECT_COLUMN(customers.external_id);
  TAILOR_EXPECT_COLUMN(customers.email);
  TAILOR_EXPECT_COLUMN(customers.first_name);
  TAILOR_EXPECT_COLUMN(customers.country);
  TAILOR_EXPECT_COLUMN(customers.tz_offset_min);
  TAILOR_EXPECT_COLUMN(customers.signup_time);
  TAILOR_EXPECT_COLUMN(customers.birthday);
  TAILOR_EXPECT_COLUMN(customers.consent);
  TAILOR_EXPECT_COLUMN(customers.unsubscribed);
  TAILOR_EXPECT_COLUMN(customers.suppressed);
  TAILOR_EXPECT_COLUMN(customers.numeric_attributes);
  TAILOR_EXPECT_COLUMN(customers.string_attributes);
  TAILOR_EXPECT_COLUMN(products.external_id);
  TAILOR_EXPECT_COLUMN(products.title);
  TAILOR_EXPECT_COLUMN(products.category);
  TAILOR_EXPECT_COLUMN(products.price);
  TAILOR_EXPECT_COLUMN(products.available);
  TAILOR_EXPECT_COLUMN(invoices);
  TAILOR_EXPECT_COLUMN(transactions.customer);
  TAILOR_EXPECT_COLUMN(transactions.product);
  TAILOR_EXPECT_COLUMN(transactions.invoice);
  TAILOR_EXPECT_COLUMN(transactions.time);
  TAILOR_EXPECT_COLUMN(transactions.quantity);
  TAILOR_EXPECT_COLUMN(transactions.unit_price);
  TAILOR_EXPECT_COLUMN(transactions.kind);
  TAILOR_EXPECT_COLUMN(campaigns);
  TAILOR_EXPECT_COLUMN(email_log.customer);
  TAILOR_EXPECT_COLUMN(email_log.time);
  TAILOR_EXPECT_COLUMN(email_log.campaign);
  TAILOR_EXPECT_COLUMN(email_log.hour);
  TAILOR_EXPECT_COLUMN(email_log.propensity);
  TAILOR_EXPECT_COLUMN(email_log.opened);
  TAILOR_EXPECT_COLUMN(email_log.clicked);
  TAILOR_EXPECT_COLUMN(email_log.converted);
  TAILOR_EXPECT_COLUMN(email_log.revenue);
  TAILOR_EXPECT_COLUMN(email_log.unsubscribed);
  TAILOR_EXPECT_COLUMN(corpus.document);
  TAILOR_EXPECT_COLUMN(corpus.field);
  TAILOR_EXPECT_COLUMN(corpus.split);
  TAILOR_EXPECT_COLUMN(corpus.text);
  TAILOR_EXPECT_COLUMN(corpus.campaign);
  TAILOR_EXPECT_COLUMN(corpus.category);
  TAILOR_EXPECT_COLUMN(corpus.customer);
  TAILOR_EXPECT_COLUMN(corpus.product);
  TAILOR_EXPECT_COLUMN(metadata);
#undef TAILOR_EXPECT_COLUMN
}

/// Shared across tests: generating is the slow part.
const Dataset& default_small() {
  static const Dataset ds = generate_synthetic_shop(small_params());
  return ds;
}

TEST(Synth, SameSeedGivesIdenticalDataset) {
  expect_same_dataset(default_small(), generate_synthetic_shop(small_params()));
}

TEST(Synth, DifferentSeedGivesDifferentDataset) {
  const Dataset& a = default_small();
  const Dataset b = generate_synthetic_shop(small_params(43));
  EXPECT_NE(a.products.title, b.products.title);
  EXPECT_NE(a.products.price, b.products.price);
  EXPECT_NE(a.customers.signup_time, b.customers.signup_time);
  EXPECT_NE(a.transactions.product, b.transactions.product);
  EXPECT_NE(a.email_log.customer, b.email_log.customer);
}

TEST(Synth, IdenticalForOneAndTwoThreads) {
  SynthParams p = small_params(7);
  p.customers = 2500;  // three blocks of unequal size
  p.threads = 1;
  const Dataset one = generate_synthetic_shop(p);
  p.threads = 2;
  expect_same_dataset(one, generate_synthetic_shop(p));
}

TEST(Synth, LatentCustomerIsAPureFunctionOfSeedAndIndex) {
  const SynthParams p = small_params();
  const Dataset& ds = default_small();
  for (int64_t i : {0, 1, 999, 2999}) {
    const SynthLatentCustomer a = synth_latent_customer(p, i), b = synth_latent_customer(p, i);
    EXPECT_EQ(a.taste, b.taste) << "customer " << i;
    EXPECT_EQ(a.hour_prob, b.hour_prob) << "customer " << i;
    EXPECT_EQ(ds.customers.tz_offset_min[i], a.tz_offset_min) << "customer " << i;
    EXPECT_EQ(ds.customers.consent[i], a.consent ? 1 : 0) << "customer " << i;
    double s = 0.0;
    for (int k = 0; k < p.categories; ++k) s += a.taste[k];
    EXPECT_NEAR(s, 1.0, 1e-9);
    double h = 0.0;
    for (double v : a.hour_prob) h += v;
    EXPECT_NEAR(h, 1.0, 1e-9);
  }
}

TEST(Synth, TablesAreConsistent) {
  const SynthParams p = small_params();
  const Dataset& ds = default_small();
  const int64_t nc = static_cast<int64_t>(ds.customers.size());
  const int64_t np = static_cast<int64_t>(ds.products.size());
  ASSERT_EQ(nc, p.customers);
  ASSERT_EQ(np, p.products);
  ASSERT_EQ(ds.campaigns.size(), static_cast<size_t>(kSynthCampaignCount));
  const UnixTime start = 1672531200;  // 2023-01-01
  const UnixTime end = start + p.days * 86400LL;

  for (int64_t i = 0; i < nc; ++i) {
    const std::string& e = ds.customers.email[i];
    const bool rfc2606 = e.size() > 12 && (e.compare(e.size() - 12, 12, "@example.com") == 0 ||
                                           e.compare(e.size() - 12, 12, "@example.org") == 0);
    ASSERT_TRUE(rfc2606) << "customer " << i << " has a non-RFC-2606 address";
    ASSERT_LT(ds.customers.signup_time[i], end);
  }
  for (int64_t i = 0; i < np; ++i) {
    ASSERT_FALSE(ds.products.title[i].empty());
    ASSERT_GT(ds.products.price[i], 0.0f);
  }

  const auto& t = ds.transactions;
  ASSERT_GT(t.size(), 0u);
  std::map<int64_t, std::set<int64_t>> invoice_customers;
  for (size_t r = 0; r < t.size(); ++r) {
    ASSERT_GE(t.customer[r], 0);
    ASSERT_LT(t.customer[r], nc);
    ASSERT_GE(t.product[r], 0);
    ASSERT_LT(t.product[r], np);
    ASSERT_GE(t.invoice[r], 0);
    ASSERT_LT(t.invoice[r], static_cast<int64_t>(ds.invoices.size()));
    // History days are the customers' local days (UTC offsets up to +10 h / -8 h); a
    // conversion may land up to 6 h after the last day's send.
    ASSERT_GE(t.time[r], start - 12 * 3600);
    ASSERT_LT(t.time[r], end + 18 * 3600);
    ASSERT_GE(t.time[r], ds.customers.signup_time[t.customer[r]]) << "row " << r;
    const bool is_return = t.kind[r] == static_cast<uint8_t>(TransactionKind::kReturn);
    ASSERT_EQ(is_return, t.quantity[r] < 0) << "row " << r;
    ASSERT_EQ(is_return, ds.invoices[t.invoice[r]][0] == 'R') << "row " << r;
    ASSERT_GT(t.unit_price[r], 0.0f);
    if (r > 0 && t.customer[r] == t.customer[r - 1]) {
      ASSERT_GE(t.time[r], t.time[r - 1]);
    }
    if (r > 0) {
      ASSERT_GE(t.customer[r], t.customer[r - 1]);
    }
    invoice_customers[t.invoice[r]].insert(t.customer[r]);
  }
  for (const auto& kv : invoice_customers) {
    ASSERT_EQ(kv.second.size(), 1u) << "invoice " << kv.first;
  }
  EXPECT_EQ(invoice_customers.size(), ds.invoices.size()) << "every invoice has lines";
}

TEST(Synth, EmailLogRespectsConsentAndUnsubscribes) {
  const Dataset& ds = default_small();
  const auto& e = ds.email_log;
  const auto& c = ds.customers;
  ASSERT_GT(e.size(), 0u);
  std::vector<int> unsub_events(c.size(), 0);
  std::vector<uint8_t> gone(c.size(), 0);
  for (size_t r = 0; r < e.size(); ++r) {
    const int64_t i = e.customer[r];
    ASSERT_GE(i, 0);
    ASSERT_LT(i, static_cast<int64_t>(c.size()));
    ASSERT_TRUE(c.consent[i]) << "decision for a customer without consent, row " << r;
    ASSERT_FALSE(c.suppressed[i]) << "decision for a suppressed customer, row " << r;
    ASSERT_FALSE(gone[i]) << "decision after the customer unsubscribed, row " << r;
    ASSERT_GT(e.propensity[r], 0.0f) << "row " << r;
    ASSERT_LE(e.propensity[r], 1.0f) << "row " << r;
    ASSERT_GE(e.campaign[r], -1);
    ASSERT_LT(e.campaign[r], kSynthCampaignCount);
    if (r > 0 && e.customer[r] == e.customer[r - 1]) {
      ASSERT_GT(e.time[r], e.time[r - 1]);
    }
    if (e.campaign[r] < 0) {
      ASSERT_EQ(e.hour[r], -1);
      ASSERT_FALSE(e.opened[r] || e.clicked[r] || e.converted[r] || e.unsubscribed[r]);
      ASSERT_EQ(e.revenue[r], 0.0f);
    } else {
      ASSERT_GE(e.hour[r], 0);
      ASSERT_LE(e.hour[r], 23);
    }
    if (e.clicked[r]) {
      ASSERT_TRUE(e.opened[r]);
    }
    if (e.converted[r]) {
      ASSERT_TRUE(e.clicked[r]);
    }
    if (e.unsubscribed[r]) {
      ASSERT_TRUE(e.opened[r]);
    }
    ASSERT_EQ(e.converted[r] != 0, e.revenue[r] > 0.0f) << "row " << r;
    if (e.unsubscribed[r]) {
      gone[i] = 1;
      ++unsub_events[i];
    }
  }
  int64_t emailable = 0, unsub_in_log = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (unsub_events[i]) {
      ++unsub_in_log;
      EXPECT_TRUE(c.unsubscribed[i]) << "customer " << i;
    }
    if (c.consent[i] && !c.suppressed[i] && !c.unsubscribed[i]) ++emailable;
  }
  EXPECT_GT(unsub_in_log, 0) << "some customers should unsubscribe during a year";
  EXPECT_GT(emailable, static_cast<int64_t>(c.size()) / 2) << "most customers are emailable";
  // Customers unsubscribed before the history: no decision at all.
  std::vector<uint8_t> has_rows(c.size(), 0);
  for (size_t r = 0; r < e.size(); ++r) has_rows[e.customer[r]] = 1;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.unsubscribed[i] && !unsub_events[i]) {
      ASSERT_FALSE(has_rows[i]) << "customer " << i;
    }
}

TEST(Synth, VolumesAreInTheDocumentedRange) {
  const Dataset& ds = default_small();
  const double n = static_cast<double>(ds.customers.size());
  int64_t sends = 0, opens = 0, clicks = 0, conversions = 0;
  for (size_t r = 0; r < ds.email_log.size(); ++r) {
    sends += ds.email_log.campaign[r] >= 0;
    opens += ds.email_log.opened[r];
    clicks += ds.email_log.clicked[r];
    conversions += ds.email_log.converted[r];
  }
  const double lines_per_customer = ds.transactions.size() / n;
  const double sends_per_customer = sends / n;
  EXPECT_GT(lines_per_customer, 8.0);
  EXPECT_LT(lines_per_customer, 20.0);
  EXPECT_GT(sends_per_customer, 20.0);
  EXPECT_LT(sends_per_customer, 40.0);
  const double open_rate = static_cast<double>(opens) / sends;
  const double click_rate = static_cast<double>(clicks) / sends;
  const double conversion_rate = static_cast<double>(conversions) / sends;
  EXPECT_GT(open_rate, 0.15);
  EXPECT_LT(open_rate, 0.5);
  EXPECT_GT(click_rate, 0.02);
  EXPECT_LT(click_rate, 0.15);
  EXPECT_GT(conversion_rate, 0.002);
  EXPECT_LT(conversion_rate, 0.05);
}

TEST(Synth, LoggingPolicyDistributionSumsToOne) {
  const SynthParams p;
  const SynthLoggingPolicy policy(p);
  for (uint32_t mask = 1; mask < (1u << kSynthCampaignCount); ++mask) {
    for (double fatigue : {0.0, p.rule_fatigue_cap + 1.0}) {
      const auto dist = policy.distribution(mask, fatigue);
      double sum = 0.0;
      for (const SynthAction& a : dist) {
        ASSERT_GT(a.propensity, 0.0);
        ASSERT_LE(a.propensity, 1.0);
        ASSERT_DOUBLE_EQ(a.propensity, policy.propensity(mask, fatigue, a.campaign, a.hour));
        if (a.campaign >= 0) {
          ASSERT_TRUE(mask & (1u << a.campaign));
        }
        sum += a.propensity;
      }
      ASSERT_NEAR(sum, 1.0, 1e-12) << "mask " << mask << " fatigue " << fatigue;
      const SynthAction rule = policy.rule_action(mask, fatigue);
      if (fatigue > p.rule_fatigue_cap) {
        EXPECT_EQ(rule.campaign, -1);
      }
    }
  }
  // Outside the action set: probability 0.
  const uint32_t only_new = 1u << kNewArrivals;
  EXPECT_EQ(policy.propensity(only_new, 0.0, kBirthday, 10), 0.0);
  EXPECT_EQ(policy.propensity(only_new, 0.0, -1, 5), 0.0);
  EXPECT_EQ(policy.propensity(only_new, 0.0, kNewArrivals, 24), 0.0);
}

TEST(Synth, LoggedPropensitiesAreTheSamplingProbabilities) {
  // For a = "no email", E_{a ~ pi}[1{a = none} / pi(none)] = 1 exactly; the logged mean must
  // match within sampling error (about 1% relative standard error here).
  const auto& e = default_small().email_log;
  double sum = 0.0;
  for (size_t r = 0; r < e.size(); ++r)
    if (e.campaign[r] < 0) sum += 1.0 / e.propensity[r];
  const double mean = sum / static_cast<double>(e.size());
  EXPECT_NEAR(mean, 1.0, 0.06) << "over " << e.size() << " decisions";
}

TEST(Synth, ReplayReproducesEveryLoggedDecision) {
  // Replayed contexts: the logged propensity is pi(logged action | eligible set, fatigue), the
  // full distribution over that action set sums to 1, and the rows match one for one.
  const SynthParams p = small_params();
  const SynthCatalog catalog = build_synth_catalog(p);
  const SynthLoggingPolicy policy(p);
  const auto& e = default_small().email_log;
  std::vector<size_t> first(p.customers + 1, e.size());
  for (size_t r = e.size(); r-- > 0;) first[e.customer[r]] = r;
  for (int64_t i = p.customers - 1; i >= 0; --i) first[i] = std::min(first[i], first[i + 1]);
  int64_t checked = 0;
  for (int64_t i = 0; i < p.customers; i += 7) {
    const auto decisions = synth_replay_decisions(p, catalog, i);
    ASSERT_EQ(decisions.size(), first[i + 1] - first[i]) << "customer " << i;
    for (size_t j = 0; j < decisions.size(); ++j) {
      const size_t r = first[i] + j;
      const SynthDecision& d = decisions[j];
      ASSERT_NE(d.eligible, 0u);
      ASSERT_EQ(e.campaign[r], d.action.campaign) << "row " << r;
      ASSERT_EQ(e.hour[r], d.action.hour) << "row " << r;
      if (d.action.campaign >= 0) {
        ASSERT_TRUE(d.eligible & (1u << d.action.campaign));
      }
      const double pi = policy.propensity(d.eligible, d.state.fatigue, e.campaign[r], e.hour[r]);
      ASSERT_FLOAT_EQ(e.propensity[r], static_cast<float>(pi)) << "row " << r;
      double sum = 0.0;
      for (const SynthAction& a : policy.distribution(d.eligible, d.state.fatigue)) {
        sum += a.propensity;
      }
      ASSERT_NEAR(sum, 1.0, 1e-12) << "row " << r;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10000);
  EXPECT_THROW(synth_replay_decisions(p, catalog, p.customers), Error);
}

TEST(Synth, ResponseModelDirections) {
  const SynthParams p;
  const SynthResponseModel model(p);
  int checked = 0;
  for (int64_t i = 0; i < 200 && checked < 20; ++i) {
    const SynthLatentCustomer c = synth_latent_customer(p, i);
    if (c.hour_center < 9.0 || c.hour_center > 21.0) continue;  // 3am must be far from it
    ++checked;
    const int best = static_cast<int>(std::max_element(c.hour_prob.begin(), c.hour_prob.end()) -
                                      c.hour_prob.begin());
    SynthCustomerState s;
    s.broadcast_day = true;
    const SynthResponse at_best = model.respond(c, s, kNewArrivals, best);
    const SynthResponse at_3am = model.respond(c, s, kNewArrivals, 3);
    EXPECT_GT(at_best.click, at_3am.click) << "customer " << i;
    EXPECT_GT(at_best.open, at_3am.open) << "customer " << i;
    SynthCustomerState tired = s;
    tired.fatigue = 3.0;
    const SynthResponse fatigued = model.respond(c, tired, kNewArrivals, best);
    EXPECT_LT(fatigued.click, at_best.click) << "customer " << i;
    EXPECT_GT(fatigued.unsubscribe / fatigued.open, at_best.unsubscribe / at_best.open);
    EXPECT_LE(at_best.convert, at_best.click);
    EXPECT_LE(at_best.click, at_best.open);
    EXPECT_LE(at_best.unsubscribe, at_best.open);
  }
  EXPECT_EQ(checked, 20);
}

TEST(Synth, LoggedClicksFollowTheHourAffinity) {
  // The generator draws outcomes from the response model: sends near a customer's preferred
  // hour must be clicked more often than sends far from it.
  const SynthParams p = small_params();
  const auto& e = default_small().email_log;
  std::vector<SynthLatentCustomer> latent(p.customers);
  for (int64_t i = 0; i < p.customers; ++i) latent[i] = synth_latent_customer(p, i);
  double near_sends = 0, near_clicks = 0, far_sends = 0, far_clicks = 0;
  for (size_t r = 0; r < e.size(); ++r) {
    if (e.campaign[r] < 0) continue;
    const double aff = latent[e.customer[r]].hour_affinity(e.hour[r]);
    if (aff > 0.7) {
      ++near_sends;
      near_clicks += e.clicked[r];
    } else if (aff < 0.2) {
      ++far_sends;
      far_clicks += e.clicked[r];
    }
  }
  ASSERT_GT(near_sends, 500);
  ASSERT_GT(far_sends, 500);
  EXPECT_GT(near_clicks / near_sends, 1.2 * far_clicks / far_sends);
}

TEST(Synth, CatalogueIsCategorised) {
  const SynthParams p = small_params();
  const SynthCatalog cat = build_synth_catalog(p);
  ASSERT_EQ(cat.category_names.size(), 12u);
  EXPECT_EQ(cat.category_names[0], "dresses");
  for (int k = 0; k < p.categories; ++k) {
    EXPECT_FALSE(cat.category_products[k].empty());
    EXPECT_GT(cat.category_mean_price[k], 0.0);
  }
  EXPECT_EQ(cat.products.category[0], "dresses");
  EXPECT_NE(cat.products.title[0].find("Dress"), std::string::npos) << cat.products.title[0];
}

TEST(Synth, BadParametersAreErrors) {
  SynthParams p = small_params();
  p.categories = 13;
  EXPECT_THROW(generate_synthetic_shop(p), Error);
  p = small_params();
  p.start_date = "2023-02-30";
  EXPECT_THROW(generate_synthetic_shop(p), Error);
  p = small_params();
  p.epsilon = 1.5;
  EXPECT_THROW(generate_synthetic_shop(p), Error);
  p = small_params();
  p.products = 5;
  EXPECT_THROW(generate_synthetic_shop(p), Error);
}

TEST(Synth, ConfigFileHoldsEveryDefault) {
  const std::string path = std::string(TAILOR_SOURCE_DIR) + "/configs/synth.yaml";
  const YAML::Node root = load_yaml_file(path);
  SynthParams defaults, from_file;
  CLI::App app_a, app_b;
  ParamSet a(&app_a, "synth"), b(&app_b, "synth");
  add_synth_params(a, defaults);
  add_synth_params(b, from_file);
  app_b.parse(std::vector<std::string>{});
  b.apply_yaml(root, path);
  const YAML::Node want = a.to_yaml();
  ASSERT_EQ(root["synth"].size(), want.size()) << "configs/synth.yaml must list every parameter";
  EXPECT_EQ(synth_params_yaml(from_file), synth_params_yaml(defaults));
}

}  // namespace
}  // namespace tailor
