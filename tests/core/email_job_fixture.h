// Shared fixture of the email-job tests: an adversarial dataset (hostile names, titles and
// addresses, every ineligibility) and deterministic test doubles of the four model steps.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/synth_model.h"
#include "core/email/email_models.h"
#include "core/email/rfc5322_date.h"

namespace tailor::email_test {

/// The run time of every fixture run.
inline UnixTime fixture_now() { return parse_iso8601("2024-06-01T06:00:00Z", "fixture"); }

inline uint64_t fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

/// Campaign rows of the fixture: the synthetic shop's nine, then Hillstrom's mens / womens.
inline std::vector<std::string> fixture_campaigns() {
  std::vector<std::string> c = synth_campaign_names();
  c.push_back("mens");
  c.push_back("womens");
  return c;
}
inline int16_t campaign_row(const std::string& name) {
  const auto c = fixture_campaigns();
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i] == name) return static_cast<int16_t>(i);
  return -2;
}

struct FixtureCustomer {
  std::string id, email, name;
  int16_t tz = 0;
  uint8_t consent = 1, unsubscribed = 0, suppressed = 0;
};

/// Special customers and why they must (not) get an email; `expected_skip` is "" for those who do.
struct Special {
  FixtureCustomer c;
  std::string expected_skip;
};

inline std::vector<Special> special_customers() {
  return {
      {{"c-ok-1", "anna@example.com", "Anna", 0}, ""},
      {{"c-unicode", "zoe@example.com", "Zoë", 60}, ""},
      {{"c-crlf-name", "eve@example.com", "Eve\r\nBcc: victim@evil.example", 0}, ""},
      {{"c-script-name", "mallory@example.com", "<script>alert(1)</script>", 0}, ""},
      {{"c-bidi", "bidi@example.com",
        "Bob\xE2\x80\xAE"
        "fdp.exe",
        0},
       ""},
      {{"c-empty-name", "noname@example.com", "", 0}, ""},
      {{"c-long-subject", "long@example.com", "Lena", 0}, ""},
      {{"c-crlf-subject", "crlf@example.com", "Carl", 0}, ""},
      {{"c-lookalike", "look@example.com", "Lou", 0}, ""},
      {{"c-quiet", "quiet@example.com", "Quinn", 120}, ""},
      {{"c-tz-neg", "west@example.com", "Wes", -480}, ""},
      {{"c-tz-half", "india@example.com", "Ira", 330}, ""},
      {{"c-noconsent", "nc@example.com", "Nora", 0, 0}, "no_consent"},
      {{"c-unsub", "unsub@example.com", "Uma", 0, 1, 1}, "unsubscribed"},
      {{"c-log-unsub", "logunsub@example.com", "Lars", 0}, "unsubscribed"},
      {{"c-suppressed", "supp@example.com", "Sam", 0, 1, 0, 1}, "suppressed"},
      {{"c-list-plain", "Listed.Plain@Example.com", "Lisa", 0}, "suppression_list"},
      {{"c-list-hashed", "listed.hashed@example.com", "Hal", 0}, "suppression_list"},
      {{"c-bad-1", "not-an-address", "Ben", 0}, "invalid_address"},
      {{"c-bad-2", "x@example.com\r\nBcc: victim@evil.example", "Bea", 0}, "invalid_address"},
      {{"c-bad-3", "", "Bo", 0}, "invalid_address"},
      {{"c-bad-4", "\xC3\xBCn\xC3\xAF@example.com", "Bjorn", 0}, "invalid_address"},
      {{"c-bad-5", "a@b", "Bill", 0}, "invalid_address"},
      {{"c-dup-a", "Dup@Example.com", "Dana", 0}, ""},
      {{"c-dup-b", "dup@example.com ", "Dan", 0}, "duplicate_address"},
      {{"c-blocked-a", "shared@example.com", "Sue", 0, 1, 1}, "unsubscribed"},
      {{"c-blocked-b", "SHARED@example.com", "Sid", 0}, "address_blocked"},
      {{"c-capped", "capped@example.com", "Cap", 0}, "frequency_cap"},
      {{"opaque@example.com", "opaque@example.com", "Otto", 0}, "customer_id_not_opaque"},
      {{"c-policy-none", "pn@example.com", "Pia", 0}, "policy_no_email"},
      {{"c-no-items", "ni@example.com", "Nils", 0}, "no_products"},
  };
}

/// Hostile catalogue text.
inline std::vector<std::string> fixture_titles() {
  return {"<script>alert('x')</script> Mug",
          "Mug \"Best\" & 'Co' <b>bold</b>",
          "Line\r\nBreak: Bcc: victim@evil.example",
          "Crème brûlée set ☕ — 限定",
          "Plain Tote Bag",
          "javascript:alert(1) Scarf",
          "Price unknown lamp",
          "Unavailable chair",
          "Wool Socks",
          "Linen Shirt",
          "Canvas Shoes",
          "Silk Tie"};
}

/// The adversarial dataset plus `extra` ordinary customers.
inline Dataset fixture_dataset(int extra) {
  Dataset ds;
  ds.campaigns = fixture_campaigns();
  const auto titles = fixture_titles();
  for (size_t p = 0; p < titles.size(); ++p) {
    ds.products.external_id.push_back(p == 1 ? "SKU 1/\"x\"" : "SKU-" + std::to_string(p));
    ds.products.title.push_back(titles[p]);
    ds.products.category.push_back(p % 2 ? "home & kitchen" : "<b>dresses</b>");
    ds.products.price.push_back(p == 6 ? NAN : 3.5f + 1000.25f * (p == 3) + p);
    ds.products.available.push_back(p == 7 ? 0 : 1);
  }
  std::vector<FixtureCustomer> cs;
  for (const Special& s : special_customers()) cs.push_back(s.c);
  const std::vector<std::string> names = {"Ann", "Jürgen", "Søren", "李雷", "O'Brien", "Ærin", ""};
  for (int i = 0; i < extra; ++i) {
    FixtureCustomer c;
    c.id = "n-" + std::to_string(1000 + i);
    c.email = "user" + std::to_string(i) + "@example." + (i % 2 ? "org" : "com");
    c.name = names[i % names.size()];
    c.tz = static_cast<int16_t>((i % 7 - 3) * 60 + (i % 5 == 0 ? 30 : 0));
    cs.push_back(c);
  }
  CustomerTable& ct = ds.customers;
  for (const FixtureCustomer& c : cs) {
    ct.external_id.push_back(c.id);
    ct.email.push_back(c.email);
    ct.first_name.push_back(c.name);
    ct.country.push_back("GB");
    ct.tz_offset_min.push_back(c.tz);
    ct.signup_time.push_back(fixture_now() - 400 * 86400);
    ct.birthday.push_back(-1);
    ct.consent.push_back(c.consent);
    ct.unsubscribed.push_back(c.unsubscribed);
    ct.suppressed.push_back(c.suppressed);
  }
  const auto row = [&](const std::string& id) {
    for (size_t i = 0; i < ct.size(); ++i)
      if (ct.external_id[i] == id) return static_cast<int64_t>(i);
    return int64_t(-1);
  };
  EmailLogTable& log = ds.email_log;
  const auto log_email = [&](int64_t c, UnixTime t, bool unsub) {
    log.customer.push_back(c);
    log.time.push_back(t);
    log.campaign.push_back(3);
    log.hour.push_back(10);
    log.propensity.push_back(0.5f);
    log.opened.push_back(1);
    log.clicked.push_back(0);
    log.converted.push_back(0);
    log.revenue.push_back(0);
    log.unsubscribed.push_back(unsub);
  };
  for (int d = 1; d <= 3; ++d) log_email(row("c-capped"), fixture_now() - d * 86400, false);
  log_email(row("c-ok-1"), fixture_now() - 30 * 86400, false);  // outside the cap window
  log_email(row("c-log-unsub"), fixture_now() - 40 * 86400, true);
  return ds;
}

inline ModelProvenance fake_provenance(const std::string& role) {
  return {role, "test_double_" + role, "/nonexistent/" + role + ".h5", std::string(64, '0')};
}

class FakeSegments : public SegmentAssigner {
 public:
  std::vector<int32_t> assign(const CustomerBatch& b) override {
    std::vector<int32_t> s;
    for (int64_t c : b.customers)
      s.push_back(static_cast<int32_t>(fnv(b.dataset->customers.external_id[c]) % 5));
    return s;
  }
  ModelProvenance provenance() const override { return fake_provenance("segment"); }
};

class FakeItems : public ItemRecommender {
 public:
  std::vector<std::vector<RecommendedItem>> recommend(const CustomerBatch& b, int k) override {
    std::vector<std::vector<RecommendedItem>> out;
    const int32_t np = static_cast<int32_t>(b.dataset->products.size());
    for (int64_t c : b.customers) {
      std::vector<RecommendedItem> items;
      const std::string& id = b.dataset->customers.external_id[c];
      if (id != "c-no-items") {
        const uint64_t h = fnv(id);
        for (int j = 0; j < k + 1; ++j)  // one more than asked: the job must cap
          items.push_back({static_cast<int32_t>((h + 5 * j) % np), 1.0f - 0.125f * j});
        if (id == "c-script-name") items[0].product = 0;
        if (id == "c-crlf-subject") items[0].product = 2;
        if (id == "c-unicode") items[0].product = 3;
        if (id == "c-ok-1") items.push_back({-7, 0.1f});  // invalid row: dropped
      }
      out.push_back(std::move(items));
    }
    return out;
  }
  ModelProvenance provenance() const override { return fake_provenance("recommend"); }
};

class FakeDecider : public CampaignDecider {
 public:
  std::vector<CampaignDecision> decide(const CustomerBatch& b) override {
    std::vector<CampaignDecision> out;
    const int16_t nc = static_cast<int16_t>(b.dataset->campaigns.size());
    for (int64_t c : b.customers) {
      const std::string& id = b.dataset->customers.external_id[c];
      const uint64_t h = fnv(id);
      CampaignDecision d;
      d.campaign = static_cast<int16_t>(h % nc);
      d.hour = static_cast<int8_t>(8 + (h / 16) % 12);  // 8..19: outside default quiet hours
      if (h % 17 == 0) d.hour = -1;
      if (h % 29 == 0 && id.rfind("n-", 0) == 0) d.campaign = -1;
      if (id == "c-policy-none") d.campaign = -1;
      if (id == "c-quiet") d.hour = 23;
      if (id == "c-no-items") d.campaign = campaign_row("cart_abandonment");
      if (id == "c-unicode") d.campaign = campaign_row("welcome");
      if (id == "c-script-name" || id == "c-crlf-subject") d.campaign = campaign_row("cross_sell");
      d.action = d.campaign + 1;
      d.propensity = 0.25f + 0.5f * static_cast<float>(h % 2);
      d.q_values = {0.5f, static_cast<float>(h % 7) / 8.0f, -0.25f};
      out.push_back(d);
    }
    return out;
  }
  ModelProvenance provenance() const override { return fake_provenance("policy"); }
};

/// Drafts by kind; kind 1..8 are adversarial.
inline EmailCopyDraft fixture_draft(int kind) {
  switch (kind) {
    case 1:
      return {"Grüße, {first_name}! 🎉 Ünïcødé ☕ — 限定セール",
              "Body with <b>tags</b> & \"quotes\" and {product}.", -3.5, 0.1f};
    case 2:
      return {
          "This is a very long subject line that certainly needs folding because it is longer than "
          "seventy-eight characters",
          "Short body.\n\nSecond paragraph\nwith a line break.", -9.0, 0.2f};
    case 3:
      return {"{first_name}: your {discount} code", "Use {discount} today.", -2.0, 0.1f};
    case 4:
      return {"Hello {frist_name}", "Body {product}", -2.0, 0.1f};
    case 5:
      return {"Totally not spam", "Buy now!!!", -2.0, 0.99f};
    case 6:
      return {"Breaking\r\nBcc: victim@evil.example news",
              "Body\r\nwith CRLF\r\nFrom here\n.dot line", -4.0, 0.3f};
    case 7:
      return {"Looks =?utf-8?q?encoded?= but is not", "Body about {category}.", -4.0, 0.3f};
    case 8:
      return {"", "Body without subject", -4.0, 0.3f};
    default:
      return {"{first_name}, ideas for you",
              "Hi {first_name},\n\nhave a look at {product} for {price}.\n\nThe {shop} team", -1.5,
              0.05f};
  }
}

inline int draft_kind(const std::string& id) {
  static const std::map<std::string, int> special = {
      {"c-unicode", 1}, {"c-long-subject", 2}, {"c-crlf-subject", 6}, {"c-lookalike", 7},
      {"c-ok-1", 0},    {"c-crlf-name", 0},    {"c-script-name", 0},  {"c-empty-name", 0}};
  const auto it = special.find(id);
  return it != special.end() ? it->second : static_cast<int>(fnv(id) % 9);
}

class FakeCopy : public CopyWriter {
 public:
  explicit FakeCopy(const Dataset& ds) : ds_(ds) {}
  std::vector<EmailCopyDraft> write(const std::vector<EmailCopyRequest>& rs) override {
    std::vector<EmailCopyDraft> out;
    for (const EmailCopyRequest& r : rs)
      out.push_back(fixture_draft(draft_kind(ds_.customers.external_id[r.customer])));
    return out;
  }
  ModelProvenance provenance() const override { return fake_provenance("copy"); }

 private:
  const Dataset& ds_;
};

}  // namespace tailor::email_test
