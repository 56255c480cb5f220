// SendPolicy: the checkpoint's spec and online Q-network behind a torch-free interface; batched
// Q-values, masks, the exploration distribution and seeded per-customer draws.
#include "models/send_policy.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <mutex>

#include "core/common/error.h"
#include "core/policy/policy_rng.h"
#include "models/dqn.h"
#include "models/q_network.h"
#include "models/send_policy_checkpoint.h"
#include "models/torch_checkpoint.h"

namespace tailor {

struct SendPolicy::Impl {
  PolicySpec spec;
  SendPolicyMeta meta;
  torch::Device device{torch::kCPU};
  mutable DqnNetworks nets{nullptr};  // forward() is not const in LibTorch
  ExplorationParams exploration;
  // Per-dataset row index, rebuilt when another Dataset (or one of other sizes) comes.
  mutable std::mutex index_mutex;
  mutable const Dataset* indexed = nullptr;
  mutable std::shared_ptr<DatasetCustomerIndex> index;

  void q_values(const float* raw, int64_t n, std::vector<float>* out) const {
    const int64_t D = spec.dim(), A = spec.n_actions();
    out->resize(size_t(n * A));
    torch::NoGradGuard no_grad;
    const int64_t chunk = 32768;
    std::vector<float> scaled;
    for (int64_t i = 0; i < n; i += chunk) {
      const int64_t m = std::min(chunk, n - i);
      scaled.assign(raw + i * D, raw + (i + m) * D);
      scale_states(spec, scaled.data(), m);
      const torch::Tensor x = torch::from_blob(scaled.data(), {m, D}, torch::kFloat32).to(device);
      const torch::Tensor q = nets->online->forward(x).to(torch::kCPU).contiguous();
      std::memcpy(out->data() + i * A, q.data_ptr<float>(), sizeof(float) * size_t(m * A));
    }
  }
};

SendPolicy::SendPolicy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SendPolicy::SendPolicy(SendPolicy&&) noexcept = default;
SendPolicy& SendPolicy::operator=(SendPolicy&&) noexcept = default;
SendPolicy::~SendPolicy() = default;

SendPolicy SendPolicy::load(const std::string& path, const std::string& device) {
  auto impl = std::make_unique<Impl>();
  const Checkpoint ck = read_checkpoint(path, kSendPolicyModelType);
  impl->spec = policy_spec_from_checkpoint(ck);
  impl->meta = send_policy_meta_from_checkpoint(ck);
  TAILOR_CHECK(
      impl->meta.in_dim == impl->spec.dim() && impl->meta.n_actions == impl->spec.n_actions(),
      "checkpoint " << path << ": network shape " << impl->meta.in_dim << " -> "
                    << impl->meta.n_actions << " does not match the spec (" << impl->spec.dim()
                    << " features, " << impl->spec.n_actions() << " actions)");
  impl->device = resolve_torch_device(device);
  impl->nets = DqnNetworks(impl->meta.in_dim, impl->meta.dqn.hidden, impl->meta.n_actions);
  module_from_checkpoint(*impl->nets, ck);
  impl->nets->to(impl->device);
  impl->nets->eval();
  impl->exploration = impl->meta.exploration;
  return SendPolicy(std::move(impl));
}

bool SendPolicy::approved() const { return impl_->meta.approved; }
bool SendPolicy::forced() const { return impl_->meta.forced; }
const std::string& SendPolicy::approval_reason() const { return impl_->meta.approval_reason; }
const std::string& SendPolicy::ope_report_json() const { return impl_->meta.report_json; }
const std::vector<std::string>& SendPolicy::campaign_names() const {
  return impl_->spec.actions.campaign_names();
}
int SendPolicy::n_actions() const { return impl_->spec.n_actions(); }
std::string SendPolicy::action_label(int action) const { return impl_->spec.actions.label(action); }
const PolicySpec& SendPolicy::spec() const { return impl_->spec; }
const ExplorationParams& SendPolicy::exploration() const { return impl_->exploration; }
void SendPolicy::set_exploration(const ExplorationParams& p) {
  check_exploration_params(p);
  impl_->exploration = p;
}

void SendPolicy::q_values(const float* raw_states, int64_t n, std::vector<float>* out) const {
  impl_->q_values(raw_states, n, out);
}

void SendPolicy::action_probabilities(const float* raw_states, const uint8_t* masks, int64_t n,
                                      std::vector<double>* probs) const {
  const int A = n_actions();
  std::vector<float> q;
  impl_->q_values(raw_states, n, &q);
  probs->resize(size_t(n) * A);
  for (int64_t i = 0; i < n; ++i)
    action_distribution(impl_->exploration, &q[size_t(i) * A], masks + size_t(i) * A, A,
                        &(*probs)[size_t(i) * A]);
}

void SendPolicy::decide_states(const float* raw_states, const uint8_t* masks, int64_t n,
                               const uint64_t* keys, uint64_t seed, const int16_t* dataset_campaign,
                               std::vector<SendDecision>* out) const {
  const int A = n_actions();
  const ActionSpace& space = impl_->spec.actions;
  std::vector<float> q;
  impl_->q_values(raw_states, n, &q);
  out->assign(size_t(n), SendDecision());
  std::vector<double> probs(static_cast<size_t>(A));
  for (int64_t i = 0; i < n; ++i) {
    const float* qi = &q[size_t(i) * A];
    const uint8_t* mi = masks + size_t(i) * A;
    action_distribution(impl_->exploration, qi, mi, A, probs.data());
    const double u = policy_uniform(seed, keys[i], 0, PolicyStream::kDecision);
    const int a = sample_from_distribution(probs.data(), A, u);
    SendDecision& d = (*out)[size_t(i)];
    d.action = a;
    d.propensity = static_cast<float>(probs[size_t(a)]);
    const int pc = space.campaign_of(a);
    d.campaign = pc < 0 ? int16_t(-1) : (dataset_campaign ? dataset_campaign[pc] : int16_t(pc));
    d.hour = static_cast<int8_t>(pc < 0 ? -1 : space.hour_of(a));
    d.q_values.resize(size_t(A));
    for (int b = 0; b < A; ++b)
      d.q_values[size_t(b)] = (b == 0 || mi[b]) ? qi[b] : std::numeric_limits<float>::quiet_NaN();
  }
}

std::vector<SendDecision> SendPolicy::decide(const Dataset& ds,
                                             const std::vector<int64_t>& customers, UnixTime now,
                                             uint64_t seed) const {
  std::shared_ptr<DatasetCustomerIndex> index;
  {
    std::lock_guard<std::mutex> lock(impl_->index_mutex);
    if (impl_->indexed != &ds || !impl_->index ||
        impl_->index->n_customers != ds.customers.size() ||
        impl_->index->n_tx != ds.transactions.size() ||
        impl_->index->n_email != ds.email_log.size()) {
      impl_->index = std::make_shared<DatasetCustomerIndex>(index_dataset_by_customer(ds));
      impl_->indexed = &ds;
    }
    index = impl_->index;
  }
  const DecisionInputs in = build_decision_inputs(impl_->spec, ds, *index, customers, now);
  std::vector<uint64_t> keys(customers.begin(), customers.end());
  std::vector<SendDecision> out;
  decide_states(in.states.data(), in.masks.data(), in.n, keys.data(), seed,
                in.dataset_campaign.data(), &out);
  return out;
}

}  // namespace tailor
