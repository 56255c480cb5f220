// The send policy's reward: a weighted sum of an email's outcomes minus its cost and an
// unsubscribe penalty, plus the per-outcome metrics that off-policy reports show.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace tailor {

/// Parameters of the reward (YAML section `reward`, configs/policy.yaml). Per decision:
/// r = click_weight * clicked + conversion_weight * converted + revenue_weight * revenue
///     + open_weight * opened - cost_per_email * sent - unsubscribe_penalty * unsubscribed.
/// Opens are not in the default reward: privacy proxies (Apple Mail Privacy Protection and
/// image-prefetching clients) load the tracking pixel for every delivered email, so logged opens
/// measure the recipient's mail client more than interest; clicks, conversions and revenue are
/// actions of the customer.
struct RewardParams {
  /// Weight of a click (Hillstrom: a site visit).
  double click_weight = 1.0;
  /// Weight of a conversion (an order attributed to the email).
  double conversion_weight = 0.0;
  /// Weight per currency unit of attributed revenue.
  double revenue_weight = 0.1;
  /// Weight of an open (0: not in the reward, see above).
  double open_weight = 0.0;
  /// Cost of sending one email, in reward units (> 0 makes "no email" win where email does not
  /// pay).
  double cost_per_email = 0.0;
  /// Penalty per unsubscribe, in reward units (the customer's future email value lost).
  double unsubscribe_penalty = 5.0;
};

/// Checks the fields (finite, cost and penalty >= 0); throws tailor::Error naming the bad one.
void check_reward_params(const RewardParams& p);

/// The outcomes of one decision (expected values are fine: the reward is linear in them).
struct DecisionOutcome {
  double sent = 0, opened = 0, clicked = 0, converted = 0, revenue = 0, unsubscribed = 0;
};

double decision_reward(const RewardParams& p, const DecisionOutcome& o);

/// Metrics reported per policy, in this order.
enum PolicyMetric : int {
  kMetricReward = 0,
  kMetricClicks,
  kMetricConversions,
  kMetricRevenue,
  kMetricUnsubscribes,
  kMetricEmails,
  kPolicyMetricCount
};
/// "reward", "clicks", "conversions", "revenue", "unsubscribes", "emails".
const char* policy_metric_name(int metric);

/// The metric values of one outcome.
std::array<double, kPolicyMetricCount> decision_metrics(const RewardParams& p,
                                                        const DecisionOutcome& o);

}  // namespace tailor
