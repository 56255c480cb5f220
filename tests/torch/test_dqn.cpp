// DQN pieces of the send policy: masked max/argmax, target-network updates (hard and Polyak),
// double-DQN targets and the CQL penalty by hand, learning a small bandit, save/load with
// identical Q-values, exact resume, and a clear error for CUDA without a device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "core/checkpoint/checkpoint.h"
#include "core/common/error.h"
#include "core/policy/policy_rng.h"
#include "core/policy/replay_buffer.h"
#include "models/dqn.h"
#include "models/q_network.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

TEST(PolicyQNetwork, MaskedMaxNeverPicksAMaskedAction) {
  torch::manual_seed(3);
  for (int trial = 0; trial < 50; ++trial) {
    const int64_t n = 1 + trial, A = 2 + trial % 9;
    torch::Tensor q = torch::randn({n, A});
    torch::Tensor mask = torch::rand({n, A}) < 0.4;
    mask.index_put_({torch::indexing::Slice(), 0}, true);  // no email always allowed
    q = torch::where(mask, q, torch::full_like(q, 1e30));  // adversarial: masked entries huge
    const auto [best, arg] = masked_max(q, mask);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t a = arg[i].item<int64_t>();
      ASSERT_TRUE(mask[i][a].item<bool>()) << "trial " << trial << " row " << i;
      EXPECT_FLOAT_EQ(best[i].item<float>(), q[i][a].item<float>());
    }
  }
  // Ties: the lowest index.
  const torch::Tensor q = torch::tensor({{1.0f, 3.0f, 3.0f, 3.0f}});
  const torch::Tensor mask = torch::tensor({{true, false, true, true}});
  EXPECT_EQ(std::get<1>(masked_max(q, mask))[0].item<int64_t>(), 2);
}

TEST(PolicyQNetwork, TargetUpdatesHardAndPolyak) {
  torch::manual_seed(1);
  const std::vector<int> hidden = {4};
  QNetwork online(3, hidden, 2), target(3, hidden, 2);
  update_target_network(target, online, 1.0);
  for (size_t k = 0; k < online->parameters().size(); ++k)
    EXPECT_TRUE(torch::equal(online->parameters()[k], target->parameters()[k]));
  {
    torch::NoGradGuard g;
    for (auto& p : online->parameters()) p.fill_(2.0);
    for (auto& p : target->parameters()) p.fill_(1.0);
  }
  update_target_network(target, online, 0.25);  // 0.25 * 2 + 0.75 * 1
  for (auto& p : target->parameters()) EXPECT_TRUE(torch::allclose(p, torch::full_like(p, 1.25)));
  update_target_network(target, online, 0.25);  // 0.25 * 2 + 0.75 * 1.25
  for (auto& p : target->parameters()) EXPECT_TRUE(torch::allclose(p, torch::full_like(p, 1.4375)));
}

// A linear Q (no hidden layer) with weights set by hand: online picks action 2 in the next state
// (its best allowed one), target values it at 5; target's own max over allowed is 7 (action 1).
TEST(PolicyDqn, DoubleDqnTargetsByHand) {
  DqnParams p;
  p.hidden = {};
  p.gamma = 0.9;
  for (bool dbl : {true, false}) {
    p.double_dqn = dbl;
    DqnLearner learner(1, 4, p);
    {
      torch::NoGradGuard g;
      auto on = learner.networks()->online->parameters();  // weight (4, 1), bias (4)
      auto tg = learner.networks()->target->parameters();
      on[0].zero_();
      on[1].copy_(torch::tensor({0.0f, 1.0f, 4.0f, 9.0f}));
      tg[0].zero_();
      tg[1].copy_(torch::tensor({0.0f, 7.0f, 5.0f, 100.0f}));
    }
    ReplayBatch b;
    b.n = 2;
    b.states = {0.0f, 0.0f};
    b.next_states = {0.0f, 0.0f};
    b.actions = {1, 0};
    b.rewards = {1.0f, 2.0f};
    b.discounts = {0.81f, 0.0f};  // 2 days later; second row terminal
    b.masks = {1, 1, 1, 1, 1, 1, 1, 1};
    b.next_masks = {1, 1, 1, 0, 1, 0, 0, 0};  // action 3 masked in the next state
    const torch::Tensor y = learner.td_targets(b).cpu();
    EXPECT_NEAR(y[0].item<float>(), 1.0f + 0.81f * (dbl ? 5.0f : 7.0f), 1e-5) << "double " << dbl;
    EXPECT_NEAR(y[1].item<float>(), 2.0f, 1e-6);
  }
}

TEST(PolicyDqn, CqlPenaltyByHand) {
  const torch::Tensor q = torch::tensor({{1.0f, 2.0f, 3.0f}, {0.0f, 0.0f, 5.0f}});
  const torch::Tensor mask = torch::tensor({{true, true, false}, {true, true, true}});
  const torch::Tensor a = torch::tensor({int64_t(1), int64_t(0)});
  const double row0 = std::log(std::exp(1.0) + std::exp(2.0)) - 2.0;
  const double row1 = std::log(2.0 + std::exp(5.0)) - 0.0;
  EXPECT_NEAR(cql_penalty(q, mask, a).item<double>(), (row0 + row1) / 2, 1e-5);
}

// Contextual bandit: x in {e0, e1, e2} (one-hot), best action = the index of the hot feature,
// rewards noisy; after training the greedy action is right for every context.
TEST(PolicyDqn, LearnsASmallBandit) {
  DqnParams p;
  p.hidden = {16};
  p.learning_rate = 0.01;
  p.cql_alpha = 0.0;
  ReplayBuffer buf(3000, 3, 4);
  SynthRng rng = policy_rng(5, 0, PolicyStream::kTest);
  const uint8_t mask[4] = {1, 1, 1, 1};
  for (int i = 0; i < 3000; ++i) {
    const int x = int(rng.below(3));
    const int a = int(rng.below(4));
    float s[3] = {0, 0, 0};
    s[x] = 1;
    const float r = (a == x + 1 ? 1.0f : 0.2f) + float(rng.normal(0, 0.3));
    buf.push(s, mask, a, r, 0.0f, nullptr, nullptr);
  }
  DqnLearner learner(3, 4, p);
  ReplayBatch b;
  std::vector<int64_t> idx;
  for (int t = 0; t < 600; ++t) {
    SynthRng r2 = policy_rng(6, uint64_t(t), PolicyStream::kBatches);
    buf.sample_indices(64, r2, &idx);
    buf.gather(idx, &b);
    learner.step(b);
  }
  const float states[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  float q[12];
  learner.q_values(states, 3, q);
  for (int x = 0; x < 3; ++x) {
    int best = 0;
    for (int a = 1; a < 4; ++a)
      if (q[x * 4 + a] > q[x * 4 + best]) best = a;
    EXPECT_EQ(best, x + 1) << "context " << x;
    EXPECT_NEAR(q[x * 4 + x + 1], 1.0, 0.15);
  }
}

ReplayBuffer random_buffer(int dim, int A, int n, uint64_t seed) {
  ReplayBuffer buf(n, dim, A);
  SynthRng rng = policy_rng(seed, 0, PolicyStream::kTest);
  std::vector<float> s(static_cast<size_t>(dim)), s2(static_cast<size_t>(dim));
  std::vector<uint8_t> m(static_cast<size_t>(A), 1), m2(static_cast<size_t>(A), 1);
  for (int i = 0; i < n; ++i) {
    for (auto& v : s) v = float(rng.normal());
    for (auto& v : s2) v = float(rng.normal());
    for (int a = 1; a < A; ++a) m2[size_t(a)] = rng.bernoulli(0.5);
    buf.push(s.data(), m.data(), int64_t(rng.below(A)), float(rng.uniform()), 0.9f, s2.data(),
             m2.data());
  }
  return buf;
}

void train_steps(DqnLearner& l, const ReplayBuffer& buf, int steps) {
  ReplayBatch b;
  std::vector<int64_t> idx;
  for (int t = 0; t < steps; ++t) {
    SynthRng rng = policy_rng(11, uint64_t(l.steps()), PolicyStream::kBatches);
    buf.sample_indices(32, rng, &idx);
    buf.gather(idx, &b);
    l.step(b);
  }
}

TEST(PolicyDqn, SaveLoadGivesIdenticalQValuesAndExactResume) {
  DqnParams p;
  p.hidden = {8, 8};
  p.gamma = 0.9;
  p.cql_alpha = 0.1;
  const ReplayBuffer buf = random_buffer(5, 6, 400, 2);
  const fs::path path =
      fs::temp_directory_path() / ("tailor_dqn_" + std::to_string(::getpid()) + ".h5");

  DqnLearner a(5, 6, p);
  train_steps(a, buf, 40);
  Checkpoint ck;
  ck.model_type = "dqn_test";
  a.save(&ck);
  write_checkpoint(ck, path.string());
  const Checkpoint back = read_checkpoint(path.string(), "dqn_test");
  fs::remove(path);

  DqnParams other = p;
  other.seed = 999;  // different initialisation: everything must come from the checkpoint
  DqnLearner b(5, 6, other);
  b.load(back);
  EXPECT_EQ(b.steps(), 40);
  ReplayBatch probe;
  buf.gather({0, 1, 2, 3, 4, 5, 6, 7}, &probe);
  std::vector<float> qa(8 * 6), qb(8 * 6);
  a.q_values(probe.states.data(), 8, qa.data());
  b.q_values(probe.states.data(), 8, qb.data());
  EXPECT_EQ(qa, qb) << "identical Q-values after save/load";

  // Resume: 40 + 40 steps from the checkpoint equal 80 uninterrupted steps, bit for bit.
  train_steps(a, buf, 40);
  train_steps(b, buf, 40);
  a.q_values(probe.states.data(), 8, qa.data());
  b.q_values(probe.states.data(), 8, qb.data());
  EXPECT_EQ(qa, qb) << "resumed training diverged";
}

TEST(PolicyDqn, CudaWithoutADeviceIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present";
  DqnParams p;
  p.device = "cuda";
  try {
    DqnLearner l(3, 2, p);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable CUDA device"), std::string::npos) << e.what();
  }
}

TEST(PolicyDqn, RunsOnCudaWhenPresent) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  DqnParams p;
  p.hidden = {8};
  const ReplayBuffer buf = random_buffer(5, 6, 200, 3);
  DqnParams gpu = p;
  gpu.device = "cuda";
  DqnLearner c(5, 6, p), g(5, 6, gpu);
  train_steps(c, buf, 20);
  train_steps(g, buf, 20);
  ReplayBatch probe;
  buf.gather({0, 1, 2, 3}, &probe);
  std::vector<float> qc(24), qg(24);
  c.q_values(probe.states.data(), 4, qc.data());
  g.q_values(probe.states.data(), 4, qg.data());
  for (size_t i = 0; i < qc.size(); ++i) EXPECT_NEAR(qc[i], qg[i], 1e-3 + 1e-3 * std::fabs(qc[i]));
}

}  // namespace
}  // namespace tailor
