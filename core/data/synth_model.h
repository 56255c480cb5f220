// The synthetic shop's latent model, shared by the generator and by simulators: latent customers
// (a pure function of seed and index), the campaign eligibility rules, the true email response
// model and the epsilon-mixed logging policy with its exact propensities.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/synth.h"

namespace tailor {

/// Campaigns of the synthetic shop; the value is the row in Dataset::campaigns.
enum SynthCampaign : int {
  kWelcome = 0,
  kCartAbandonment,
  kBrowseAbandonment,
  kNewArrivals,
  kWinBack,
  kBirthday,
  kClearance,
  kLoyalty,
  kCrossSell,
  kSynthCampaignCount
};

/// Campaign names in SynthCampaign order.
const std::vector<std::string>& synth_campaign_names();

constexpr int kSynthMaxCategories = 12;

/// Hidden state of one customer; `synth_latent_customer` regenerates it from (seed, index).
struct SynthLatentCustomer {
  std::array<double, kSynthMaxCategories> taste{};  ///< Dirichlet category tastes (first K used)
  double price_sensitivity = 0;                     ///< Beta(2,2) in (0,1)
  double activity = 0;                              ///< organic baskets per year
  double hour_center = 0;                           ///< preferred local hour (fractional, circular)
  double hour_width = 0;                            ///< its std dev in hours
  std::array<double, 24> hour_prob{};  ///< distribution of local activity hour (sums to 1)
  double hour_prob_max = 0;            ///< max of hour_prob
  double fatigue_sensitivity = 0;      ///< open-logit penalty per unit of fatigue
  double open_offset = 0;              ///< personal open propensity (logit offset)
  int country = 0;                     ///< index into the built-in country list
  int16_t tz_offset_min = 0;
  int signup_day = 0;     ///< days relative to the first history day (negative: before)
  int signup_second = 0;  ///< second of that day (UTC)
  int birth_year = -1, birth_month = -1, birth_day = -1;  ///< -1: unknown birthday
  bool consent = false;
  bool unsubscribed_initial = false;
  bool suppressed = false;
  int first_name = 0;      ///< index into the built-in first-name list
  bool email_org = false;  ///< example.org instead of example.com

  /// Send-hour affinity in [0,1]: hour_prob[h] / max(hour_prob).
  double hour_affinity(int local_hour) const { return hour_prob[local_hour] / hour_prob_max; }
  /// Whether the logged policy may email this customer at all (before any unsubscribe).
  bool emailable() const { return consent && !unsubscribed_initial && !suppressed; }
};

/// Regenerates customer `customer`'s latent state; depends only on the params and the index.
SynthLatentCustomer synth_latent_customer(const SynthParams& p, int64_t customer);

/// Built-in (country code, UTC offset in minutes) list and the first-name list.
const std::vector<std::pair<std::string, int16_t>>& synth_countries();
const std::vector<std::string>& synth_first_names();

/// What the shop knows about a customer at a decision (history strictly before that day).
struct SynthCustomerState {
  int day = 0;  ///< day index of the decision
  int days_since_signup = 0;
  int days_since_purchase = -1;      ///< -1: never purchased
  int purchases = 0;                 ///< baskets so far
  int days_since_cart_abandon = -1;  ///< -1: none
  int days_since_browse_abandon = -1;
  bool birthday_today = false;
  bool in_clearance = false;  ///< January or July sale
  bool broadcast_day = false;
  double fatigue = 0;  ///< sum over past emails of exp(-age_days / decay_days)
};

/// Bit mask (1 << campaign) of the campaigns the shop may send in this state.
uint32_t synth_eligible_campaigns(const SynthParams& p, const SynthCustomerState& s);

/// Relevance in [0,1] of `campaign` to the customer in this state.
double synth_campaign_relevance(const SynthLatentCustomer& c, const SynthCustomerState& s,
                                int campaign);

/// Marginal probabilities of the outcomes of one email (nested: click within open, convert
/// within click, unsubscribe within open).
struct SynthResponse {
  double open = 0, click = 0, convert = 0, unsubscribe = 0;
};

/// The true response model (equations in docs/synth.md).
class SynthResponseModel {
 public:
  explicit SynthResponseModel(const SynthParams& p) : p_(p) {}
  /// Outcome probabilities of sending `campaign` at local hour `hour` (0..23).
  SynthResponse respond(const SynthLatentCustomer& c, const SynthCustomerState& s, int campaign,
                        int hour) const;
  /// Expected revenue of one converted (or organic) basket. `category_mean_price` comes from
  /// SynthCatalog::category_mean_price.
  double expected_order_value(const SynthLatentCustomer& c,
                              const std::vector<double>& category_mean_price,
                              bool in_clearance) const;

 private:
  SynthParams p_;
};

/// One action of the logging policy: campaign -1 = no email (hour -1).
struct SynthAction {
  int campaign = -1;
  int hour = -1;
  double propensity = 0;
};

/// Epsilon-mixed rule policy: with 1 - epsilon the rule (highest-priority eligible campaign at
/// rule_send_hour, or nothing while fatigue > rule_fatigue_cap); with epsilon a uniform choice
/// among {none} and the eligible campaigns, at a uniform hour.
class SynthLoggingPolicy {
 public:
  explicit SynthLoggingPolicy(const SynthParams& p) : p_(p) {}
  /// The rule's action (propensity field unset).
  SynthAction rule_action(uint32_t eligible, double fatigue) const;
  /// Probability of (campaign, hour) given the eligible mask; 0 outside the action set.
  double propensity(uint32_t eligible, double fatigue, int campaign, int hour) const;
  /// Every action with non-zero probability (sums to 1).
  std::vector<SynthAction> distribution(uint32_t eligible, double fatigue) const;
  /// Draws an action (with its propensity) using two uniforms from the caller's stream.
  template <class Rng>
  SynthAction sample(uint32_t eligible, double fatigue, Rng& rng) const {
    SynthAction a = rule_action(eligible, fatigue);
    const double u = rng.uniform(), v = rng.uniform();
    if (u < p_.epsilon) {
      const int n = __builtin_popcount(eligible);
      int pick = static_cast<int>(v * (n + 1));  // 0: none, i: i-th eligible campaign
      if (pick > n) pick = n;
      a.campaign = -1;
      a.hour = -1;
      if (pick > 0) {
        for (int c = 0, seen = 0; c < kSynthCampaignCount; ++c)
          if (eligible & (1u << c))
            if (++seen == pick) a.campaign = c;
        a.hour = static_cast<int>(rng.below(24));
      }
    }
    a.propensity = propensity(eligible, fatigue, a.campaign, a.hour);
    return a;
  }

 private:
  SynthParams p_;
};

/// Priority order of the rule policy (first eligible wins).
const std::array<int, kSynthCampaignCount>& synth_rule_priority();

}  // namespace tailor
