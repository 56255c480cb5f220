// The synthetic-shop simulator: with the logging policy and the shop's seed it reproduces the
// logged history row for row and shows the policy the same states the logged data has; it is
// deterministic for any thread count; masks are never violated by mask-respecting policies; and
// expected (true-model) totals agree with realized ones.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numeric>

#include "core/common/error.h"
#include "core/data/synth.h"
#include "core/policy/exploration.h"
#include "core/policy/logged_decisions.h"
#include "core/policy/policy_spec.h"
#include "core/policy/synth_shop.h"
#include "core/policy/synth_simulator.h"
#include "core/segment/customer_rows.h"

namespace tailor {
namespace {

SynthParams shop_params() {
  SynthParams p;
  p.customers = 500;
  p.products = 80;
  p.days = 150;
  p.seed = 17;
  p.threads = 1;
  return p;
}

const Dataset& shop() {
  static const Dataset ds = generate_synthetic_shop(shop_params());
  return ds;
}

PolicySpec spec_for(const Dataset& ds) {
  return make_policy_spec(ds, ActionSpaceParams(), MaskParams(), RewardParams(),
                          StateFeatureParams(), {});
}

std::vector<int64_t> all_customers(int64_t n) {
  std::vector<int64_t> c(static_cast<size_t>(n));
  std::iota(c.begin(), c.end(), 0);
  return c;
}

TEST(SynthSimulator, LoggingPolicyReproducesTheLogAndItsStates) {
  const Dataset& ds = shop();
  const PolicySpec spec = spec_for(ds);
  const SynthLogContext ctx = replay_synth_log(ds, synth_params_of_dataset(ds));
  std::vector<LoggedReject> rejects;
  const LoggedDecisions L =
      build_logged_decisions(ds, spec, policy_eligibility_of_log(spec.actions, ctx), &rejects);
  ASSERT_EQ(L.n, int64_t(ds.email_log.size()));
  // Row of L for each email-log row.
  std::vector<int64_t> row_of(ds.email_log.size(), -1);
  for (int64_t i = 0; i < L.n; ++i) row_of[size_t(L.log_row[size_t(i)])] = i;
  const CustomerRows em = group_rows_by_customer(ds.email_log.customer, ds.customers.size(), "em");
  std::vector<int64_t> next_row(ds.customers.size());
  for (size_t c = 0; c < ds.customers.size(); ++c) next_row[c] = em.offsets[c];

  SynthShopSimulator sim(shop_params(), spec, SimulatorParams());
  const auto& e = ds.email_log;
  const size_t D = size_t(spec.dim()), A = size_t(spec.n_actions());
  int64_t compared = 0;
  SimObserver check = [&](const SimDecisionBatch& b, const SimFeedback& f) {
    for (int64_t i = 0; i < b.n; ++i) {
      const size_t c = size_t(b.customers[i]);
      ASSERT_LT(next_row[c], em.offsets[c + 1]) << "more decisions than logged for customer " << c;
      const size_t r = em.rows[size_t(next_row[c]++)];
      ASSERT_EQ(f.choices[i].campaign, e.campaign[r]) << "row " << r;
      ASSERT_EQ(f.choices[i].hour, e.hour[r]);
      ASSERT_FLOAT_EQ(f.choices[i].propensity, e.propensity[r]);
      const size_t j = size_t(row_of[r]);
      ASSERT_EQ(f.choices[i].action, L.action[j]);
      ASSERT_EQ(f.unsubscribed[i], e.unsubscribed[r]);
      for (size_t k = 0; k < D; ++k)
        ASSERT_EQ(b.states[size_t(i) * D + k], L.states[j * D + k])
            << "row " << r << " feature " << spec.features.names[k];
      for (size_t a = 0; a < A; ++a) ASSERT_EQ(b.masks[size_t(i) * A + a], L.masks[j * A + a]);
      const double reward = decision_reward(spec.reward, L.outcome[j]);
      ASSERT_NEAR(f.reward[i], reward, 1e-3 + 1e-5 * std::fabs(reward)) << "row " << r;
      ++compared;
    }
  };
  const SimulationTotals t =
      sim.run(all_customers(shop_params().customers), shop_params().seed, {}, check);
  EXPECT_EQ(compared, int64_t(e.size()));
  EXPECT_EQ(t.decisions, int64_t(e.size()));
  for (size_t c = 0; c < ds.customers.size(); ++c) EXPECT_EQ(next_row[c], em.offsets[c + 1]);
}

TEST(SynthSimulator, DeterministicForAnyThreadCountAndSeeded) {
  const Dataset& ds = shop();
  const PolicySpec spec = spec_for(ds);
  SimulatorParams p1, p2;
  p1.threads = 1;
  p2.threads = 2;
  p1.days = p2.days = 60;
  const auto customers = all_customers(300);
  const SimPolicy everyone = sim_policy_send_everyone(spec, 10);
  const SimulationTotals a =
      SynthShopSimulator(shop_params(), spec, p1).run(customers, 5, everyone);
  const SimulationTotals b =
      SynthShopSimulator(shop_params(), spec, p2).run(customers, 5, everyone);
  const SimulationTotals c =
      SynthShopSimulator(shop_params(), spec, p2).run(customers, 6, everyone);
  EXPECT_EQ(a.decisions, b.decisions);
  EXPECT_EQ(a.sends, b.sends);
  EXPECT_EQ(a.expected_reward, b.expected_reward);
  EXPECT_EQ(a.realized.clicked, b.realized.clicked);
  EXPECT_NE(a.realized_reward, c.realized_reward);
}

// A policy that draws uniformly from the allowed actions (from the masks it is given) and the
// send-everyone baseline: the simulator counts no violation; a policy that ignores the masks is
// caught.
TEST(SynthSimulator, MasksAreEnforcedAndViolationsCounted) {
  const Dataset& ds = shop();
  MaskParams mp;
  mp.frequency_cap = 1;  // tight: makes the cap bind often
  mp.frequency_window_days = 4;
  PolicySpec spec =
      make_policy_spec(ds, ActionSpaceParams(), mp, RewardParams(), StateFeatureParams(), {});
  SimulatorParams sp;
  sp.days = 90;
  SynthShopSimulator sim(shop_params(), spec, sp);
  const int A = spec.n_actions();
  auto uniform = sim_policy_from_distribution(
      spec, 3, [A](const SimDecisionBatch& b, std::vector<double>* probs) {
        probs->assign(size_t(b.n) * A, 0.0);
        for (int64_t i = 0; i < b.n; ++i) {
          int allowed = 0;
          for (int a = 0; a < A; ++a) allowed += b.masks[size_t(i) * A + a];
          for (int a = 0; a < A; ++a)
            (*probs)[size_t(i) * A + a] = b.masks[size_t(i) * A + a] ? 1.0 / allowed : 0.0;
        }
      });
  const auto customers = all_customers(500);
  const SimulationTotals u = sim.run(customers, 9, uniform);
  EXPECT_EQ(u.mask_violations, 0);
  EXPECT_GT(u.sends, 100);
  const SimulationTotals e = sim.run(customers, 9, sim_policy_send_everyone(spec, 10));
  EXPECT_EQ(e.mask_violations, 0);
  auto reckless = [&spec](const SimDecisionBatch& b, SimChoice* out) {
    for (int64_t i = 0; i < b.n; ++i) {  // always the first campaign at 20:00, eligible or not
      out[i].campaign = synth_campaign_ids(spec.actions)[0];
      out[i].hour = 20;
      out[i].action = spec.actions.action_of(0, 20);
    }
  };
  EXPECT_GT(sim.run(customers, 9, reckless).mask_violations, 0);
}

TEST(SynthSimulator, ExpectedTotalsMatchRealizedOnes) {
  const Dataset& ds = shop();
  const PolicySpec spec = spec_for(ds);
  SynthShopSimulator sim(shop_params(), spec, SimulatorParams());
  const SimulationTotals t = sim.run(all_customers(500), 1234);
  ASSERT_GT(t.sends, 5000);
  EXPECT_NEAR(t.realized.clicked, t.expected.clicked, 5 * std::sqrt(t.expected.clicked));
  EXPECT_NEAR(t.realized.opened, t.expected.opened, 5 * std::sqrt(t.expected.opened));
  EXPECT_NEAR(t.realized.converted, t.expected.converted, 5 * std::sqrt(t.expected.converted) + 3);
  // Revenue: a sum over ~100 conversions of basket values with a coefficient of variation near 1.
  EXPECT_NEAR(t.realized.revenue / t.expected.revenue, 1.0, 4.0 / std::sqrt(t.expected.converted))
      << "conversions " << t.realized.converted << " expected " << t.expected.converted;
  EXPECT_EQ(t.expected.sent, double(t.sends));
}

TEST(SynthSimulator, BadSetupsAreErrors) {
  const Dataset& ds = shop();
  const PolicySpec spec = spec_for(ds);
  SimulatorParams p;
  p.days = 500;
  EXPECT_THROW(SynthShopSimulator(shop_params(), spec, p), Error);
  SynthShopSimulator sim(shop_params(), spec, SimulatorParams());
  EXPECT_THROW(sim.run({-1}, 1), Error);
  EXPECT_THROW(sim.run({500}, 1), Error);
}

}  // namespace
}  // namespace tailor
