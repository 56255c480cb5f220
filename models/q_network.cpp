// QNetwork MLP, masked max / argmax and target-network updates.
#include "models/q_network.h"

#include <limits>

#include "core/common/error.h"

namespace tailor {

QNetworkImpl::QNetworkImpl(int64_t in_dim_, const std::vector<int>& hidden, int64_t n_actions_)
    : in_dim(in_dim_), n_actions(n_actions_) {
  TAILOR_CHECK(in_dim >= 1 && n_actions >= 1, "Q-network: in_dim and n_actions must be >= 1");
  int64_t width = in_dim;
  for (int h : hidden) {
    TAILOR_CHECK(h >= 1, "Q-network: hidden width " << h << " must be >= 1");
    layers->push_back(torch::nn::Linear(width, h));
    layers->push_back(torch::nn::ReLU());
    width = h;
  }
  layers->push_back(torch::nn::Linear(width, n_actions));
  register_module("layers", layers);
}

torch::Tensor QNetworkImpl::forward(const torch::Tensor& x) { return layers->forward(x); }

DqnNetworksImpl::DqnNetworksImpl(int64_t in_dim, const std::vector<int>& hidden, int64_t n_actions)
    : online(in_dim, hidden, n_actions), target(in_dim, hidden, n_actions) {
  register_module("online", online);
  register_module("target", target);
  update_target_network(target, online, 1.0);
  for (auto& p : target->parameters()) p.set_requires_grad(false);
}

torch::Tensor masked_q(const torch::Tensor& q, const torch::Tensor& mask) {
  return q.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
}

std::tuple<torch::Tensor, torch::Tensor> masked_max(const torch::Tensor& q,
                                                    const torch::Tensor& mask) {
  // torch::max's index among ties is unspecified across versions and devices: take the lowest
  // index whose value equals the max.
  const torch::Tensor m = masked_q(q, mask);
  const torch::Tensor best = std::get<0>(m.max(1, /*keepdim=*/true));
  const int64_t A = q.size(1);
  const torch::Tensor idx =
      torch::arange(A, q.options().dtype(torch::kLong)).unsqueeze(0).expand_as(m);
  const torch::Tensor cand = torch::where(m == best, idx, torch::full_like(idx, A));
  const torch::Tensor arg = std::get<0>(cand.min(1));
  return {best.squeeze(1), arg};
}

void update_target_network(QNetwork& target, QNetwork& online, double tau) {
  torch::NoGradGuard no_grad;
  auto t = target->parameters();
  auto o = online->parameters();
  TAILOR_CHECK(t.size() == o.size(), "target network: parameter lists differ");
  for (size_t i = 0; i < t.size(); ++i) {
    if (tau >= 1.0) {
      t[i].copy_(o[i]);
    } else {
      t[i].mul_(1.0 - tau).add_(o[i], tau);
    }
  }
}

}  // namespace tailor
