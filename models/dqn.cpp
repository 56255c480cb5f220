// DqnLearner: double DQN with Huber loss, CQL penalty and target updates.
#include "models/dqn.h"

#include <cstring>

#include "core/common/error.h"
#include "models/torch_checkpoint.h"

namespace tailor {

torch::Device resolve_torch_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda") {
    TAILOR_CHECK(torch::cuda::is_available(),
                 "--device cuda: this LibTorch build or machine has no usable CUDA device "
                 "(use --device cpu)");
    return torch::Device(torch::kCUDA, 0);
  }
  TAILOR_FAIL("device must be cpu or cuda, got '" << name << "'");
}

DqnLearner::DqnLearner(int64_t in_dim, int64_t n_actions, const DqnParams& p)
    : p_(p), device_(resolve_torch_device(p.device)), nets_(nullptr) {
  check_dqn_params(p);
  torch::manual_seed(p.seed);
  nets_ = DqnNetworks(in_dim, p.hidden, n_actions);
  nets_->to(device_);
  opt_ = std::make_unique<torch::optim::AdamW>(
      nets_->online->parameters(),
      torch::optim::AdamWOptions(p.learning_rate).weight_decay(p.weight_decay));
}

torch::Tensor cql_penalty(const torch::Tensor& q, const torch::Tensor& mask,
                          const torch::Tensor& actions) {
  const torch::Tensor q_sa = q.gather(1, actions.unsqueeze(1)).squeeze(1);
  return (torch::logsumexp(masked_q(q, mask), 1) - q_sa).mean();
}

namespace {

torch::Tensor cpu_view(const void* data, std::vector<int64_t> shape, torch::Dtype dt) {
  return torch::from_blob(const_cast<void*>(data), shape, torch::TensorOptions().dtype(dt));
}

}  // namespace

torch::Tensor DqnLearner::td_targets(const ReplayBatch& b) {
  const int64_t n = b.n, D = nets_->online->in_dim, A = nets_->online->n_actions;
  const torch::Tensor r = cpu_view(b.rewards.data(), {n}, torch::kFloat32).to(device_);
  bool any_next = false;
  for (float d : b.discounts) any_next |= d > 0.0f;
  if (!any_next) return r.clone();
  torch::NoGradGuard no_grad;
  const torch::Tensor disc = cpu_view(b.discounts.data(), {n}, torch::kFloat32).to(device_);
  const torch::Tensor s2 = cpu_view(b.next_states.data(), {n, D}, torch::kFloat32).to(device_);
  const torch::Tensor m2 =
      cpu_view(b.next_masks.data(), {n, A}, torch::kUInt8).to(device_).to(torch::kBool);
  const torch::Tensor q2_target = nets_->target->forward(s2);
  torch::Tensor next_value;
  if (p_.double_dqn) {  // the online network picks, the target network values
    const torch::Tensor a2 = std::get<1>(masked_max(nets_->online->forward(s2), m2));
    next_value = q2_target.gather(1, a2.unsqueeze(1)).squeeze(1);
  } else {
    next_value = std::get<0>(masked_max(q2_target, m2));
  }
  // Terminal rows (discount 0) may carry a next state that is all masked but no email; their
  // next value is multiplied by 0 either way.
  return r + disc * next_value;
}

DqnStepStats DqnLearner::step(const ReplayBatch& b) {
  const int64_t n = b.n, D = nets_->online->in_dim, A = nets_->online->n_actions;
  TAILOR_CHECK(n > 0, "DQN step: empty batch");
  const torch::Tensor s = cpu_view(b.states.data(), {n, D}, torch::kFloat32).to(device_);
  const torch::Tensor a = cpu_view(b.actions.data(), {n}, torch::kInt64).to(device_);
  const torch::Tensor m =
      cpu_view(b.masks.data(), {n, A}, torch::kUInt8).to(device_).to(torch::kBool);
  const torch::Tensor y = td_targets(b);
  nets_->online->train();
  const torch::Tensor q = nets_->online->forward(s);
  const torch::Tensor q_sa = q.gather(1, a.unsqueeze(1)).squeeze(1);
  const torch::Tensor td = torch::nn::functional::huber_loss(
      q_sa, y,
      torch::nn::functional::HuberLossFuncOptions().reduction(torch::kMean).delta(p_.huber_delta));
  torch::Tensor loss = td;
  torch::Tensor cql = torch::zeros({}, q.options());
  if (p_.cql_alpha > 0.0) {
    cql = cql_penalty(q, m, a);
    loss = loss + p_.cql_alpha * cql;
  }
  opt_->zero_grad();
  loss.backward();
  if (p_.grad_clip_norm > 0.0)
    torch::nn::utils::clip_grad_norm_(nets_->online->parameters(), p_.grad_clip_norm);
  opt_->step();
  ++steps_;
  if (steps_ % p_.target_update_every == 0) update_target();
  DqnStepStats st;
  st.loss = loss.item<double>();
  st.td_loss = td.item<double>();
  st.cql = cql.item<double>();
  st.mean_q = q_sa.mean().item<double>();
  return st;
}

void DqnLearner::update_target() {
  update_target_network(nets_->target, nets_->online, p_.target_tau);
}

void DqnLearner::q_values(const float* states, int64_t n, float* out) {
  const int64_t D = nets_->online->in_dim, A = nets_->online->n_actions;
  torch::NoGradGuard no_grad;
  nets_->online->eval();
  const int64_t chunk = 65536;
  for (int64_t i = 0; i < n; i += chunk) {
    const int64_t m = std::min(chunk, n - i);
    const torch::Tensor x =
        torch::from_blob(const_cast<float*>(states + i * D), {m, D}, torch::kFloat32).to(device_);
    const torch::Tensor q = nets_->online->forward(x).to(torch::kCPU).contiguous();
    std::memcpy(out + i * A, q.data_ptr<float>(), sizeof(float) * size_t(m * A));
  }
}

void DqnLearner::save(Checkpoint* ck) {
  module_to_checkpoint(*nets_, ck);
  adamw_to_checkpoint(*opt_, *nets_, ck);
  ck->tensors["meta/dqn/steps"] = TensorBlob::scalar<int64_t>(steps_);
}

void DqnLearner::load(const Checkpoint& ck) {
  module_from_checkpoint(*nets_, ck);
  adamw_from_checkpoint(*opt_, *nets_, ck);
  check_tensor(ck, "meta/dqn/steps", TensorDType::kInt64, {});
  steps_ = ck.tensor("meta/dqn/steps").values<int64_t>()[0];
}

}  // namespace tailor
