// Off-policy evaluation: IPS / SNIPS / DM / DR on a case computable by hand, unbiasedness and
// interval coverage on a simulated bandit with a known true value, seeded and thread-count
// independent bootstrap, the ridge reward model and the approval rule.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "core/common/error.h"
#include "core/policy/ope.h"
#include "core/policy/policy_rng.h"
#include "core/policy/reward_model.h"

namespace tailor {
namespace {

OpeParams small_params(int resamples = 200) {
  OpeParams p;
  p.bootstrap_resamples = resamples;
  return p;
}

// Four logged rows, two actions. Target: always action 1.
//   row  a  mu   r   | w = pi(a)/mu
//   0    1  0.5  1   | 2
//   1    0  0.5  0   | 0
//   2    1  0.25 0   | 4
//   3    0  0.75 1   | 0
// IPS = (2*1 + 4*0) / 4 = 0.5; SNIPS = 2 / (2 + 4) = 1/3.
// With q(x, 0) = 0.2, q(x, 1) = 0.6 on every row: DM = 0.6;
// DR = 0.6 + [2 (1 - 0.6) + 0 + 4 (0 - 0.6) + 0] / 4 = 0.6 + (0.8 - 2.4) / 4 = 0.2.
TEST(PolicyOpe, KnownAnswerByHand) {
  OffPolicyEvaluator ev(4, 2, {1, 0, 1, 0}, {0.5f, 0.5f, 0.25f, 0.75f}, {0, 1, 2, 3},
                        small_params());
  std::vector<float> q = {0.2f, 0.6f, 0.2f, 0.6f, 0.2f, 0.6f, 0.2f, 0.6f};
  ev.add_metric("r", {1, 0, 0, 1}, q);
  ev.add_metric("r_no_model", {1, 0, 0, 1}, {});
  const int p1 = ev.add_policy("always 1", {0, 1, 0, 1, 0, 1, 0, 1});
  const int logging_like =
      ev.add_policy("mix", {0.5f, 0.5f, 0.5f, 0.5f, 0.75f, 0.25f, 0.75f, 0.25f});
  ev.run();
  const OpeResult& r = ev.result(p1, 0);
  EXPECT_NEAR(r.ips.value, 0.5, 1e-12);
  EXPECT_NEAR(r.snips.value, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.dm.value, 0.6, 1e-6);
  EXPECT_NEAR(r.dr.value, 0.2, 1e-6);
  EXPECT_NEAR(ev.result(p1, 1).dr.value, 0.5, 1e-12) << "without a model DR is IPS";
  EXPECT_NEAR(ev.on_policy(0).value, 0.5, 1e-12);
  // The logging policy itself: every weight is 1, so IPS = SNIPS = the logged mean.
  EXPECT_NEAR(ev.result(logging_like, 0).ips.value, 0.5, 1e-7);
  EXPECT_NEAR(ev.result(logging_like, 0).snips.value, 0.5, 1e-7);
  EXPECT_NEAR(ev.weights(logging_like).mean, 1.0, 1e-7);
  EXPECT_NEAR(ev.weights(p1).max, 4.0, 1e-7);
  EXPECT_NEAR(ev.weights(p1).ess, 36.0 / 20.0, 1e-9);
  EXPECT_LE(r.ips.lo, r.ips.value);
  EXPECT_GE(r.ips.hi, r.ips.value);
}

TEST(PolicyOpe, BadInputIsAnError) {
  EXPECT_THROW(OffPolicyEvaluator(2, 2, {0, 1}, {0.5f, 0.0f}, {0, 1}, small_params()), Error);
  EXPECT_THROW(OffPolicyEvaluator(2, 2, {0, 2}, {0.5f, 0.5f}, {0, 1}, small_params()), Error);
  OffPolicyEvaluator ev(2, 2, {0, 1}, {0.5f, 0.5f}, {0, 1}, small_params());
  EXPECT_THROW(ev.add_policy("p", {1, 0, 1, 0}), Error) << "metrics first";
  ev.add_metric("r", {0, 1}, {});
  EXPECT_THROW(ev.add_policy("p", {0.5f, 0.6f, 1, 0}), Error) << "row does not sum to 1";
  EXPECT_THROW(ev.add_policy("p", {1, 0}), Error) << "wrong size";
}

// A contextual bandit with known truth: context x ~ U{0..4}; three actions with click
// probability p(x, a); logging pi0 depends on x. The target's true value is
// E_x sum_a pi(a|x) p(x,a). Over many simulated logs, IPS / SNIPS / DR average to it, and the
// 95 % intervals cover it in most logs.
TEST(PolicyOpe, UnbiasedAndCalibratedOnASimulatedBandit) {
  const int K = 5, A = 3;
  auto click = [](int x, int a) {
    return 0.05 + 0.1 * a + 0.04 * x * (a == 2 ? -1 : 1) + 0.2 * (x == 3 && a == 0);
  };
  auto logging = [](int x, int a) {
    const double p[3] = {0.5 - 0.05 * x, 0.3, 0.2 + 0.05 * x};
    return p[a];
  };
  auto target = [](int x, int a) { return a == (x % 3) ? 0.8 : 0.1; };
  double truth = 0.0;
  for (int x = 0; x < K; ++x)
    for (int a = 0; a < A; ++a) truth += target(x, a) * click(x, a) / K;

  const int logs = 120, n = 1500;
  double sum_ips = 0, sum_snips = 0, sum_dr = 0;
  int cover_ips = 0, cover_dr = 0;
  for (int l = 0; l < logs; ++l) {
    SynthRng rng = policy_rng(99, uint64_t(l), PolicyStream::kTest);
    std::vector<int32_t> act(n);
    std::vector<float> mu(n), probs(size_t(n) * A), qhat(size_t(n) * A);
    std::vector<double> r(n);
    std::vector<int64_t> cl(n);
    for (int i = 0; i < n; ++i) {
      const int x = int(rng.below(K));
      const double u = rng.uniform();
      int a = 0;
      for (double acc = logging(x, 0); a < A - 1 && u >= acc; acc += logging(x, ++a)) {
      }
      act[i] = a;
      mu[i] = float(logging(x, a));
      r[i] = rng.bernoulli(click(x, a)) ? 1.0 : 0.0;
      cl[i] = i;
      for (int b = 0; b < A; ++b) {
        probs[size_t(i) * A + b] = float(target(x, b));
        qhat[size_t(i) * A + b] = float(click(x, b) + 0.05);  // a biased model: DR corrects it
      }
    }
    OffPolicyEvaluator ev(n, A, act, mu, cl, small_params(100));
    ev.add_metric("click", r, qhat);
    const int p = ev.add_policy("target", probs);
    ev.run();
    const OpeResult& res = ev.result(p, 0);
    sum_ips += res.ips.value;
    sum_snips += res.snips.value;
    sum_dr += res.dr.value;
    cover_ips += res.ips.lo <= truth && truth <= res.ips.hi;
    cover_dr += res.dr.lo <= truth && truth <= res.dr.hi;
    EXPECT_GT(std::fabs(res.dm.value - truth), 0.03) << "the model is biased by 0.05";
  }
  // Standard error of one IPS estimate here is about 0.012; of the mean over 120 logs ~0.0011.
  EXPECT_NEAR(sum_ips / logs, truth, 0.004) << "truth " << truth;
  EXPECT_NEAR(sum_snips / logs, truth, 0.004);
  EXPECT_NEAR(sum_dr / logs, truth, 0.004);
  EXPECT_GE(cover_ips, int(0.85 * logs)) << cover_ips << " of " << logs;
  EXPECT_GE(cover_dr, int(0.85 * logs)) << cover_dr << " of " << logs;
}

TEST(PolicyOpe, BootstrapIsSeededAndThreadCountIndependent) {
  const int n = 3000, A = 4;
  SynthRng rng = policy_rng(5, 0, PolicyStream::kTest);
  std::vector<int32_t> act(n);
  std::vector<float> mu(n, 0.25f), probs(size_t(n) * A);
  std::vector<double> r(n);
  std::vector<int64_t> cl(n);
  for (int i = 0; i < n; ++i) {
    act[i] = int32_t(rng.below(A));
    r[i] = rng.uniform();
    cl[i] = i / 3;  // three decisions per customer
    for (int b = 0; b < A; ++b) probs[size_t(i) * A + b] = b == 1 ? 0.7f : 0.1f;
  }
  auto run = [&](int threads, uint64_t seed) {
    omp_set_num_threads(threads);
    OpeParams p = small_params(150);
    p.bootstrap_seed = seed;
    OffPolicyEvaluator ev(n, A, act, mu, cl, p);
    ev.add_metric("r", r, {});
    ev.add_policy("t", probs);
    ev.run();
    return ev.result(0, 0).ips;
  };
  const int saved = omp_get_max_threads();
  const OpeEstimate a = run(1, 11), b = run(2, 11), c = run(2, 12);
  omp_set_num_threads(saved);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  EXPECT_EQ(a.value, c.value);
  EXPECT_NE(a.lo, c.lo) << "another seed, other resamples";
}

TEST(PolicyOpe, RidgeRewardModelRecoversALinearFunction) {
  const int n = 4000, d = 3, A = 2;
  SynthRng rng = policy_rng(3, 0, PolicyStream::kTest);
  std::vector<float> x(size_t(n) * d);
  std::vector<int32_t> act(n);
  std::vector<std::vector<double>> y(1, std::vector<double>(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) x[size_t(i) * d + j] = float(rng.normal());
    act[i] = int32_t(i % A);
    const float* xi = &x[size_t(i) * d];
    y[0][size_t(i)] = act[i] == 0 ? 1.0 + 2.0 * xi[0] : -0.5 + 0.5 * xi[1] - xi[2];
  }
  RidgeRewardModel m;
  m.fit(x.data(), n, d, act.data(), A, y, 1e-3);
  const float probe[3] = {0.5f, -1.0f, 2.0f};
  float out[2];
  m.predict(probe, 1, 0, out);
  EXPECT_NEAR(out[0], 2.0, 1e-3);
  EXPECT_NEAR(out[1], -0.5 - 0.5 - 2.0, 1e-3);
}

TEST(PolicyApprovalRule, LowerBoundMustBeatLogging) {
  PolicyApproval a = decide_approval(0.12, 0.10, false);
  EXPECT_TRUE(a.approved);
  EXPECT_FALSE(a.forced);
  a = decide_approval(0.09, 0.10, false);
  EXPECT_FALSE(a.approved);
  EXPECT_NE(a.reason.find("not approved"), std::string::npos);
  a = decide_approval(0.10, 0.10, false);
  EXPECT_FALSE(a.approved) << "equal is not better";
  a = decide_approval(0.09, 0.10, true);
  EXPECT_TRUE(a.approved);
  EXPECT_TRUE(a.forced);
  EXPECT_NE(a.reason.find("--force-approve"), std::string::npos);
  a = decide_approval(0.2, 0.1, true);
  EXPECT_TRUE(a.approved);
  EXPECT_FALSE(a.forced) << "forcing a policy that passes anyway is not recorded as forced";
  EXPECT_FALSE(decide_approval(kNaN, 0.1, false).approved);
}

}  // namespace
}  // namespace tailor
