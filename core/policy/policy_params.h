// Parameters of `tailor-train policy` as a whole and the ParamSet bindings of every send-policy
// component (sections of configs/policy.yaml), plus YAML round trips for checkpoints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/param_set.h"
#include "core/policy/action_mask.h"
#include "core/policy/action_space.h"
#include "core/policy/dqn_params.h"
#include "core/policy/exploration.h"
#include "core/policy/ope.h"
#include "core/policy/reward.h"
#include "core/policy/state_features.h"
#include "core/policy/synth_simulator.h"

namespace tailor {

/// The training run (YAML section `policy`).
struct PolicyParams {
  /// Share of customers (seeded split) whose decisions train; the rest evaluate.
  double train_share = 0.7;
  /// Seed of the customer split.
  uint64_t split_seed = 42;
  /// Share of the training customers held out for model selection: every `select_every` learner
  /// steps the deployed policy's DR value on them is computed and the best networks are kept.
  /// 0 = no selection (the last networks).
  double validation_share = 0.2;
  /// Learner steps between model-selection evaluations.
  int select_every = 250;
  /// Model selection maximises the validation DR value minus this many standard errors (over
  /// customers): > 0 prefers networks whose gain the logs can certify, like the approval rule
  /// does; 0 = the plain DR value.
  double selection_pessimism = 1.96;
  /// Synthetic shop only: simulate the evaluation customers' year with the learned policy, the
  /// logging policy and "everyone at baseline_send_hour" for the true values.
  bool simulate = true;
  /// Seeds of the simulated years (one run per seed and policy).
  std::vector<uint64_t> simulation_seeds = {1001};
  /// Local hour of the "send to everyone" baseline (highest-priority eligible campaign).
  int baseline_send_hour = 10;
};

void check_policy_params(const PolicyParams& p);

void add_policy_params(ParamSet& ps, PolicyParams& p);
void add_action_space_params(ParamSet& ps, ActionSpaceParams& p);
void add_mask_params(ParamSet& ps, MaskParams& p);
void add_reward_params(ParamSet& ps, RewardParams& p);
void add_state_feature_params(ParamSet& ps, StateFeatureParams& p);
void add_exploration_params(ParamSet& ps, ExplorationParams& p);
void add_dqn_params(ParamSet& ps, DqnParams& p);
void add_ope_params(ParamSet& ps, OpeParams& p);
void add_simulator_params(ParamSet& ps, SimulatorParams& p);

/// A parameter struct as a YAML map (via its binder) and back; `what` names the source in errors.
template <class T>
std::string params_to_yaml(void (*bind)(ParamSet&, T&), const T& p) {
  T copy = p;
  CLI::App app;
  ParamSet ps(&app, "");
  bind(ps, copy);
  YAML::Emitter out;
  out << ps.to_yaml();
  return out.c_str();
}
template <class T>
T params_from_yaml(void (*bind)(ParamSet&, T&), const std::string& yaml, const std::string& what) {
  T p;
  CLI::App app;
  ParamSet ps(&app, "");
  bind(ps, p);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    TAILOR_FAIL(what << ": not valid YAML: " << e.what());
  }
  ps.apply_yaml(root, what);
  return p;
}

}  // namespace tailor
