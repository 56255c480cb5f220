// Simulator of the synthetic shop for the send policy: steps a set of customers through the
// shop's year day by day with the shop's own process and true response model
// (SynthCustomerProcess, core/data/synth_model.h), asking a policy for each day's decisions in
// one batch. Gives any policy's true value for a seed, and the experience of online training.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/policy/policy_spec.h"
#include "core/policy/reward.h"

namespace tailor {

/// Parameters of the simulator (YAML section `simulator`, configs/policy.yaml).
struct SimulatorParams {
  /// Simulated days from the shop's start_date, at most the shop's `days` (0: all of them).
  int days = 0;
  /// OpenMP threads (0: default). Does not change the result.
  int threads = 0;
};

/// One simulated day's decisions as a policy sees them (rows = customers with a decision due:
/// emailable, not unsubscribed, some campaign eligible by the shop's rules).
struct SimDecisionBatch {
  int day = 0;
  int64_t n = 0;
  const int64_t* customers = nullptr;  ///< shop customer index
  const float* states = nullptr;       ///< (n, dim) raw features of the spec's layout
  const uint8_t* masks = nullptr;      ///< (n, n_actions) the spec's masks
  const SynthCustomerState* shop_states = nullptr;
  const uint32_t* eligible = nullptr;  ///< shop rules: mask of SynthCampaigns
};

/// A policy's choice for one decision.
struct SimChoice {
  int campaign = -1;        ///< SynthCampaign, -1 = no email
  int hour = -1;            ///< local send hour (0..23) when sending
  float propensity = 1.0f;  ///< probability the policy gave this choice
  int32_t action = 0;       ///< the choice in the spec's action space, -1 when outside it
};

/// Fills choices[i] for every row of the batch.
using SimPolicy = std::function<void(const SimDecisionBatch&, SimChoice* choices)>;

/// What each decision of a day led to (realized outcomes drawn from the true model).
struct SimFeedback {
  const SimChoice* choices = nullptr;
  const double* reward = nullptr;           ///< realized reward (spec's RewardParams)
  const double* expected_reward = nullptr;  ///< expected reward under the true model
  const uint8_t* unsubscribed = nullptr;    ///< the decision ended the customer's program
};
using SimObserver = std::function<void(const SimDecisionBatch&, const SimFeedback&)>;

/// Totals of one simulated run.
struct SimulationTotals {
  int64_t customers = 0, decisions = 0, sends = 0;
  /// Choices that map to an action the spec's mask forbids (a learned policy must have none).
  int64_t mask_violations = 0;
  /// Choices outside the action space (the logging policy's other hours).
  int64_t outside_action_space = 0;
  DecisionOutcome expected, realized;  ///< sums over decisions
  double expected_reward = 0, realized_reward = 0;

  /// Per customer over the simulated days (expected values: lower variance, same mean).
  double per_customer(int metric) const;
};

class SynthShopSimulator {
 public:
  /// `spec` gives the state layout, masks and reward; its campaigns must be the shop's.
  SynthShopSimulator(const SynthParams& shop, const PolicySpec& spec, const SimulatorParams& p);

  /// Simulates `customers` (shop indices) with history streams from `seed`; `policy` decides.
  /// Without a policy, the shop's logging policy decides, drawing from each customer's stream as
  /// the generator does: with seed = the shop's seed this reproduces the logged history exactly.
  SimulationTotals run(const std::vector<int64_t>& customers, uint64_t seed,
                       const SimPolicy& policy = {}, const SimObserver& observer = {}) const;

  const SynthParams& shop() const { return shop_; }
  const SynthCatalog& catalog() const { return catalog_; }
  int days() const { return days_; }

 private:
  SynthParams shop_;
  PolicySpec spec_;
  SimulatorParams params_;
  SynthCatalog catalog_;
  int days_ = 0;
};

/// "Send to everyone at `hour`": the highest-priority eligible campaign (the shop's rule order)
/// at that local hour whenever the masks allow it, else no email. Deterministic (propensity 1).
SimPolicy sim_policy_send_everyone(const PolicySpec& spec, int hour);

/// A policy from per-row action probabilities over the spec's action space: `probabilities`
/// fills (n, n_actions) for a batch; the action is drawn with uniforms of stream
/// (seed, customer, day).
SimPolicy sim_policy_from_distribution(
    const PolicySpec& spec, uint64_t seed,
    std::function<void(const SimDecisionBatch&, std::vector<double>* probs)> probabilities);

}  // namespace tailor
