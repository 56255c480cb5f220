// Epsilon-greedy / softmax / greedy action distributions over the allowed actions.
#include "core/policy/exploration.h"

#include <cmath>

#include "core/common/error.h"

namespace tailor {

void check_exploration_params(const ExplorationParams& p) {
  TAILOR_CHECK(
      p.mode == "epsilon_greedy" || p.mode == "softmax" || p.mode == "greedy",
      "exploration.mode must be epsilon_greedy, softmax or greedy, got '" << p.mode << "'");
  TAILOR_CHECK(p.epsilon >= 0.0 && p.epsilon <= 1.0,
               "exploration.epsilon must be in [0, 1], got " << p.epsilon);
  TAILOR_CHECK(p.temperature > 0.0 && std::isfinite(p.temperature),
               "exploration.temperature must be > 0, got " << p.temperature);
}

int best_allowed_action(const float* q, const uint8_t* mask, int n_actions) {
  int best = 0;  // no email is always allowed
  for (int a = 1; a < n_actions; ++a)
    if (mask[a] && q[a] > q[best]) best = a;
  return best;
}

void action_distribution(const ExplorationParams& p, const float* q, const uint8_t* mask,
                         int n_actions, double* probs) {
  int allowed = 0;
  for (int a = 0; a < n_actions; ++a) allowed += (a == 0 || mask[a]) ? 1 : 0;
  if (p.mode == "softmax") {
    double mx = q[0];
    for (int a = 1; a < n_actions; ++a)
      if (mask[a]) mx = std::max(mx, double(q[a]));
    double z = 0.0;
    for (int a = 0; a < n_actions; ++a) {
      probs[a] = (a == 0 || mask[a]) ? std::exp((double(q[a]) - mx) / p.temperature) : 0.0;
      z += probs[a];
    }
    for (int a = 0; a < n_actions; ++a) probs[a] /= z;
    return;
  }
  const double eps = p.mode == "greedy" ? 0.0 : p.epsilon;
  const int best = best_allowed_action(q, mask, n_actions);
  for (int a = 0; a < n_actions; ++a) probs[a] = (a == 0 || mask[a]) ? eps / allowed : 0.0;
  probs[best] += 1.0 - eps;
}

int sample_from_distribution(const double* probs, int n_actions, double u) {
  double acc = 0.0;
  int last = 0;
  for (int a = 0; a < n_actions; ++a) {
    if (probs[a] <= 0.0) continue;
    acc += probs[a];
    last = a;
    if (u < acc) return a;
  }
  return last;  // rounding: the last action with probability
}

}  // namespace tailor
