// SynthShopSimulator: per day, (1) every customer begins the day and, when a decision is due,
// writes its state and mask (parallel); (2) the policy decides the day's batch; (3) the choices
// are applied with the true response model and the outcomes enter the customers' histories
// (parallel); (4) the day's organic sessions run (parallel). Sums are kept per customer and added
// in customer order, so results do not depend on the thread count.
#include "core/policy/synth_simulator.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/data/synth_process.h"
#include "core/policy/exploration.h"
#include "core/policy/ope.h"
#include "core/policy/policy_rng.h"
#include "core/policy/synth_shop.h"

namespace tailor {

double SimulationTotals::per_customer(int metric) const {
  if (customers == 0) return kNaN;
  double v = 0.0;
  switch (metric) {
    case kMetricReward:
      v = expected_reward;
      break;
    case kMetricClicks:
      v = expected.clicked;
      break;
    case kMetricConversions:
      v = expected.converted;
      break;
    case kMetricRevenue:
      v = expected.revenue;
      break;
    case kMetricUnsubscribes:
      v = expected.unsubscribed;
      break;
    case kMetricEmails:
      v = expected.sent;
      break;
    default:
      return kNaN;
  }
  return v / double(customers);
}

SynthShopSimulator::SynthShopSimulator(const SynthParams& shop, const PolicySpec& spec,
                                       const SimulatorParams& p)
    : shop_(shop), spec_(spec), params_(p) {
  validate_synth_params(shop);
  TAILOR_CHECK(p.days >= 0, "simulator.days must be >= 0, got " << p.days);
  TAILOR_CHECK(p.threads >= 0, "simulator.threads must be >= 0, got " << p.threads);
  TAILOR_CHECK(p.days <= shop.days, "simulator.days (" << p.days << ") must not exceed the shop's "
                                                       << shop.days << " days of history");
  days_ = p.days > 0 ? p.days : shop.days;
  catalog_ = build_synth_catalog(shop_);
  for (int id : synth_campaign_ids(spec.actions))
    TAILOR_CHECK(id >= 0,
                 "simulator: the policy has a campaign that is not one of the synthetic "
                 "shop's");
  TAILOR_CHECK(spec.synth_eligibility || spec.features.eligibility_campaigns.empty(),
               "simulator: the spec's eligibility columns need the shop's rules");
}

namespace {

/// One simulated customer.
struct SimCustomer {
  SimCustomer(const SynthParams& p, const SynthCatalog& cat, const SynthCalendar& cal,
              const StateFeatureLayout& layout)
      : proc(p, cat, cal), hist(layout) {}
  SynthCustomerProcess proc;
  CustomerHistoryFeatures hist;
  std::deque<UnixTime> send_times;
  size_t lines_seen = 0;
  bool due = false;
  SynthCustomerState state;
  uint32_t eligible = 0;
  SimChoice logging_choice;
  // Sums over the customer's decisions.
  int64_t decisions = 0, sends = 0, violations = 0, outside = 0;
  DecisionOutcome expected, realized;
  double expected_reward = 0, realized_reward = 0;
};

void add(DecisionOutcome& a, const DecisionOutcome& b) {
  a.sent += b.sent;
  a.opened += b.opened;
  a.clicked += b.clicked;
  a.converted += b.converted;
  a.revenue += b.revenue;
  a.unsubscribed += b.unsubscribed;
}

}  // namespace

SimulationTotals SynthShopSimulator::run(const std::vector<int64_t>& customers, uint64_t seed,
                                         const SimPolicy& policy,
                                         const SimObserver& observer) const {
  const SynthCalendar cal = make_synth_calendar(shop_);
  const int threads = params_.threads > 0 ? params_.threads : omp_get_max_threads();
  const size_t n = customers.size();
  const size_t D = size_t(spec_.dim()), A = size_t(spec_.n_actions()),
               C = size_t(spec_.actions.campaigns());
  const std::vector<int> synth_ids = synth_campaign_ids(spec_.actions);
  std::vector<int> policy_campaign(kSynthCampaignCount, -1);
  for (size_t k = 0; k < C; ++k) policy_campaign[size_t(synth_ids[k])] = static_cast<int>(k);
  const StateFeatureBinding binding{std::vector<uint16_t>(catalog_.products.size(), 0), {}, {}};
  std::vector<uint16_t> product_slot(catalog_.products.size(),
                                     static_cast<uint16_t>(spec_.features.categories.size()));
  for (size_t i = 0; i < catalog_.products.size(); ++i)
    for (size_t k = 0; k < spec_.features.categories.size(); ++k)
      if (catalog_.products.category[i] == spec_.features.categories[k])
        product_slot[i] = static_cast<uint16_t>(k);
  TAILOR_CHECK(
      spec_.features.numeric_attributes.empty() && spec_.features.string_attributes.empty(),
      "simulator: the synthetic shop has no customer attributes; the policy's layout has");
  const ActionMasker masker(spec_.actions, spec_.masks);
  const SynthResponseModel model(shop_);
  const SynthLoggingPolicy logging(shop_);
  const int64_t window_s = int64_t(spec_.masks.frequency_window_days - 1) * 86400;

  std::vector<SimCustomer> sim;
  sim.reserve(n);
  for (size_t j = 0; j < n; ++j) {
    TAILOR_CHECK(
        customers[j] >= 0 && customers[j] < shop_.customers,
        "simulator: customer " << customers[j] << " outside [0, " << shop_.customers << ")");
    sim.emplace_back(shop_, catalog_, cal, spec_.features);
  }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
  for (int64_t j = 0; j < int64_t(n); ++j) {
    SimCustomer& s = sim[size_t(j)];
    s.proc.start(customers[size_t(j)], seed);
    const SynthLatentCustomer& c = s.proc.latent();
    s.hist.reset(cal.start + c.signup_day * 86400LL + c.signup_second, c.tz_offset_min);
  }
  // Feeds lines created since the last call into the customer's history.
  auto feed_lines = [&](SimCustomer& s) {
    const auto& lines = s.proc.lines();
    for (; s.lines_seen < lines.size(); ++s.lines_seen) {
      const SynthLine& l = lines[s.lines_seen];
      s.hist.add_line(l.time, l.invoice, l.kind, product_slot[size_t(l.product)], l.quantity,
                      l.unit_price);
    }
  };

  std::vector<float> scratch_states(n * D);
  std::vector<uint8_t> scratch_masks(n * A);
  std::vector<uint8_t> eligible_bytes(n * std::max<size_t>(C, 1));
  std::vector<int64_t> rows, batch_customers;
  std::vector<float> batch_states;
  std::vector<uint8_t> batch_masks;
  std::vector<SynthCustomerState> batch_shop_states;
  std::vector<uint32_t> batch_eligible;
  std::vector<SimChoice> choices;
  std::vector<double> reward, expected_reward;
  std::vector<uint8_t> unsub;
  Progress progress("simulated days", days_, "days", 10.0);
  for (int d = 0; d < days_; ++d) {
    // (1) Begin the day; states and masks of the decisions due.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 256)
    for (int64_t j = 0; j < int64_t(n); ++j) {
      SimCustomer& s = sim[size_t(j)];
      s.due = false;
      if (d < s.proc.first_day()) continue;
      if (!s.proc.begin_day(d, &s.state, &s.eligible)) continue;
      s.due = true;
      const UnixTime T = s.proc.local_time(d, 0);
      s.hist.advance_to(T);
      uint8_t* el = &eligible_bytes[size_t(j) * std::max<size_t>(C, 1)];
      for (size_t k = 0; k < C; ++k) el[k] = (s.eligible >> synth_ids[k]) & 1u;
      float* row = &scratch_states[size_t(j) * D];
      s.hist.write(T, row);
      write_context_features(spec_.features, binding, 0, T, s.proc.latent().tz_offset_min, el, row);
      while (!s.send_times.empty() && s.send_times.front() < T - window_s) s.send_times.pop_front();
      MaskInputs mi;
      mi.consent = true;  // a decision is due only for emailable, subscribed customers
      mi.sends_in_window = static_cast<int>(s.send_times.size());
      mi.campaign_eligible = el;
      masker.fill(mi, &scratch_masks[size_t(j) * A]);
      if (!policy) {  // the shop's logging policy, from the customer's own stream
        const SynthAction a = logging.sample(s.eligible, s.state.fatigue, s.proc.rng());
        SimChoice& ch = s.logging_choice;
        ch.campaign = a.campaign;
        ch.hour = a.hour;
        ch.propensity = static_cast<float>(a.propensity);
        ch.action =
            a.campaign < 0
                ? 0
                : (policy_campaign[size_t(a.campaign)] < 0
                       ? -1
                       : spec_.actions.action_of(policy_campaign[size_t(a.campaign)], a.hour));
      }
    }
    rows.clear();
    for (size_t j = 0; j < n; ++j)
      if (sim[j].due) rows.push_back(static_cast<int64_t>(j));
    const size_t m = rows.size();
    if (m > 0) {
      batch_customers.resize(m);
      batch_states.resize(m * D);
      batch_masks.resize(m * A);
      batch_shop_states.resize(m);
      batch_eligible.resize(m);
      for (size_t i = 0; i < m; ++i) {
        const size_t j = size_t(rows[i]);
        batch_customers[i] = customers[j];
        std::copy_n(&scratch_states[j * D], D, &batch_states[i * D]);
        std::copy_n(&scratch_masks[j * A], A, &batch_masks[i * A]);
        batch_shop_states[i] = sim[j].state;
        batch_eligible[i] = sim[j].eligible;
      }
      SimDecisionBatch batch;
      batch.day = d;
      batch.n = static_cast<int64_t>(m);
      batch.customers = batch_customers.data();
      batch.states = batch_states.data();
      batch.masks = batch_masks.data();
      batch.shop_states = batch_shop_states.data();
      batch.eligible = batch_eligible.data();
      // (2) Decide.
      choices.assign(m, SimChoice());
      if (policy) {
        policy(batch, choices.data());
      } else {
        for (size_t i = 0; i < m; ++i) choices[i] = sim[size_t(rows[i])].logging_choice;
      }
      // (3) Apply.
      reward.assign(m, 0.0);
      expected_reward.assign(m, 0.0);
      unsub.assign(m, 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 64)
      for (int64_t i = 0; i < int64_t(m); ++i) {
        SimCustomer& s = sim[size_t(rows[size_t(i)])];
        SimChoice& ch = choices[size_t(i)];
        const uint8_t* mask = &batch_masks[size_t(i) * A];
        if (ch.action >= 0 && !mask[ch.action]) ++s.violations;
        if (ch.action < 0) ++s.outside;
        const bool send = ch.campaign >= 0 && ch.campaign < kSynthCampaignCount &&
                          ((s.eligible >> ch.campaign) & 1u) && ch.hour >= 0 && ch.hour <= 23;
        const int campaign = send ? ch.campaign : -1;
        const DecisionOutcome ex = synth_expected_outcome(model, catalog_, s.proc.latent(), s.state,
                                                          campaign, send ? ch.hour : -1);
        const SynthOutcome o = s.proc.apply(campaign, send ? ch.hour : -1);
        DecisionOutcome re;
        re.sent = o.sent;
        re.opened = o.opened;
        re.clicked = o.clicked;
        re.converted = o.converted;
        re.revenue = o.revenue;
        re.unsubscribed = o.unsubscribed;
        reward[size_t(i)] = decision_reward(spec_.reward, re);
        expected_reward[size_t(i)] = decision_reward(spec_.reward, ex);
        unsub[size_t(i)] = o.unsubscribed;
        ++s.decisions;
        s.sends += o.sent;
        add(s.expected, ex);
        add(s.realized, re);
        s.expected_reward += expected_reward[size_t(i)];
        s.realized_reward += reward[size_t(i)];
        s.hist.add_email(o.time, o.sent, o.opened, o.clicked, o.unsubscribed);
        if (o.sent) s.send_times.push_back(o.time);
        feed_lines(s);
      }
      if (observer) {
        SimFeedback fb;
        fb.choices = choices.data();
        fb.reward = reward.data();
        fb.expected_reward = expected_reward.data();
        fb.unsubscribed = unsub.data();
        observer(batch, fb);
      }
    }
    // (4) Organic sessions.
#pragma omp parallel for num_threads(threads) schedule(dynamic, 256)
    for (int64_t j = 0; j < int64_t(n); ++j) {
      SimCustomer& s = sim[size_t(j)];
      if (d < s.proc.first_day()) continue;
      s.proc.end_day();
      feed_lines(s);
    }
    progress.advance(1);
  }
  progress.finish();

  SimulationTotals t;
  t.customers = static_cast<int64_t>(n);
  for (const SimCustomer& s : sim) {
    t.decisions += s.decisions;
    t.sends += s.sends;
    t.mask_violations += s.violations;
    t.outside_action_space += s.outside;
    add(t.expected, s.expected);
    add(t.realized, s.realized);
    t.expected_reward += s.expected_reward;
    t.realized_reward += s.realized_reward;
  }
  return t;
}

SimPolicy sim_policy_send_everyone(const PolicySpec& spec, int hour) {
  const std::vector<int> synth_ids = synth_campaign_ids(spec.actions);
  const ActionSpace actions = spec.actions;
  return [synth_ids, actions, hour](const SimDecisionBatch& b, SimChoice* out) {
    const size_t A = size_t(actions.size());
    for (int64_t i = 0; i < b.n; ++i) {
      SimChoice ch;
      const uint8_t* mask = b.masks + size_t(i) * A;
      for (int c : synth_rule_priority()) {
        if (!((b.eligible[i] >> c) & 1u)) continue;
        const auto it = std::find(synth_ids.begin(), synth_ids.end(), c);
        if (it == synth_ids.end()) continue;
        const int a = actions.action_of(static_cast<int>(it - synth_ids.begin()), hour);
        if (a < 0 || !mask[a]) continue;
        ch.campaign = c;
        ch.hour = hour;
        ch.action = a;
        break;
      }
      out[i] = ch;
    }
  };
}

SimPolicy sim_policy_from_distribution(
    const PolicySpec& spec, uint64_t seed,
    std::function<void(const SimDecisionBatch&, std::vector<double>* probs)> probabilities) {
  const std::vector<int> synth_ids = synth_campaign_ids(spec.actions);
  const ActionSpace actions = spec.actions;
  const int job_hour = spec.synth_eligibility ? spec.synth_params.rule_send_hour : 10;
  return [synth_ids, actions, seed, probabilities, job_hour](const SimDecisionBatch& b,
                                                             SimChoice* out) {
    const int A = actions.size();
    std::vector<double> probs;
    probabilities(b, &probs);
    TAILOR_CHECK(probs.size() == size_t(b.n) * size_t(A),
                 "simulator: policy gave " << probs.size() << " probabilities");
    for (int64_t i = 0; i < b.n; ++i) {
      const double* p = &probs[size_t(i) * A];
      const uint64_t key = uint64_t(b.customers[i]) * 40009ULL + uint64_t(b.day);
      const double u = policy_uniform(seed, key, 0, PolicyStream::kSimulation);
      const int a = sample_from_distribution(p, A, u);
      SimChoice ch;
      ch.action = a;
      ch.propensity = static_cast<float>(p[a]);
      const int pc = actions.campaign_of(a);
      ch.campaign = pc < 0 ? -1 : synth_ids[size_t(pc)];
      // Without an hour choice the email job sends at the shop's usual hour.
      ch.hour = pc < 0 ? -1 : (actions.has_hours() ? actions.hour_of(a) : job_hour);
      out[i] = ch;
    }
  };
}

}  // namespace tailor
