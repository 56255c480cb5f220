// Parameters of the DQN learner of the send policy (models/dqn.h); torch-free so that configs,
// the CLI and checkpoints can bind them without LibTorch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

/// YAML section `dqn` (configs/policy.yaml).
struct DqnParams {
  /// Hidden layer widths of the Q-network MLP (ReLU between layers); empty = linear Q.
  std::vector<int> hidden = {128, 128};
  /// Discount per day: a transition to the customer's next decision g days later is discounted by
  /// gamma^g. 0 = contextual bandit (how the one-decision Hillstrom data is used).
  double gamma = 0.0;
  /// AdamW learning rate.
  double learning_rate = 1e-3;
  /// AdamW weight decay.
  double weight_decay = 1e-4;
  /// Transitions per learner step.
  int batch_size = 256;
  /// Learner steps on the logged decisions (offline, with the conservative penalty).
  int offline_steps = 3000;
  /// Weight of the conservative (CQL) penalty: mean over the batch of
  /// logsumexp_{allowed a} Q(s, a) - Q(s, a_logged); 0 = plain DQN.
  double cql_alpha = 0.1;
  /// Huber loss threshold (delta) on the TD error.
  double huber_delta = 1.0;
  /// Polyak rate of the target network per update (1 = hard copy).
  double target_tau = 0.01;
  /// Learner steps between target updates (with target_tau = 1: the hard-update period).
  int target_update_every = 1;
  /// Double DQN: the online network picks the next action, the target network values it.
  bool double_dqn = true;
  /// Gradient-norm clip (0 = none).
  double grad_clip_norm = 10.0;
  /// Online training: passes over the simulated year of the training customers (synthetic shop
  /// only); 0 = offline only.
  int online_epochs = 0;
  /// Online training: learner steps per simulated day.
  int online_updates_per_day = 4;
  /// Online training: replay buffer capacity (transitions; the oldest are overwritten).
  int64_t replay_capacity = 200000;
  /// Online behaviour policy: epsilon decays linearly from epsilon_start to epsilon_end over
  /// epsilon_decay_steps learner steps (epsilon-greedy over the allowed actions).
  double epsilon_start = 0.5;
  double epsilon_end = 0.05;
  int epsilon_decay_steps = 2000;
  /// Seed of the network initialisation, batch sampling and online exploration.
  uint64_t seed = 42;
  /// Where the learner runs: "cpu" or "cuda".
  std::string device = "cpu";
};

/// Checks every field; throws tailor::Error naming the bad one.
void check_dqn_params(const DqnParams& p);

/// Linear epsilon schedule of the online behaviour policy at learner step `step`.
double epsilon_at(const DqnParams& p, int64_t step);

}  // namespace tailor
