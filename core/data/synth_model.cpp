// Latent customers, campaign eligibility and relevance, the true response model and the logging
// policy of the synthetic shop (equations in docs/synth.md).
#include "core/data/synth_model.h"

#include <algorithm>
#include <cmath>

#include "core/data/synth_calendar.h"
#include "core/data/synth_rng.h"

namespace tailor {

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Population mixture of preferred hours: (centre, weight).
constexpr double kHourModes[4][2] = {{8.0, 0.25}, {12.5, 0.20}, {20.0, 0.45}, {23.0, 0.10}};
/// Country weights, aligned with synth_countries().
constexpr double kCountryWeights[] = {0.40, 0.05, 0.12, 0.10, 0.05, 0.05, 0.10, 0.04, 0.06, 0.03};

}  // namespace

const std::vector<std::string>& synth_campaign_names() {
  static const std::vector<std::string> names = {
      "welcome",   "cart_abandonment", "browse_abandonment", "new_arrivals", "win_back", "birthday",
      "clearance", "loyalty",          "cross_sell"};
  return names;
}

const std::array<int, kSynthCampaignCount>& synth_rule_priority() {
  static const std::array<int, kSynthCampaignCount> order = {
      kCartAbandonment, kWelcome, kBirthday,  kBrowseAbandonment, kWinBack,
      kCrossSell,       kLoyalty, kClearance, kNewArrivals};
  return order;
}

const std::vector<std::pair<std::string, int16_t>>& synth_countries() {
  // Standard-time offsets; daylight saving is not modelled.
  static const std::vector<std::pair<std::string, int16_t>> c = {
      {"GB", 0},  {"IE", 0},    {"DE", 60},   {"FR", 60},   {"NL", 60},
      {"ES", 60}, {"US", -300}, {"US", -360}, {"US", -480}, {"AU", 600}};
  return c;
}

const std::vector<std::string>& synth_first_names() {
  static const std::vector<std::string> n = {
      "Alice", "Ben",   "Chloe", "Daniel", "Emma",   "Finn", "Grace", "Hugo",  "Isla",   "Jack",
      "Katie", "Leo",   "Maya",  "Noah",   "Olivia", "Paul", "Quinn", "Ruby",  "Sam",    "Tara",
      "Umar",  "Vera",  "Will",  "Xena",   "Yusuf",  "Zoe",  "Anna",  "Lukas", "Sophie", "Marco",
      "Lucia", "Jonas", "Elena", "Mateo",  "Aoife",  "Liam", "Hana",  "Omar",  "Priya",  "Theo"};
  return n;
}

SynthLatentCustomer synth_latent_customer(const SynthParams& p, int64_t customer) {
  SynthRng rng(p.seed, static_cast<uint64_t>(customer), SynthStream::kCustomerLatent);
  SynthLatentCustomer c;
  // Category tastes ~ Dirichlet(taste_concentration).
  double sum = 0.0;
  for (int k = 0; k < p.categories; ++k) sum += (c.taste[k] = rng.gamma(p.taste_concentration));
  for (int k = 0; k < p.categories; ++k)
    c.taste[k] = sum > 0.0 ? c.taste[k] / sum : 1.0 / p.categories;
  c.price_sensitivity = rng.beta(2.0, 2.0);
  c.activity = rng.lognormal_mean(p.purchases_per_year, p.activity_sigma);

  // Preferred hour: a population mode plus N(0, 1) h jitter; width uniform; wrapped Gaussian
  // mixed with a uniform floor.
  double u = rng.uniform(), acc = 0.0, mode = kHourModes[3][0];
  for (const auto& m : kHourModes) {
    acc += m[1];
    if (u < acc) {
      mode = m[0];
      break;
    }
  }
  c.hour_center = std::fmod(mode + rng.normal() + 24.0, 24.0);
  c.hour_width = rng.uniform(p.hour_width_min, p.hour_width_max);
  double total = 0.0;
  for (int h = 0; h < 24; ++h) {
    double d = std::fabs(h + 0.5 - c.hour_center);
    d = std::min(d, 24.0 - d);
    total += (c.hour_prob[h] = std::exp(-0.5 * d * d / (c.hour_width * c.hour_width)));
  }
  c.hour_prob_max = 0.0;
  for (int h = 0; h < 24; ++h) {
    c.hour_prob[h] = (1.0 - p.hour_floor) * c.hour_prob[h] / total + p.hour_floor / 24.0;
    c.hour_prob_max = std::max(c.hour_prob_max, c.hour_prob[h]);
  }

  c.fatigue_sensitivity = rng.lognormal_mean(p.fatigue_sensitivity_mean, 0.5);
  c.open_offset = rng.normal(0.0, p.open_offset_sigma);

  u = rng.uniform();
  acc = 0.0;
  const int n_countries = static_cast<int>(synth_countries().size());
  c.country = n_countries - 1;
  for (int i = 0; i < n_countries; ++i) {
    acc += kCountryWeights[i];
    if (u < acc) {
      c.country = i;
      break;
    }
  }
  c.tz_offset_min = synth_countries()[c.country].second;

  if (rng.bernoulli(p.signup_before_share)) {
    c.signup_day = -1 - static_cast<int>(rng.below(p.signup_lookback_days));
  } else {
    c.signup_day = static_cast<int>(rng.below(p.days));
  }
  c.signup_second = static_cast<int>(rng.below(86400));

  int64_t start_days = 0;
  synth_parse_date(p.start_date, &start_days);
  const int64_t start_year = synth_civil_from_days(start_days).year;
  const bool known = rng.bernoulli(p.birthday_known_share);
  const int age = 18 + static_cast<int>(rng.below(58));
  const int month = 1 + static_cast<int>(rng.below(12));
  const double day_u = rng.uniform();
  if (known) {
    c.birth_year = static_cast<int>(start_year - age);
    c.birth_month = month;
    c.birth_day = 1 + static_cast<int>(day_u * synth_days_in_month(c.birth_year, month));
  }

  c.consent = rng.bernoulli(p.consent_rate);
  const bool unsub = rng.bernoulli(p.unsubscribed_initial_rate);
  c.unsubscribed_initial = c.consent && unsub;
  c.suppressed = rng.bernoulli(p.suppressed_rate);
  c.first_name = static_cast<int>(rng.below(static_cast<int64_t>(synth_first_names().size())));
  c.email_org = rng.bernoulli(0.3);
  return c;
}

uint32_t synth_eligible_campaigns(const SynthParams& p, const SynthCustomerState& s) {
  uint32_t m = 0;
  auto set = [&m](int c) { m |= 1u << c; };
  if (s.broadcast_day) {
    set(kNewArrivals);
    if (s.in_clearance) set(kClearance);
    if (s.purchases >= p.loyalty_min_purchases) set(kLoyalty);
  }
  if (s.days_since_signup == 1) set(kWelcome);
  if (s.days_since_cart_abandon == 1) set(kCartAbandonment);
  if (s.days_since_browse_abandon == 1) set(kBrowseAbandonment);
  if (s.birthday_today) set(kBirthday);
  if (s.days_since_purchase == p.cross_sell_after_days) set(kCrossSell);
  if (s.days_since_purchase >= p.win_back_after_days &&
      (s.days_since_purchase - p.win_back_after_days) % 30 == 0)
    set(kWinBack);
  return m;
}

double synth_campaign_relevance(const SynthLatentCustomer& c, const SynthCustomerState& s,
                                int campaign) {
  switch (campaign) {
    case kWelcome:
      return std::exp(-std::max(0, s.days_since_signup - 1) / 7.0);
    case kCartAbandonment:
      return s.days_since_cart_abandon >= 0
                 ? std::exp(-std::max(0, s.days_since_cart_abandon - 1) / 2.0)
                 : 0.0;
    case kBrowseAbandonment:
      return s.days_since_browse_abandon >= 0
                 ? 0.7 * std::exp(-std::max(0, s.days_since_browse_abandon - 1) / 2.0)
                 : 0.0;
    case kNewArrivals: {
      double mx = 0.0;
      for (double t : c.taste) mx = std::max(mx, t);
      return 0.2 + 0.6 * mx;
    }
    case kWinBack:
      if (s.days_since_purchase < 0) return 0.2;
      return s.days_since_purchase >= 60 ? 0.5 : 0.1;
    case kBirthday:
      return s.birthday_today ? 1.0 : 0.05;
    case kClearance:
      return c.price_sensitivity * (s.in_clearance ? 1.0 : 0.3);
    case kLoyalty:
      return std::min(1.0, s.purchases / 6.0);
    case kCrossSell:
      return s.days_since_purchase >= 0 && s.days_since_purchase <= 30
                 ? 0.2 + 0.5 * std::exp(-s.days_since_purchase / 14.0)
                 : 0.1;
    default:
      return 0.0;
  }
}

SynthResponse SynthResponseModel::respond(const SynthLatentCustomer& c, const SynthCustomerState& s,
                                          int campaign, int hour) const {
  const double r = synth_campaign_relevance(c, s, campaign);
  const double f = c.fatigue_sensitivity * s.fatigue;
  const double open_logit = p_.open_base + c.open_offset +
                            p_.open_hour_weight * c.hour_affinity(hour) +
                            p_.open_relevance_weight * r - f;
  const double click_logit = p_.click_base + p_.click_relevance_weight * r - 0.5 * f;
  const double convert_logit =
      p_.convert_base + p_.convert_relevance_weight * r +
      p_.convert_activity_weight * std::log(c.activity / p_.purchases_per_year);
  const double unsub_logit =
      p_.unsubscribe_base + p_.unsubscribe_fatigue_weight * f + p_.unsubscribe_relevance_weight * r;
  SynthResponse out;
  out.open = sigmoid(open_logit);
  out.click = out.open * sigmoid(click_logit);
  out.convert = out.click * sigmoid(convert_logit);
  out.unsubscribe = out.open * sigmoid(unsub_logit);
  return out;
}

double SynthResponseModel::expected_order_value(const SynthLatentCustomer& c,
                                                const std::vector<double>& category_mean_price,
                                                bool in_clearance) const {
  double per_unit = 0.0;
  for (int k = 0; k < p_.categories; ++k) per_unit += c.taste[k] * category_mean_price[k];
  const double discount = in_clearance ? 1.0 - p_.clearance_discount : 1.0;
  return (1.0 + p_.basket_extra_lines) * (1.0 + p_.extra_quantity) * per_unit * discount;
}

SynthAction SynthLoggingPolicy::rule_action(uint32_t eligible, double fatigue) const {
  SynthAction a;
  if (eligible == 0 || fatigue > p_.rule_fatigue_cap) return a;
  for (int c : synth_rule_priority()) {
    if (eligible & (1u << c)) {
      a.campaign = c;
      a.hour = p_.rule_send_hour;
      return a;
    }
  }
  return a;
}

double SynthLoggingPolicy::propensity(uint32_t eligible, double fatigue, int campaign,
                                      int hour) const {
  const int n = __builtin_popcount(eligible);
  const SynthAction rule = rule_action(eligible, fatigue);
  const double rule_mass =
      (rule.campaign == campaign && rule.hour == hour) ? 1.0 - p_.epsilon : 0.0;
  if (campaign < 0) {
    if (hour != -1) return 0.0;
    return p_.epsilon / (n + 1) + rule_mass;
  }
  if (campaign >= kSynthCampaignCount || !(eligible & (1u << campaign)) || hour < 0 || hour > 23)
    return 0.0;
  return p_.epsilon / ((n + 1) * 24.0) + rule_mass;
}

std::vector<SynthAction> SynthLoggingPolicy::distribution(uint32_t eligible, double fatigue) const {
  std::vector<SynthAction> out;
  const double none = propensity(eligible, fatigue, -1, -1);
  if (none > 0.0) out.push_back({-1, -1, none});
  for (int c = 0; c < kSynthCampaignCount; ++c) {
    if (!(eligible & (1u << c))) continue;
    for (int h = 0; h < 24; ++h) {
      const double pr = propensity(eligible, fatigue, c, h);
      if (pr > 0.0) out.push_back({c, h, pr});
    }
  }
  return out;
}

}  // namespace tailor
