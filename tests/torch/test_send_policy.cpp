// The send policy end to end on a small synthetic shop: training writes a checkpoint that
// SendPolicy loads; decide() never violates a mask over adversarial customers, returns the
// propensity of its exploration distribution, and is seeded and independent of batching;
// approval and --force-approve are recorded; resuming from a checkpoint equals training straight.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/checkpoint/checkpoint.h"
#include "core/common/error.h"
#include "core/data/synth.h"
#include "core/policy/synth_shop.h"
#include "models/policy_training.h"
#include "models/send_policy.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

SynthParams small_shop() {
  SynthParams p;
  p.customers = 700;
  p.products = 100;
  p.days = 120;
  p.seed = 21;
  return p;
}

const Dataset& shop() {
  static const Dataset ds = generate_synthetic_shop(small_shop());
  return ds;
}

PolicyTrainConfig small_config() {
  PolicyTrainConfig c;
  c.dqn.hidden = {16};
  c.dqn.offline_steps = 80;
  c.dqn.batch_size = 64;
  c.ope.bootstrap_resamples = 40;
  c.policy.simulate = true;
  c.policy.select_every = 20;
  c.simulator.days = 40;
  return c;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("tailor_sp_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

/// One trained checkpoint shared by the tests.
/// Removes a file and its rejects file when the test binary exits.
struct RemovedAtExit {
  std::string path;
  ~RemovedAtExit() {
    std::error_code ec;
    fs::remove(path, ec);
    fs::remove(path + ".rejects.csv", ec);
  }
};

const std::string& trained_checkpoint() {
  static const RemovedAtExit file = [] {
    const std::string p = temp_path("policy.h5");
    train_send_policy(shop(), small_config(), p);
    return RemovedAtExit{p};
  }();
  return file.path;
}

TEST(SendPolicy, TrainingReportIsCompleteAndConsistent) {
  PolicyTrainConfig cfg = small_config();
  const std::string out = temp_path("report.h5");
  const PolicyTrainReport r = train_send_policy(shop(), cfg, out);
  EXPECT_TRUE(fs::exists(out));
  EXPECT_TRUE(fs::exists(out + ".rejects.csv"));
  EXPECT_EQ(r.dataset_kind, "synth");
  EXPECT_EQ(r.train_decisions + r.eval_decisions, r.log_rows - r.rejected_rows);
  ASSERT_GE(r.policies.size(), 5u);
  EXPECT_EQ(r.policies[0].kind, "learned");
  for (const auto& p : r.policies) {
    for (int m = 0; m < kPolicyMetricCount; ++m) {
      const OpeResult& e = p.estimates[size_t(m)];
      EXPECT_LE(e.dr.lo, e.dr.value + 1e-12) << p.name;
      EXPECT_GE(e.dr.hi, e.dr.value - 1e-12) << p.name;
      EXPECT_TRUE(std::isfinite(p.truth[size_t(m)])) << p.name << " has a true value on synth data";
    }
    EXPECT_NEAR(p.estimates[kMetricEmails].dr.value, p.email_rate, 1e-6) << p.name;
  }
  ASSERT_EQ(r.simulated.size(), 3u);
  EXPECT_EQ(r.simulated[0].totals.mask_violations, 0) << "the learned policy broke a mask";
  EXPECT_EQ(r.simulated[2].totals.mask_violations, 0);
  const auto j = nlohmann::json::parse(r.to_json());
  EXPECT_EQ(j["policies"].size(), r.policies.size());
  EXPECT_TRUE(j["approval"].contains("approved"));
  fs::remove(out);
  fs::remove(out + ".rejects.csv");
}

TEST(SendPolicy, CheckpointLoadsAndDecidesDeterministically) {
  const SendPolicy p = SendPolicy::load(trained_checkpoint(), "cpu");
  EXPECT_EQ(p.campaign_names(), synth_campaign_names());
  EXPECT_EQ(p.n_actions(), 1 + 9 * 6);
  const Dataset& ds = shop();
  std::vector<int64_t> all(ds.customers.size());
  std::iota(all.begin(), all.end(), 0);
  const UnixTime now = 1672531200 + 110 * 86400 + 3600;  // a day inside the history
  const auto a = p.decide(ds, all, now, 5);
  const auto b = p.decide(ds, all, now, 5);
  ASSERT_EQ(a.size(), all.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].action, b[i].action);
    EXPECT_EQ(a[i].propensity, b[i].propensity);
  }
  // Batches of another size give the same decisions.
  std::vector<int64_t> part(all.begin() + 100, all.begin() + 137);
  const auto c = p.decide(ds, part, now, 5);
  for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(c[i].action, a[100 + i].action);
  // Another seed explores differently somewhere.
  const auto d = p.decide(ds, all, now, 6);
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i].action != d[i].action;
  EXPECT_GT(differ, 0);
  // A second load gives bit-identical Q-values.
  const SendPolicy p2 = SendPolicy::load(trained_checkpoint(), "cpu");
  const auto e = p2.decide(ds, part, now, 5);
  for (size_t i = 0; i < part.size(); ++i)
    for (size_t k = 0; k < e[i].q_values.size(); ++k) {
      const float x = c[i].q_values[k], y = e[i].q_values[k];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y);
    }
}

// Adversarial customers: no consent, unsubscribed (flag or logged), suppressed, at the frequency
// cap; every decision over several days is checked against the masks.
TEST(SendPolicy, DecideNeverViolatesMasks) {
  SendPolicy p = SendPolicy::load(trained_checkpoint(), "cpu");
  ExplorationParams wild;  // maximal exploration: every allowed action gets drawn
  wild.epsilon = 1.0;
  p.set_exploration(wild);
  Dataset ds = shop();
  const size_t n = ds.customers.size();
  for (size_t c = 0; c < n; c += 7) ds.customers.consent[c] = 0;
  for (size_t c = 1; c < n; c += 11) ds.customers.unsubscribed[c] = 1;
  for (size_t c = 2; c < n; c += 13) ds.customers.suppressed[c] = 1;
  // A logged unsubscribe for customer 3's first email-log row.
  for (size_t r = 0; r < ds.email_log.size(); ++r)
    if (ds.email_log.customer[r] == 3) {
      ds.email_log.unsubscribed[r] = 1;
      break;
    }
  std::vector<int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  const PolicySpec& spec = p.spec();
  const auto& quiet = spec.masks.quiet_hours;
  int64_t sends = 0, checked = 0;
  for (int day = 60; day < 125; day += 3) {
    // Customers 5, 12, 19, ...: three sends on the decision day's morning (capped: cap 3 / 7 days).
    const UnixTime now = 1672531200 + int64_t(day) * 86400 + 12 * 3600;
    Dataset capped = ds;
    for (size_t c = 5; c < n; c += 7) {
      for (int k = 0; k < 3; ++k) {
        auto& e = capped.email_log;
        e.customer.push_back(int64_t(c));
        e.time.push_back(now - (k + 1) * 3600);
        e.campaign.push_back(0);
        e.hour.push_back(8);
        e.propensity.push_back(0.5f);
        e.opened.push_back(0);
        e.clicked.push_back(0);
        e.converted.push_back(0);
        e.revenue.push_back(0);
        e.unsubscribed.push_back(0);
      }
    }
    const auto d = p.decide(capped, all, now, uint64_t(day));
    for (size_t c = 0; c < n; ++c) {
      const SendDecision& x = d[c];
      ++checked;
      ASSERT_EQ(x.q_values.size(), size_t(p.n_actions()));
      ASSERT_FALSE(std::isnan(x.q_values[size_t(x.action)])) << "chose a masked action";
      ASSERT_GT(x.propensity, 0.0f);
      ASSERT_LE(x.propensity, 1.0f);
      const bool blocked = !capped.customers.consent[c] || capped.customers.unsubscribed[c] ||
                           capped.customers.suppressed[c] || c == 3 || (c >= 5 && (c - 5) % 7 == 0);
      if (blocked) {
        ASSERT_EQ(x.action, 0) << "customer " << c << " day " << day;
        ASSERT_EQ(x.campaign, -1);
        ASSERT_FLOAT_EQ(x.propensity, 1.0f);
        for (int a = 1; a < p.n_actions(); ++a) ASSERT_TRUE(std::isnan(x.q_values[size_t(a)]));
        continue;
      }
      if (x.action == 0) continue;
      ++sends;
      ASSERT_GE(x.hour, 0);
      ASSERT_EQ(std::find(quiet.begin(), quiet.end(), int(x.hour)), quiet.end()) << "quiet hour";
      ASSERT_GE(x.campaign, 0);
      const int day_index =
          synth_local_day(spec.synth_params, now, capped.customers.tz_offset_min[c]);
      std::vector<uint32_t> none;
      const uint32_t rules = synth_eligible_from_dataset(spec.synth_params, capped, int64_t(c),
                                                         none.data(), 0, day_index);
      const int synth_id =
          synth_campaign_ids(spec.actions)[size_t(spec.actions.campaign_of(x.action))];
      // Purchase-based campaigns need the customer's rows; the calendar ones must match exactly.
      if (synth_id == kNewArrivals || synth_id == kClearance || synth_id == kBirthday ||
          synth_id == kWelcome) {
        ASSERT_TRUE((rules >> synth_id) & 1u)
            << "ineligible campaign " << synth_campaign_names()[size_t(synth_id)];
      }
    }
  }
  EXPECT_GT(sends, 50) << "the test never saw a send";
  EXPECT_GT(checked, 10000);
}

TEST(SendPolicy, PropensityIsTheExplorationProbability) {
  const SendPolicy p = SendPolicy::load(trained_checkpoint(), "cpu");
  const Dataset& ds = shop();
  const DatasetCustomerIndex index = index_dataset_by_customer(ds);
  std::vector<int64_t> rows(ds.customers.size());
  std::iota(rows.begin(), rows.end(), 0);
  const UnixTime now = 1672531200 + 91 * 86400;
  const DecisionInputs in = build_decision_inputs(p.spec(), ds, index, rows, now);
  std::vector<double> probs;
  p.action_probabilities(in.states.data(), in.masks.data(), in.n, &probs);
  const auto d = p.decide(ds, rows, now, 9);
  const int A = p.n_actions();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NEAR(d[i].propensity, probs[i * A + size_t(d[i].action)], 1e-6);
    double s = 0;
    for (int a = 0; a < A; ++a) s += probs[i * A + size_t(a)];
    EXPECT_NEAR(s, 1.0, 1e-9);
  }
}

TEST(SendPolicy, ForceApproveIsRecorded) {
  PolicyTrainConfig cfg = small_config();
  cfg.policy.simulate = false;
  cfg.force_approve = true;
  const std::string out = temp_path("forced.h5");
  const PolicyTrainReport r = train_send_policy(shop(), cfg, out);
  const SendPolicy p = SendPolicy::load(out, "cpu");
  EXPECT_TRUE(p.approved());
  EXPECT_EQ(p.forced(), !r.approval.dr_beats_logging);
  EXPECT_EQ(p.approval_reason(), r.approval.reason);
  if (p.forced()) {
    EXPECT_NE(p.approval_reason().find("--force-approve"), std::string::npos);
  }
  cfg.force_approve = false;
  const PolicyTrainReport plain = train_send_policy(shop(), cfg, out);
  EXPECT_EQ(SendPolicy::load(out, "cpu").approved(), plain.approval.dr_beats_logging);
  EXPECT_FALSE(SendPolicy::load(out, "cpu").forced());
  fs::remove(out);
  fs::remove(out + ".rejects.csv");
}

TEST(SendPolicy, ResumeEqualsTrainingStraight) {
  PolicyTrainConfig cfg = small_config();
  cfg.policy.simulate = false;
  cfg.policy.validation_share = 0;  // no selection: the last networks are kept
  cfg.dqn.gamma = 0.9;              // exercise next states and the target network
  const std::string straight = temp_path("straight.h5"), half = temp_path("half.h5"),
                    resumed = temp_path("resumed.h5");
  cfg.dqn.offline_steps = 60;
  train_send_policy(shop(), cfg, straight);
  cfg.dqn.offline_steps = 30;
  train_send_policy(shop(), cfg, half);
  cfg.resume = half;
  train_send_policy(shop(), cfg, resumed);
  const Checkpoint a = read_checkpoint(straight, kSendPolicyModelType);
  const Checkpoint b = read_checkpoint(resumed, kSendPolicyModelType);
  EXPECT_EQ(b.tensor("meta/dqn/steps").values<int64_t>()[0], 60);
  int compared = 0;
  for (const auto& [name, blob] : a.tensors) {
    if (name.rfind("params/", 0) != 0 && name.rfind("optimizer/", 0) != 0) continue;
    ASSERT_TRUE(b.has_tensor(name)) << name;
    EXPECT_EQ(blob.data, b.tensor(name).data) << name << " differs after resume";
    ++compared;
  }
  EXPECT_GT(compared, 8);
  for (const auto& f : {straight, half, resumed}) {
    fs::remove(f);
    fs::remove(f + ".rejects.csv");
  }
}

TEST(SendPolicy, BadInputsAreClearErrors) {
  EXPECT_THROW(SendPolicy::load(trained_checkpoint(), "tpu"), Error);
  const SendPolicy p = SendPolicy::load(trained_checkpoint(), "cpu");
  EXPECT_THROW(p.decide(shop(), {int64_t(shop().customers.size())}, 1672531200, 1), Error);
  EXPECT_THROW(p.decide(shop(), {0}, -1, 1), Error);
  Dataset ds;  // an imported log without send hours cannot train hour slots
  ds = shop();
  for (auto& h : ds.email_log.hour) h = -1;
  ds.metadata.erase("source");
  PolicyTrainConfig cfg = small_config();
  try {
    train_send_policy(ds, cfg, temp_path("x.h5"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("send_hours"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tailor
