// The DQN learner of the send policy: online and target Q-networks, AdamW, double-DQN targets
// with the per-day discount, Huber TD loss, the conservative (CQL) penalty against actions the
// logs do not support, hard or Polyak target updates; checkpointable for resume.
#pragma once

#include <torch/torch.h>

#include <string>

#include "core/checkpoint/checkpoint.h"
#include "core/policy/dqn_params.h"
#include "core/policy/replay_buffer.h"
#include "models/q_network.h"

namespace tailor {

/// The conservative penalty per batch: mean over rows of logsumexp over allowed actions of q
/// minus q at the logged action. q: (n, A), mask: (n, A) bool, actions: (n) long.
torch::Tensor cql_penalty(const torch::Tensor& q, const torch::Tensor& mask,
                          const torch::Tensor& actions);

/// "cpu" or "cuda"; asking for CUDA without a usable device is a tailor::Error saying so.
torch::Device resolve_torch_device(const std::string& name);

struct DqnStepStats {
  double loss = 0, td_loss = 0, cql = 0, mean_q = 0;
};

class DqnLearner {
 public:
  DqnLearner(int64_t in_dim, int64_t n_actions, const DqnParams& p);

  /// One learner step on a batch of transitions (states already scaled): TD target
  /// y = r + discount * Q_target(s', a*) with a* = argmax over allowed a' of Q_online(s', a')
  /// (double DQN; Q_target itself without it), Huber loss of Q_online(s, a) against y, plus
  /// cql_alpha * mean(logsumexp over allowed a of Q_online(s, a) - Q_online(s, a_logged)).
  DqnStepStats step(const ReplayBatch& b);

  /// The TD targets y of a batch (no gradient), as step() uses them: (n) on the device.
  torch::Tensor td_targets(const ReplayBatch& b);

  /// Q-values of the online network for n scaled states: out (n, n_actions) on the CPU.
  void q_values(const float* states, int64_t n, float* out);

  int64_t steps() const { return steps_; }
  const DqnParams& params() const { return p_; }
  DqnNetworks& networks() { return nets_; }
  torch::optim::AdamW& optimizer() { return *opt_; }
  torch::Device device() const { return device_; }

  /// Networks (params/online, params/target), AdamW state and the step count.
  void save(Checkpoint* ck);
  /// Restores what save wrote (same shapes); training continues where it stopped.
  void load(const Checkpoint& ck);

 private:
  void update_target();

  DqnParams p_;
  torch::Device device_;
  DqnNetworks nets_;
  std::unique_ptr<torch::optim::AdamW> opt_;
  int64_t steps_ = 0;
};

}  // namespace tailor
