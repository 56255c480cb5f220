// The send policy's Q-network: an MLP from the scaled state to one Q-value per action, and the
// masked max / argmax that every use of its output goes through (masked actions are -inf there).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace tailor {

struct QNetworkImpl : torch::nn::Module {
  /// in_dim -> hidden[0] -> ReLU -> ... -> hidden[-1] -> ReLU -> n_actions.
  QNetworkImpl(int64_t in_dim, const std::vector<int>& hidden, int64_t n_actions);
  /// x: (batch, in_dim) float -> (batch, n_actions).
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_dim, n_actions;
  torch::nn::Sequential layers;
};
TORCH_MODULE(QNetwork);

/// The online and target networks of a DQN learner as one module (checkpoint entries
/// params/online/... and params/target/...).
struct DqnNetworksImpl : torch::nn::Module {
  DqnNetworksImpl(int64_t in_dim, const std::vector<int>& hidden, int64_t n_actions);
  QNetwork online, target;
};
TORCH_MODULE(DqnNetworks);

/// q with masked entries (mask == 0; mask: (batch, n_actions) bool or uint8) set to -inf.
torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask);
/// Max over allowed actions and its argmax (lowest index among ties). Every row must allow at
/// least one action (no email always is).
std::tuple<torch::Tensor, torch::Tensor> masked_max(const torch::Tensor& q,
                                                    const torch::Tensor& mask);

/// target <- tau * online + (1 - tau) * target for every parameter (tau = 1: hard copy).
void update_target_network(QNetwork& target, QNetwork& online, double tau);

}  // namespace tailor
