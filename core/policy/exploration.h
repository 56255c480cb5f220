// The deployed policy's action distribution from Q-values under a mask (epsilon-greedy or
// softmax with temperature) and sampling from it. Shared by inference, off-policy evaluation of
// the learned policy and the simulator, so the propensity logged is the probability used.
#pragma once

#include <cstdint>
#include <string>

namespace tailor {

/// Parameters of exploration at inference (YAML section `exploration`, configs/policy.yaml).
struct ExplorationParams {
  /// "epsilon_greedy": 1 - epsilon on the best allowed action, epsilon spread uniformly over the
  /// allowed actions; "softmax": p(a) proportional to exp(Q(a) / temperature) over allowed
  /// actions; "greedy": the best allowed action (propensity 1; logs cannot evaluate other
  /// policies then).
  std::string mode = "epsilon_greedy";
  /// Exploration share of epsilon_greedy, in [0, 1].
  double epsilon = 0.05;
  /// Softmax temperature (> 0), in reward units.
  double temperature = 0.05;
};

void check_exploration_params(const ExplorationParams& p);

/// probs[a] for the n_actions actions: 0 for masked actions; sums to 1 (action 0, no email, is
/// always allowed). The best allowed action is the lowest-index maximum of q.
void action_distribution(const ExplorationParams& p, const float* q, const uint8_t* mask,
                         int n_actions, double* probs);

/// Index of the best allowed action (lowest index among equal maxima).
int best_allowed_action(const float* q, const uint8_t* mask, int n_actions);

/// The action whose cumulative probability first exceeds u in [0, 1) (masked actions have
/// probability 0 and are never returned).
int sample_from_distribution(const double* probs, int n_actions, double u);

}  // namespace tailor
