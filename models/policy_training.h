// `tailor-train policy` end to end, callable from tests: split customers, build the logged
// decisions, train the DQN offline (and online in the synthetic shop's simulator), evaluate the
// learned policy against the logging, uniform and constant policies off-policy (and with true
// values on synthetic-shop data), decide approval and write the "send_policy" checkpoint.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/policy/ope.h"
#include "core/policy/policy_params.h"
#include "core/policy/reward.h"
#include "core/policy/synth_simulator.h"

namespace tailor {

/// Everything `tailor-train policy` is configured with (configs/policy.yaml).
struct PolicyTrainConfig {
  PolicyParams policy;
  ActionSpaceParams actions;
  MaskParams masks;
  RewardParams reward;
  StateFeatureParams features;
  ExplorationParams exploration;
  DqnParams dqn;
  OpeParams ope;
  SimulatorParams simulator;
  /// Approve even when the DR lower bound does not beat the logging policy (said in the output
  /// and stored in the checkpoint).
  bool force_approve = false;
  /// Continue from this checkpoint (its spec, networks and AdamW state); "" = from scratch.
  std::string resume;
  /// The full effective config as YAML (stored in the checkpoint).
  std::string config_yaml;
};

/// One evaluated policy.
struct PolicyValueRow {
  std::string name;
  std::string kind;       ///< learned, logging, uniform, constant, baseline
  double email_rate = 0;  ///< exact: mean over evaluation decisions of P(send)
  OpeWeights weights;
  std::array<OpeResult, kPolicyMetricCount> estimates;
  /// Synthetic shop: the true expected value per decision on the evaluation decisions' states
  /// (NaN elsewhere).
  std::array<double, kPolicyMetricCount> truth;
};

/// One simulated year of one policy (synthetic shop).
struct SimulatedValue {
  std::string policy;
  uint64_t seed = 0;
  SimulationTotals totals;
};

struct PolicyTrainReport {
  std::string dataset_kind;  ///< "synth" or "logged"
  int64_t log_rows = 0, rejected_rows = 0, outside_action_space = 0, logged_action_masked = 0;
  int64_t train_customers = 0, eval_customers = 0, train_decisions = 0, eval_decisions = 0;
  int64_t train_transitions = 0;  ///< offline transitions (logged action in the space, allowed)
  int64_t offline_steps = 0, online_steps = 0, total_steps = 0;
  int64_t validation_decisions = 0;
  /// Model selection: the learner step whose networks were kept and their validation DR value
  /// (-1 / NaN without selection).
  int64_t selected_step = -1;
  double selected_value = std::numeric_limits<double>::quiet_NaN();
  double final_loss = 0;
  std::vector<std::string> action_labels;
  /// The logging policy's on-policy value per metric on the evaluation decisions.
  std::array<OpeEstimate, kPolicyMetricCount> logging;
  std::array<double, kPolicyMetricCount> logging_truth;
  std::vector<PolicyValueRow> policies;  ///< learned first
  std::vector<SimulatedValue> simulated;
  /// Evaluation decisions where some email was allowed and the learned (greedy) policy sends
  /// none, as a share of those decisions.
  double learned_stop_share = 0;
  int64_t decisions_with_send_allowed = 0;
  PolicyApproval approval;

  std::string to_json() const;
  /// Tables for a terminal (no personal data: only counts and values).
  std::string to_text() const;
};

/// Binds every section of `cfg` (policy, action_space, masks, reward, state_features,
/// exploration, dqn, ope, simulator) to `app`'s options and YAML keys; appends the ParamSets.
void bind_policy_train_config(CLI::App* app, PolicyTrainConfig* cfg,
                              std::vector<std::unique_ptr<ParamSet>>* params);

/// The config of a YAML file over the struct defaults (what `--config FILE` does).
PolicyTrainConfig load_policy_train_config(const std::string& yaml_path);

/// Runs the whole training; writes the checkpoint to `output` (atomically) and the rejected log
/// rows to `output + ".rejects.csv"`.
PolicyTrainReport train_send_policy(const Dataset& ds, const PolicyTrainConfig& cfg,
                                    const std::string& output);

}  // namespace tailor
