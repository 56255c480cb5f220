// The email log as bandit / MDP data for the send policy: per logged decision its state (as of
// the decision's local day), action mask, logged action in the policy's action space, logging
// propensity, outcomes and reward, and the link to the customer's next decision.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/policy/policy_spec.h"

namespace tailor {

struct LoggedDecisions {
  int64_t n = 0;
  int dim = 0, n_actions = 0;
  std::vector<int64_t> log_row;     ///< row in Dataset::email_log
  std::vector<int64_t> customer;    ///< row in Dataset::customers
  std::vector<UnixTime> day_start;  ///< local midnight of the decision day, -1 unknown time
  std::vector<float> states;        ///< (n, dim) raw features
  std::vector<uint8_t> masks;       ///< (n, n_actions) the policy's masks at the decision
  /// Logged action in the policy's action space; -1 when outside it (a campaign the policy does
  /// not choose, or a send hour that is not a slot).
  std::vector<int32_t> action;
  std::vector<float> propensity;  ///< logging probability of the logged action
  std::vector<DecisionOutcome> outcome;
  std::vector<double> reward;
  /// Index (in this table) of the customer's next decision, -1 when none; days to it (>= 1;
  /// 1 when times are unknown); the decision ended the customer's email program (unsubscribe).
  std::vector<int64_t> next;
  std::vector<float> gap_days;
  std::vector<uint8_t> terminal;

  // Counts for the report.
  int64_t outside_action_space = 0;  ///< logged actions not in the action space
  int64_t logged_action_masked = 0;  ///< logged action in the space but masked by the policy

  /// Metric columns (reward, clicks, conversions, revenue, unsubscribes, emails) of `rows`.
  std::vector<std::vector<double>> metric_columns(const RewardParams& p,
                                                  const std::vector<int64_t>& rows) const;
};

/// A logged row that cannot be used, with the reason (written to the rejects file).
struct LoggedReject {
  int64_t log_row;
  std::string reason;
};

/// Builds the decisions of every usable email-log row, grouped by customer in time order.
/// `campaign_eligible`: per email-log row, one byte per policy campaign (empty: every campaign
/// eligible). Rows without a customer, with a propensity that is unknown or outside (0, 1], are
/// rejected (counted in `rejects`, never silently dropped). OpenMP over customers; the result
/// does not depend on the thread count.
LoggedDecisions build_logged_decisions(const Dataset& ds, const PolicySpec& spec,
                                       const std::vector<uint8_t>& campaign_eligible,
                                       std::vector<LoggedReject>* rejects);

/// Writes rejects as CSV (log_row,customer_id,reason) atomically.
void write_logged_rejects(const Dataset& ds, const std::vector<LoggedReject>& rejects,
                          const std::string& path);

/// Seeded split of customers: true = training. Each customer is drawn independently with
/// probability train_share from stream (seed, customer), so the split of a customer does not
/// depend on the others.
std::vector<uint8_t> split_customers(size_t n_customers, double train_share, uint64_t seed);

}  // namespace tailor
