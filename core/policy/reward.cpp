// The reward and the reported metrics of one decision.
#include "core/policy/reward.h"

#include <cmath>

#include "core/common/error.h"

namespace tailor {

void check_reward_params(const RewardParams& p) {
  for (double v : {p.click_weight, p.conversion_weight, p.revenue_weight, p.open_weight,
                   p.cost_per_email, p.unsubscribe_penalty})
    TAILOR_CHECK(std::isfinite(v), "reward: every weight must be finite");
  TAILOR_CHECK(p.cost_per_email >= 0,
               "reward.cost_per_email must be >= 0, got " << p.cost_per_email);
  TAILOR_CHECK(p.unsubscribe_penalty >= 0,
               "reward.unsubscribe_penalty must be >= 0, got " << p.unsubscribe_penalty);
}

double decision_reward(const RewardParams& p, const DecisionOutcome& o) {
  return p.click_weight * o.clicked + p.conversion_weight * o.converted +
         p.revenue_weight * o.revenue + p.open_weight * o.opened - p.cost_per_email * o.sent -
         p.unsubscribe_penalty * o.unsubscribed;
}

const char* policy_metric_name(int metric) {
  static const char* const kNames[kPolicyMetricCount] = {"reward",  "clicks",       "conversions",
                                                         "revenue", "unsubscribes", "emails"};
  return metric >= 0 && metric < kPolicyMetricCount ? kNames[metric] : "?";
}

std::array<double, kPolicyMetricCount> decision_metrics(const RewardParams& p,
                                                        const DecisionOutcome& o) {
  return {decision_reward(p, o), o.clicked, o.converted, o.revenue, o.unsubscribed, o.sent};
}

}  // namespace tailor
