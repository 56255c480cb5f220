// Send-policy action space, hard masks and exploration: masks are never violated over random and
// adversarial states, and no distribution or sample ever puts mass on a masked action.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/common/error.h"
#include "core/policy/action_mask.h"
#include "core/policy/action_space.h"
#include "core/policy/exploration.h"

namespace tailor {
namespace {

TEST(PolicyActionSpace, IndexRoundTrip) {
  const ActionSpace s({"a", "b", "c"}, {8, 10, 20});
  ASSERT_EQ(s.size(), 1 + 3 * 3);
  EXPECT_EQ(s.action_of(-1, -1), 0);
  EXPECT_EQ(s.label(0), "none");
  for (int a = 1; a < s.size(); ++a) {
    EXPECT_EQ(s.action_of(s.campaign_of(a), s.hour_of(a)), a) << s.label(a);
  }
  EXPECT_EQ(s.label(s.action_of(1, 10)), "b 10h");
  EXPECT_EQ(s.action_of(1, 9), -1) << "9 is not a send hour";
  EXPECT_EQ(s.action_of(3, 10), -1) << "no campaign 3";
  const ActionSpace no_hours({"mens", "womens"}, {});
  EXPECT_EQ(no_hours.size(), 3);
  EXPECT_EQ(no_hours.hour_of(1), -1);
  EXPECT_EQ(no_hours.action_of(1, -1), 2);
  EXPECT_EQ(no_hours.action_of(1, 13), 2) << "without an hour choice any logged hour maps";
  EXPECT_THROW(ActionSpace({"a"}, {10, 8}), Error);
  EXPECT_THROW(ActionSpace({"a"}, {24}), Error);
  EXPECT_THROW(ActionSpace({"a", "a"}, {}), Error);
  ActionSpaceParams p;
  p.campaigns = {"x"};
  EXPECT_THROW(ActionSpace::from_params(p, {"a", "b"}), Error);
}

// Masks of random inputs, with adversarial corners (no consent but eligible, cap 0, every send
// hour quiet, nothing eligible), checked rule by rule.
TEST(PolicyMasks, NeverViolatedOverRandomStates) {
  const uint64_t seed = 20240501;
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const int C = 1 + int(rng() % 6);
    std::vector<int> hours;
    for (int h = 0; h < 24; ++h)
      if (rng() % 4 == 0) hours.push_back(h);
    std::vector<std::string> names;
    for (int c = 0; c < C; ++c) names.push_back("c" + std::to_string(c));
    const ActionSpace space(names, hours);
    MaskParams mp;
    mp.frequency_cap = int(rng() % 5) - 1;  // -1 (no cap) .. 3, 0 = never send
    mp.frequency_window_days = 1 + int(rng() % 10);
    mp.quiet_hours.clear();
    const bool all_quiet = trial % 17 == 0;
    for (int h = 0; h < 24; ++h)
      if (all_quiet || rng() % 3 == 0) mp.quiet_hours.push_back(h);
    const ActionMasker masker(space, mp);
    for (int k = 0; k < 40; ++k) {
      MaskInputs in;
      in.consent = rng() % 5 != 0;
      in.unsubscribed = rng() % 6 == 0;
      in.suppressed = rng() % 7 == 0;
      in.sends_in_window = int(rng() % 5);
      std::vector<uint8_t> eligible(static_cast<size_t>(C));
      for (auto& e : eligible) e = rng() % 2;
      in.campaign_eligible = rng() % 4 == 0 ? nullptr : eligible.data();
      std::vector<uint8_t> mask(size_t(space.size()));
      masker.fill(in, mask.data());
      const std::string where = "seed " + std::to_string(seed) + " trial " + std::to_string(trial) +
                                " k " + std::to_string(k);
      ASSERT_EQ(mask[0], 1) << where << ": no email is always allowed";
      const bool blocked = !in.consent || in.unsubscribed || in.suppressed ||
                           (mp.frequency_cap >= 0 && in.sends_in_window >= mp.frequency_cap);
      for (int a = 1; a < space.size(); ++a) {
        const int c = space.campaign_of(a), h = space.hour_of(a);
        const bool quiet =
            space.has_hours() &&
            std::find(mp.quiet_hours.begin(), mp.quiet_hours.end(), h) != mp.quiet_hours.end();
        const bool ineligible = in.campaign_eligible && !in.campaign_eligible[c];
        const bool expected = !blocked && !quiet && !ineligible;
        ASSERT_EQ(mask[a] != 0, expected) << where << " action " << space.label(a);
      }
    }
  }
}

TEST(PolicyMasks, BadParamsAreErrors) {
  MaskParams p;
  p.frequency_window_days = 0;
  EXPECT_THROW(check_mask_params(p), Error);
  p = MaskParams();
  p.quiet_hours = {25};
  EXPECT_THROW(check_mask_params(p), Error);
  p = MaskParams();
  p.campaign_eligibility = "sometimes";
  EXPECT_THROW(check_mask_params(p), Error);
}

// Distributions and samples never touch masked actions, even when a masked action has by far the
// largest Q-value (adversarial), for every exploration mode.
TEST(PolicyExploration, NoMassOnMaskedActions) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  for (const char* mode : {"epsilon_greedy", "softmax", "greedy"}) {
    ExplorationParams ep;
    ep.mode = mode;
    ep.epsilon = 0.3;
    ep.temperature = 0.2;
    for (int trial = 0; trial < 500; ++trial) {
      const int A = 2 + int(rng() % 40);
      std::vector<float> q(static_cast<size_t>(A));
      std::vector<uint8_t> mask(static_cast<size_t>(A));
      for (int a = 0; a < A; ++a) {
        q[size_t(a)] = u(rng);
        mask[size_t(a)] = a == 0 ? 1 : (rng() % 3 == 0);
        if (!mask[size_t(a)] && rng() % 2) q[size_t(a)] = 1e30f;  // adversarial
      }
      std::vector<double> p(static_cast<size_t>(A));
      action_distribution(ep, q.data(), mask.data(), A, p.data());
      double s = 0.0;
      for (int a = 0; a < A; ++a) {
        ASSERT_GE(p[size_t(a)], 0.0);
        if (!mask[size_t(a)]) {
          ASSERT_EQ(p[size_t(a)], 0.0) << mode << " trial " << trial << " a " << a;
        }
        s += p[size_t(a)];
      }
      ASSERT_NEAR(s, 1.0, 1e-9) << mode;
      const int best = best_allowed_action(q.data(), mask.data(), A);
      ASSERT_TRUE(mask[size_t(best)]);
      for (int k = 0; k < 20; ++k) {
        const double uu = std::generate_canonical<double, 53>(rng);
        const int a = sample_from_distribution(p.data(), A, uu);
        ASSERT_TRUE(mask[size_t(a)]) << mode << " sampled a masked action";
      }
    }
  }
}

TEST(PolicyExploration, EpsilonGreedyProbabilities) {
  ExplorationParams ep;
  ep.epsilon = 0.2;
  const float q[4] = {0.0f, 2.0f, 5.0f, 1.0f};
  const uint8_t mask[4] = {1, 1, 0, 1};
  double p[4];
  action_distribution(ep, q, mask, 4, p);
  EXPECT_NEAR(p[0], 0.2 / 3, 1e-12);
  EXPECT_NEAR(p[1], 0.8 + 0.2 / 3, 1e-12);
  EXPECT_EQ(p[2], 0.0);
  EXPECT_NEAR(p[3], 0.2 / 3, 1e-12);
  ep.mode = "softmax";
  ep.temperature = 1.0;
  action_distribution(ep, q, mask, 4, p);
  const double z = std::exp(0.0) + std::exp(2.0) + std::exp(1.0);
  EXPECT_NEAR(p[1], std::exp(2.0) / z, 1e-12);
  EXPECT_EQ(p[2], 0.0);
}

}  // namespace
}  // namespace tailor
