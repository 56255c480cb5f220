// train_send_policy: data -> offline (CQL) DQN -> optional online DQN in the simulator -> OPE of
// learned / logging / uniform / constant policies (+ true values on synthetic data) -> approval
// -> checkpoint.
#include "models/policy_training.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/checkpoint/checkpoint.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/data/synth_model.h"
#include "core/policy/logged_decisions.h"
#include "core/policy/policy_rng.h"
#include "core/policy/replay_buffer.h"
#include "core/policy/reward_model.h"
#include "core/policy/synth_shop.h"
#include "models/dqn.h"
#include "models/send_policy.h"
#include "models/send_policy_checkpoint.h"

namespace tailor {
namespace {

/// The per-row views of the logged decisions restricted to a set of rows.
struct RowSet {
  std::vector<int64_t> rows;
  std::vector<float> states;  ///< (n, D) scaled
  std::vector<uint8_t> masks;
  std::vector<int32_t> action;
  std::vector<float> propensity;
  std::vector<int64_t> customer;
};

RowSet select_rows(const LoggedDecisions& L, const std::vector<float>& scaled,
                   const std::vector<int64_t>& rows) {
  RowSet s;
  const size_t D = size_t(L.dim), A = size_t(L.n_actions);
  s.rows = rows;
  s.states.resize(rows.size() * D);
  s.masks.resize(rows.size() * A);
  for (size_t j = 0; j < rows.size(); ++j) {
    const size_t i = size_t(rows[j]);
    std::copy_n(&scaled[i * D], D, &s.states[j * D]);
    std::copy_n(&L.masks[i * A], A, &s.masks[j * A]);
    s.action.push_back(L.action[i]);
    s.propensity.push_back(L.propensity[i]);
    s.customer.push_back(L.customer[i]);
  }
  return s;
}

/// Offline transitions: training rows whose logged action is in the space and allowed.
int64_t fill_offline_buffer(const LoggedDecisions& L, const std::vector<float>& scaled,
                            const std::vector<int64_t>& rows, double gamma, ReplayBuffer* buf) {
  const size_t D = size_t(L.dim), A = size_t(L.n_actions);
  int64_t pushed = 0;
  for (int64_t i : rows) {
    const size_t ii = size_t(i);
    const int32_t a = L.action[ii];
    if (a < 0 || !L.masks[ii * A + size_t(a)]) continue;
    const int64_t nx = L.next[ii];
    const bool terminal = nx < 0 || L.terminal[ii] || gamma <= 0.0;
    const float disc = terminal ? 0.0f : float(std::pow(gamma, double(L.gap_days[ii])));
    buf->push(&scaled[ii * D], &L.masks[ii * A], a, float(L.reward[ii]), disc,
              terminal ? nullptr : &scaled[size_t(nx) * D],
              terminal ? nullptr : &L.masks[size_t(nx) * A]);
    ++pushed;
  }
  return pushed;
}

nlohmann::json estimate_json(const OpeEstimate& e) {
  return nlohmann::json::array({e.value, e.lo, e.hi});
}

}  // namespace

PolicyTrainReport train_send_policy(const Dataset& ds, const PolicyTrainConfig& cfg,
                                    const std::string& output) {
  check_policy_params(cfg.policy);
  check_dqn_params(cfg.dqn);
  check_ope_params(cfg.ope);
  check_exploration_params(cfg.exploration);
  check_mask_params(cfg.masks);
  check_reward_params(cfg.reward);
  check_state_feature_params(cfg.features);
  TAILOR_CHECK(!output.empty(), "policy: an output checkpoint path is required");
  TAILOR_CHECK(ds.email_log.size() > 0, "policy: the dataset has no email log to learn from");
  PolicyTrainReport rep;

  // --- split and spec ---
  const size_t n_cust = ds.customers.size();
  const std::vector<uint8_t> is_train =
      split_customers(n_cust, cfg.policy.train_share, cfg.policy.split_seed);
  std::vector<int64_t> train_customers, eval_customers;
  for (size_t c = 0; c < n_cust; ++c)
    (is_train[c] ? train_customers : eval_customers).push_back(int64_t(c));
  PolicySpec spec;
  std::unique_ptr<Checkpoint> resume_ck;
  if (!cfg.resume.empty()) {
    resume_ck = std::make_unique<Checkpoint>(read_checkpoint(cfg.resume, kSendPolicyModelType));
    spec = policy_spec_from_checkpoint(*resume_ck);
    spdlog::info("policy: resuming from {} ({} features, {} actions)", cfg.resume, spec.dim(),
                 spec.n_actions());
  } else {
    spec = make_policy_spec(ds, cfg.actions, cfg.masks, cfg.reward, cfg.features, train_customers);
  }
  if (spec.actions.has_hours()) {
    bool any_hour = false;
    for (size_t r = 0; r < ds.email_log.size() && !any_hour; ++r)
      any_hour = ds.email_log.campaign[r] >= 0 && ds.email_log.hour[r] >= 0;
    TAILOR_CHECK(any_hour,
                 "policy: the email log records no send hour (every sent row has hour "
                 "-1), so hour slots cannot be learned or evaluated; set "
                 "action_space.send_hours to [] (as configs/policy_hillstrom.yaml does)");
  }
  rep.dataset_kind = spec.synth_eligibility ? "synth" : "logged";
  for (int a = 0; a < spec.n_actions(); ++a) rep.action_labels.push_back(spec.actions.label(a));

  // --- logged decisions ---
  std::unique_ptr<SynthLogContext> synth_ctx;
  std::vector<uint8_t> eligibility;
  if (spec.synth_eligibility) {
    synth_ctx = std::make_unique<SynthLogContext>(replay_synth_log(ds, spec.synth_params));
    eligibility = policy_eligibility_of_log(spec.actions, *synth_ctx);
  }
  std::vector<LoggedReject> rejects;
  LoggedDecisions L = build_logged_decisions(ds, spec, eligibility, &rejects);
  write_logged_rejects(ds, rejects, output + ".rejects.csv");
  spdlog::info("policy: {} rejected email-log rows written to {}.rejects.csv", rejects.size(),
               output);
  rep.log_rows = int64_t(ds.email_log.size());
  rep.rejected_rows = int64_t(rejects.size());
  rep.outside_action_space = L.outside_action_space;
  rep.logged_action_masked = L.logged_action_masked;
  std::vector<int64_t> train_rows, eval_rows, fit_rows, val_rows;
  std::vector<uint8_t> is_val(n_cust, 0);
  for (size_t c = 0; c < n_cust; ++c)
    is_val[c] = is_train[c] && cfg.policy.validation_share > 0 &&
                policy_uniform(cfg.policy.split_seed, c, 1, PolicyStream::kSplit) <
                    cfg.policy.validation_share;
  for (int64_t i = 0; i < L.n; ++i) {
    const size_t c = size_t(L.customer[size_t(i)]);
    (is_train[c] ? train_rows : eval_rows).push_back(i);
    if (is_train[c]) (is_val[c] ? val_rows : fit_rows).push_back(i);
  }
  std::vector<int64_t> fit_customers;
  for (int64_t c : train_customers)
    if (!is_val[size_t(c)]) fit_customers.push_back(c);
  TAILOR_CHECK(!train_rows.empty() && !eval_rows.empty(),
               "policy: the split left " << train_rows.size() << " training and "
                                         << eval_rows.size() << " evaluation decisions; need both");
  rep.train_customers = int64_t(train_customers.size());
  rep.eval_customers = int64_t(eval_customers.size());
  rep.train_decisions = int64_t(train_rows.size());
  rep.validation_decisions = int64_t(val_rows.size());
  rep.eval_decisions = int64_t(eval_rows.size());

  // --- scaler (training rows), scaled states ---
  const size_t D = size_t(L.dim), A = size_t(L.n_actions);
  if (!resume_ck) {
    std::vector<float> train_raw(train_rows.size() * D);
    for (size_t j = 0; j < train_rows.size(); ++j)
      std::copy_n(&L.states[size_t(train_rows[j]) * D], D, &train_raw[j * D]);
    fit_policy_scaler(&spec, train_raw.data(), int64_t(train_rows.size()));
  }
  std::vector<float> scaled = L.states;
  scale_states(spec, scaled.data(), L.n);

  // --- offline DQN ---
  DqnLearner learner(int64_t(D), int64_t(A), cfg.dqn);
  if (resume_ck) learner.load(*resume_ck);
  ReplayBuffer offline(std::max<int64_t>(1, int64_t(fit_rows.size())), int(D), int(A));
  rep.train_transitions = fill_offline_buffer(L, scaled, fit_rows, cfg.dqn.gamma, &offline);

  // Model selection: the deployed policy's DR value (reward) on the validation customers, with a
  // ridge reward model fitted on the fit rows; the best networks seen are kept.
  const RowSet val = select_rows(L, scaled, val_rows);
  std::vector<float> val_q_hat;
  std::vector<double> val_reward;
  if (!val_rows.empty()) {
    const RowSet fit = select_rows(L, scaled, fit_rows);
    RidgeRewardModel vm;
    vm.fit(fit.states.data(), int64_t(fit_rows.size()), int(D), fit.action.data(), int(A),
           {L.metric_columns(spec.reward, fit_rows)[kMetricReward]}, cfg.ope.ridge_lambda);
    val_q_hat.resize(val_rows.size() * A);
    vm.predict(val.states.data(), int64_t(val_rows.size()), 0, val_q_hat.data());
    val_reward = L.metric_columns(spec.reward, val_rows)[kMetricReward];
  }
  std::vector<torch::Tensor> best_params;
  double best_value = -std::numeric_limits<double>::infinity();
  int64_t last_selected_at = -1;
  auto select = [&]() {
    if (val_rows.empty() || learner.steps() == last_selected_at) return;
    last_selected_at = learner.steps();
    const size_t nv = val_rows.size();
    std::vector<float> q(nv * A);
    learner.q_values(val.states.data(), int64_t(nv), q.data());
    std::vector<double> pr(A);
    // DR row terms summed per customer; the score is mean - pessimism * standard error.
    std::unordered_map<int64_t, std::pair<double, double>> per_customer;  // (sum, rows)
    double sum = 0.0;
    for (size_t i = 0; i < nv; ++i) {
      action_distribution(cfg.exploration, &q[i * A], &val.masks[i * A], int(A), pr.data());
      double v = 0.0;
      for (size_t a = 0; a < A; ++a) v += pr[a] * val_q_hat[i * A + a];
      const int32_t a = val.action[i];
      if (a >= 0)
        v += pr[size_t(a)] / val.propensity[i] * (val_reward[i] - val_q_hat[i * A + size_t(a)]);
      sum += v;
      auto& pc = per_customer[val.customer[i]];
      pc.first += v;
      pc.second += 1.0;
    }
    const double mean = sum / double(nv);
    double var = 0.0;  // variance of the ratio estimator over customers (linearised)
    for (const auto& [c, pc] : per_customer)
      var += (pc.first - mean * pc.second) * (pc.first - mean * pc.second);
    const double k = double(per_customer.size());
    const double se = k > 1 ? std::sqrt(var * k / (k - 1)) / double(nv) : 0.0;
    const double dr = mean - cfg.policy.selection_pessimism * se;
    spdlog::debug("policy selection at step {}: validation DR {:.6f} (se {:.6f}, score {:.6f})",
                  learner.steps(), mean, se, dr);
    if (dr > best_value) {
      best_value = dr;
      rep.selected_step = learner.steps();
      rep.selected_value = mean;
      best_params.clear();
      torch::NoGradGuard no_grad;
      for (const auto& t : learner.networks()->parameters())
        best_params.push_back(t.detach().clone());
    }
  };
  TAILOR_CHECK(rep.train_transitions > 0,
               "policy: no training decision has a logged action in "
               "the action space that the masks allow");
  ReplayBatch batch;
  std::vector<int64_t> idx;
  if (cfg.dqn.offline_steps > 0) {
    Progress progress("policy offline steps", cfg.dqn.offline_steps, "steps");
    double loss_acc = 0;
    for (int t = 0; t < cfg.dqn.offline_steps; ++t) {
      // Batch t of the run depends on (seed, learner step) only: a resumed run continues the
      // same sequence.
      SynthRng rng = policy_rng(cfg.dqn.seed, uint64_t(learner.steps()), PolicyStream::kBatches);
      offline.sample_indices(cfg.dqn.batch_size, rng, &idx);
      offline.gather(idx, &batch);
      const DqnStepStats st = learner.step(batch);
      loss_acc += st.loss;
      if ((t + 1) % 500 == 0) {
        spdlog::debug("policy offline step {}: loss {:.5f} (td {:.5f}, cql {:.5f}) mean Q {:.4f}",
                      learner.steps(), loss_acc / 500, st.td_loss, st.cql, st.mean_q);
        loss_acc = 0;
      }
      rep.final_loss = st.loss;
      if (learner.steps() % cfg.policy.select_every == 0) select();
      progress.advance();
    }
    progress.finish();
  }
  rep.offline_steps = cfg.dqn.offline_steps;

  // --- online DQN in the simulator (synthetic shop) ---
  const uint64_t shop_seed = spec.synth_eligibility ? spec.synth_params.seed : 0;
  if (cfg.dqn.online_epochs > 0) {
    TAILOR_CHECK(spec.synth_eligibility,
                 "dqn.online_epochs > 0 needs a synthetic-shop dataset "
                 "(the simulator is the synthetic shop)");
    SynthShopSimulator sim(spec.synth_params, spec, cfg.simulator);
    ReplayBuffer online(cfg.dqn.replay_capacity, int(D), int(A));
    // Start from the logged transitions (offline-to-online).
    for (int64_t k = 0; k < offline.size() && online.size() < online.capacity(); ++k) {
      std::vector<int64_t> one = {k};
      offline.gather(one, &batch);
      online.push(batch.states.data(), batch.masks.data(), batch.actions[0], batch.rewards[0],
                  batch.discounts[0], batch.discounts[0] > 0 ? batch.next_states.data() : nullptr,
                  batch.discounts[0] > 0 ? batch.next_masks.data() : nullptr);
    }
    struct Pending {
      std::vector<float> state;
      std::vector<uint8_t> mask;
      int64_t action = -1;
      float reward = 0;
      int day = 0;
    };
    for (int epoch = 0; epoch < cfg.dqn.online_epochs; ++epoch) {
      std::unordered_map<int64_t, Pending> pending;
      std::vector<float> q, st;
      SimPolicy behaviour = [&](const SimDecisionBatch& b, SimChoice* out) {
        st.assign(b.states, b.states + size_t(b.n) * D);
        scale_states(spec, st.data(), b.n);
        q.resize(size_t(b.n) * A);
        learner.q_values(st.data(), b.n, q.data());
        ExplorationParams ep;
        ep.epsilon = epsilon_at(cfg.dqn, learner.steps());
        std::vector<double> p(A);
        const std::vector<int> ids = synth_campaign_ids(spec.actions);
        for (int64_t i = 0; i < b.n; ++i) {
          action_distribution(ep, &q[size_t(i) * A], b.masks + size_t(i) * A, int(A), p.data());
          const uint64_t key = uint64_t(b.customers[i]) * 40009ULL + uint64_t(b.day);
          const int a =
              sample_from_distribution(p.data(), int(A),
                                       policy_uniform(cfg.dqn.seed + 1000003ULL * (epoch + 1), key,
                                                      0, PolicyStream::kSimulation));
          SimChoice& ch = out[i];
          ch.action = a;
          ch.propensity = float(p[size_t(a)]);
          const int pc = spec.actions.campaign_of(a);
          ch.campaign = pc < 0 ? -1 : ids[size_t(pc)];
          ch.hour = pc < 0 ? -1
                           : (spec.actions.has_hours() ? spec.actions.hour_of(a)
                                                       : spec.synth_params.rule_send_hour);
        }
      };
      SimObserver learn = [&](const SimDecisionBatch& b, const SimFeedback& f) {
        for (int64_t i = 0; i < b.n; ++i) {
          const float* s_new = &st[size_t(i) * D];
          const uint8_t* m_new = b.masks + size_t(i) * A;
          auto it = pending.find(b.customers[i]);
          if (it != pending.end()) {
            const Pending& pd = it->second;
            const float disc =
                cfg.dqn.gamma > 0 ? float(std::pow(cfg.dqn.gamma, double(b.day - pd.day))) : 0.0f;
            online.push(pd.state.data(), pd.mask.data(), pd.action, pd.reward, disc,
                        disc > 0 ? s_new : nullptr, disc > 0 ? m_new : nullptr);
          }
          const int64_t a = f.choices[i].action;
          if (f.unsubscribed[i]) {  // the program ends: a terminal transition now
            online.push(s_new, m_new, a, float(f.reward[i]), 0.0f, nullptr, nullptr);
            pending.erase(b.customers[i]);
            continue;
          }
          Pending& pd = pending[b.customers[i]];
          pd.state.assign(s_new, s_new + D);
          pd.mask.assign(m_new, m_new + A);
          pd.action = a;
          pd.reward = float(f.reward[i]);
          pd.day = b.day;
        }
        for (int k = 0; k < cfg.dqn.online_updates_per_day; ++k) {
          SynthRng rng =
              policy_rng(cfg.dqn.seed, uint64_t(learner.steps()), PolicyStream::kBatches);
          online.sample_indices(cfg.dqn.batch_size, rng, &idx);
          online.gather(idx, &batch);
          rep.final_loss = learner.step(batch).loss;
          ++rep.online_steps;
          if (learner.steps() % cfg.policy.select_every == 0) select();
        }
      };
      const SimulationTotals t =
          sim.run(fit_customers, shop_seed + 7919ULL * uint64_t(epoch + 1), behaviour, learn);
      for (auto& [c, pd] : pending)  // the simulated year ends: truncate as terminal
        online.push(pd.state.data(), pd.mask.data(), pd.action, pd.reward, 0.0f, nullptr, nullptr);
      spdlog::info(
          "policy online epoch {}: {} decisions, {} sends, value {:.4f} per customer, "
          "{} learner steps so far",
          epoch + 1, t.decisions, t.sends, t.per_customer(kMetricReward), learner.steps());
    }
  }
  rep.total_steps = learner.steps();
  select();
  if (!best_params.empty()) {  // keep the best networks seen (the optimizer state stays the last)
    torch::NoGradGuard no_grad;
    auto params = learner.networks()->parameters();
    for (size_t k = 0; k < params.size(); ++k) params[k].copy_(best_params[k]);
    spdlog::info("policy: selected the networks of step {} (validation DR {:.6f})",
                 rep.selected_step, rep.selected_value);
  }

  // --- off-policy evaluation on the evaluation customers ---
  const RowSet ev = select_rows(L, scaled, eval_rows);
  const size_t n_ev = eval_rows.size();
  std::vector<float> q_ev(n_ev * A);
  learner.q_values(ev.states.data(), int64_t(n_ev), q_ev.data());
  // Reward model for DR: per-action ridge on the training rows.
  RidgeRewardModel rm;
  {
    std::vector<int64_t> fit_rows;
    for (int64_t i : train_rows) fit_rows.push_back(i);
    const RowSet tr = select_rows(L, scaled, fit_rows);
    const auto cols = L.metric_columns(spec.reward, fit_rows);
    std::vector<std::vector<double>> targets(cols.begin(), cols.begin() + kMetricEmails);
    rm.fit(tr.states.data(), int64_t(fit_rows.size()), int(D), tr.action.data(), int(A), targets,
           cfg.ope.ridge_lambda);
  }
  OffPolicyEvaluator evaluator(int64_t(n_ev), int(A), ev.action, ev.propensity, ev.customer,
                               cfg.ope);
  const auto observed = L.metric_columns(spec.reward, eval_rows);
  for (int m = 0; m < kPolicyMetricCount; ++m) {
    std::vector<float> qh(n_ev * A);
    if (m == kMetricEmails) {
      for (size_t i = 0; i < n_ev; ++i)
        for (size_t a = 0; a < A; ++a) qh[i * A + a] = a == 0 ? 0.0f : 1.0f;  // exact
    } else {
      rm.predict(ev.states.data(), int64_t(n_ev), m, qh.data());
    }
    evaluator.add_metric(policy_metric_name(m), observed[size_t(m)], std::move(qh));
  }
  // True expected metrics per (evaluation row, action) on synthetic data.
  std::vector<float> truth_table;
  if (synth_ctx) {
    truth_table.assign(n_ev * A * kPolicyMetricCount, 0.0f);
    const SynthResponseModel model(spec.synth_params);
    const std::vector<int> ids = synth_campaign_ids(spec.actions);
    std::vector<SynthLatentCustomer> latent(n_cust);
#pragma omp parallel for schedule(dynamic, 256)
    for (int64_t c = 0; c < int64_t(n_cust); ++c)
      if (!is_train[size_t(c)]) latent[size_t(c)] = synth_latent_customer(spec.synth_params, c);
#pragma omp parallel for schedule(dynamic, 256)
    for (int64_t i = 0; i < int64_t(n_ev); ++i) {
      const size_t r = size_t(L.log_row[size_t(eval_rows[size_t(i)])]);
      const SynthLatentCustomer& lc = latent[size_t(ev.customer[size_t(i)])];
      for (size_t a = 1; a < A; ++a) {
        const int pc = spec.actions.campaign_of(int(a));
        const int hour = spec.actions.has_hours() ? spec.actions.hour_of(int(a))
                                                  : spec.synth_params.rule_send_hour;
        const DecisionOutcome o = synth_expected_outcome(
            model, synth_ctx->catalog, lc, synth_ctx->state[r], ids[size_t(pc)], hour);
        const auto mv = decision_metrics(spec.reward, o);
        for (int m = 0; m < kPolicyMetricCount; ++m)
          truth_table[(size_t(i) * A + a) * kPolicyMetricCount + size_t(m)] = float(mv[size_t(m)]);
      }
    }
  }
  // Policies, each as probabilities over the evaluation rows.
  std::vector<float> probs(n_ev * A);
  auto add_policy = [&](const std::string& name, const std::string& kind) {
    PolicyValueRow row;
    row.name = name;
    row.kind = kind;
    double sends = 0;
    for (size_t i = 0; i < n_ev; ++i) sends += 1.0 - probs[i * A];
    row.email_rate = sends / double(n_ev);
    row.truth.fill(kNaN);
    if (!truth_table.empty()) {
      std::array<double, kPolicyMetricCount> t{};
      for (size_t i = 0; i < n_ev; ++i)
        for (size_t a = 1; a < A; ++a) {
          const float p = probs[i * A + a];
          if (p == 0.0f) continue;
          for (int m = 0; m < kPolicyMetricCount; ++m)
            t[size_t(m)] += double(p) * truth_table[(i * A + a) * kPolicyMetricCount + size_t(m)];
        }
      for (int m = 0; m < kPolicyMetricCount; ++m)
        row.truth[size_t(m)] = t[size_t(m)] / double(n_ev);
    }
    evaluator.add_policy(name, probs);
    rep.policies.push_back(row);
  };
  std::vector<double> p(A);
  for (size_t i = 0; i < n_ev; ++i) {
    action_distribution(cfg.exploration, &q_ev[i * A], &ev.masks[i * A], int(A), p.data());
    for (size_t a = 0; a < A; ++a) probs[i * A + a] = float(p[a]);
  }
  add_policy("learned (" + cfg.exploration.mode + ")", "learned");
  ExplorationParams greedy;
  greedy.mode = "greedy";
  int64_t send_allowed = 0, stopped = 0;
  for (size_t i = 0; i < n_ev; ++i) {
    action_distribution(greedy, &q_ev[i * A], &ev.masks[i * A], int(A), p.data());
    for (size_t a = 0; a < A; ++a) probs[i * A + a] = float(p[a]);
    if (!ActionMasker::only_no_email(&ev.masks[i * A], int(A))) {
      ++send_allowed;
      stopped += p[0] > 0.5;
    }
  }
  add_policy("learned (greedy)", "learned");
  rep.decisions_with_send_allowed = send_allowed;
  rep.learned_stop_share = send_allowed > 0 ? double(stopped) / double(send_allowed) : 0.0;
  for (size_t i = 0; i < n_ev; ++i) {
    int allowed = 0;
    for (size_t a = 0; a < A; ++a) allowed += ev.masks[i * A + a] != 0;
    for (size_t a = 0; a < A; ++a)
      probs[i * A + a] = ev.masks[i * A + a] ? 1.0f / float(allowed) : 0.0f;
  }
  add_policy("uniform random", "uniform");
  if (spec.synth_eligibility) {  // send to everyone at the baseline hour, highest-priority campaign
    const std::vector<int> ids = synth_campaign_ids(spec.actions);
    for (size_t i = 0; i < n_ev; ++i) {
      std::fill_n(&probs[i * A], A, 0.0f);
      int chosen = 0;
      for (int c : synth_rule_priority()) {
        const auto it = std::find(ids.begin(), ids.end(), c);
        if (it == ids.end()) continue;
        const int a = spec.actions.action_of(int(it - ids.begin()), cfg.policy.baseline_send_hour);
        if (a >= 0 && ev.masks[i * A + size_t(a)]) {
          chosen = a;
          break;
        }
      }
      probs[i * A + size_t(chosen)] = 1.0f;
    }
    add_policy("everyone at " + std::to_string(cfg.policy.baseline_send_hour) + ":00", "baseline");
  }
  if (!truth_table.empty()) {  // the best allowed action by the true model: the one-step ceiling
    for (size_t i = 0; i < n_ev; ++i) {
      std::fill_n(&probs[i * A], A, 0.0f);
      size_t best = 0;
      float best_v = 0.0f;
      for (size_t a = 1; a < A; ++a) {
        const float v = truth_table[(i * A + a) * kPolicyMetricCount + kMetricReward];
        if (ev.masks[i * A + a] && v > best_v) {
          best = a;
          best_v = v;
        }
      }
      probs[i * A + best] = 1.0f;
    }
    add_policy("oracle (true model)", "oracle");
  }
  for (size_t c = 0; c < A; ++c) {  // constant policies (no email where the constant is masked)
    for (size_t i = 0; i < n_ev; ++i) {
      std::fill_n(&probs[i * A], A, 0.0f);
      probs[i * A + (ev.masks[i * A + c] ? c : 0)] = 1.0f;
    }
    add_policy(c == 0 ? "no email" : "always " + spec.actions.label(int(c)), "constant");
  }
  evaluator.run();
  for (size_t k = 0; k < rep.policies.size(); ++k) {
    rep.policies[k].weights = evaluator.weights(int(k));
    for (int m = 0; m < kPolicyMetricCount; ++m)
      rep.policies[k].estimates[size_t(m)] = evaluator.result(int(k), m);
  }
  rep.logging_truth.fill(kNaN);
  for (int m = 0; m < kPolicyMetricCount; ++m) rep.logging[size_t(m)] = evaluator.on_policy(m);
  if (synth_ctx) {  // the logging policy's own true expected value on the same states
    const SynthResponseModel model(spec.synth_params);
    const SynthLoggingPolicy logging(spec.synth_params);
    std::array<double, kPolicyMetricCount> t{};
    for (size_t i = 0; i < n_ev; ++i) {
      const size_t r = size_t(L.log_row[size_t(eval_rows[i])]);
      const SynthCustomerState& s = synth_ctx->state[r];
      const SynthLatentCustomer lc = synth_latent_customer(spec.synth_params, ev.customer[i]);
      for (const SynthAction& a : logging.distribution(synth_ctx->eligible[r], s.fatigue)) {
        if (a.campaign < 0) continue;
        const auto mv = decision_metrics(
            spec.reward,
            synth_expected_outcome(model, synth_ctx->catalog, lc, s, a.campaign, a.hour));
        for (int m = 0; m < kPolicyMetricCount; ++m) t[size_t(m)] += a.propensity * mv[size_t(m)];
      }
    }
    for (int m = 0; m < kPolicyMetricCount; ++m)
      rep.logging_truth[size_t(m)] = t[size_t(m)] / double(n_ev);
  }

  // --- approval ---
  const OpeResult& learned = evaluator.result(0, kMetricReward);
  rep.approval =
      decide_approval(learned.dr.lo, rep.logging[kMetricReward].value, cfg.force_approve);

  // --- simulated years of the evaluation customers (synthetic shop) ---
  if (spec.synth_eligibility && cfg.policy.simulate) {
    SynthShopSimulator sim(spec.synth_params, spec, cfg.simulator);
    const ExplorationParams ex = cfg.exploration;
    for (uint64_t seed : cfg.policy.simulation_seeds) {
      auto learned_policy = sim_policy_from_distribution(
          spec, seed ^ 0xA5A5A5A5ULL, [&](const SimDecisionBatch& b, std::vector<double>* pr) {
            std::vector<float> st(b.states, b.states + size_t(b.n) * D), q(size_t(b.n) * A);
            scale_states(spec, st.data(), b.n);
            learner.q_values(st.data(), b.n, q.data());
            pr->resize(size_t(b.n) * A);
            for (int64_t i = 0; i < b.n; ++i)
              action_distribution(ex, &q[size_t(i) * A], b.masks + size_t(i) * A, int(A),
                                  &(*pr)[size_t(i) * A]);
          });
      rep.simulated.push_back(
          {"learned (" + ex.mode + ")", seed, sim.run(eval_customers, seed, learned_policy)});
      rep.simulated.push_back({"logging", seed, sim.run(eval_customers, seed)});
      rep.simulated.push_back(
          {"everyone at " + std::to_string(cfg.policy.baseline_send_hour) + ":00", seed,
           sim.run(eval_customers, seed,
                   sim_policy_send_everyone(spec, cfg.policy.baseline_send_hour))});
    }
  }

  // --- checkpoint ---
  const Checkpoint ck = send_policy_to_checkpoint(spec, learner, cfg.exploration, rep.approval,
                                                  rep.to_json(), cfg.config_yaml);
  write_checkpoint(ck, output);
  spdlog::info("policy: checkpoint written to {}", output);
  return rep;
}

void bind_policy_train_config(CLI::App* app, PolicyTrainConfig* cfg,
                              std::vector<std::unique_ptr<ParamSet>>* params) {
  auto add = [&](const char* section, auto bind, auto* field) {
    params->push_back(std::make_unique<ParamSet>(app, section));
    bind(*params->back(), *field);
  };
  add("policy", add_policy_params, &cfg->policy);
  add("action_space", add_action_space_params, &cfg->actions);
  add("masks", add_mask_params, &cfg->masks);
  add("reward", add_reward_params, &cfg->reward);
  add("state_features", add_state_feature_params, &cfg->features);
  add("exploration", add_exploration_params, &cfg->exploration);
  add("dqn", add_dqn_params, &cfg->dqn);
  add("ope", add_ope_params, &cfg->ope);
  add("simulator", add_simulator_params, &cfg->simulator);
}

PolicyTrainConfig load_policy_train_config(const std::string& yaml_path) {
  PolicyTrainConfig cfg;
  CLI::App app;
  std::vector<std::unique_ptr<ParamSet>> params;
  bind_policy_train_config(&app, &cfg, &params);
  const YAML::Node root = load_yaml_file(yaml_path);
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string section = it->first.as<std::string>();
    bool known = false;
    for (const auto& ps : params) known |= ps->section() == section;
    TAILOR_CHECK(known, "config " << yaml_path << ": unknown section '" << section << "'");
  }
  for (auto& ps : params) ps->apply_yaml(root, yaml_path);
  return cfg;
}

std::string PolicyTrainReport::to_json() const {
  nlohmann::json j;
  j["dataset"] = {{"kind", dataset_kind},
                  {"log_rows", log_rows},
                  {"rejected_rows", rejected_rows},
                  {"outside_action_space", outside_action_space},
                  {"logged_action_masked", logged_action_masked}};
  j["split"] = {{"train_customers", train_customers},
                {"eval_customers", eval_customers},
                {"train_decisions", train_decisions},
                {"eval_decisions", eval_decisions}};
  j["training"] = {
      {"transitions", train_transitions}, {"validation_decisions", validation_decisions},
      {"selected_step", selected_step},   {"selected_validation_dr", selected_value},
      {"offline_steps", offline_steps},   {"online_steps", online_steps},
      {"total_steps", total_steps},       {"final_loss", final_loss}};
  j["actions"] = action_labels;
  std::vector<std::string> metrics;
  for (int m = 0; m < kPolicyMetricCount; ++m) metrics.push_back(policy_metric_name(m));
  j["metrics"] = metrics;
  for (int m = 0; m < kPolicyMetricCount; ++m) {
    j["logging"][metrics[size_t(m)]] = estimate_json(logging[size_t(m)]);
    if (std::isfinite(logging_truth[size_t(m)]))
      j["logging_truth"][metrics[size_t(m)]] = logging_truth[size_t(m)];
  }
  for (const auto& p : policies) {
    nlohmann::json pj = {
        {"name", p.name},
        {"kind", p.kind},
        {"email_rate", p.email_rate},
        {"weights", {{"mean", p.weights.mean}, {"max", p.weights.max}, {"ess", p.weights.ess}}}};
    for (int m = 0; m < kPolicyMetricCount; ++m) {
      const OpeResult& e = p.estimates[size_t(m)];
      pj["estimates"][metrics[size_t(m)]] = {{"ips", estimate_json(e.ips)},
                                             {"snips", estimate_json(e.snips)},
                                             {"dm", estimate_json(e.dm)},
                                             {"dr", estimate_json(e.dr)}};
      if (std::isfinite(p.truth[size_t(m)])) pj["truth"][metrics[size_t(m)]] = p.truth[size_t(m)];
    }
    j["policies"].push_back(pj);
  }
  for (const auto& s : simulated) {
    nlohmann::json sj = {{"policy", s.policy},
                         {"seed", s.seed},
                         {"customers", s.totals.customers},
                         {"decisions", s.totals.decisions},
                         {"sends", s.totals.sends},
                         {"mask_violations", s.totals.mask_violations}};
    for (int m = 0; m < kPolicyMetricCount; ++m)
      sj["per_customer"][metrics[size_t(m)]] = s.totals.per_customer(m);
    j["simulation"].push_back(sj);
  }
  // Calibration on synthetic data: how many policies have their true value inside each interval.
  if (!policies.empty() && std::isfinite(policies[0].truth[kMetricReward])) {
    for (int m = 0; m < kPolicyMetricCount; ++m) {
      int ips = 0, snips = 0, dr = 0, n = 0;
      for (const auto& p : policies) {
        const double t = p.truth[size_t(m)];
        const OpeResult& e = p.estimates[size_t(m)];
        ++n;
        ips += e.ips.lo <= t && t <= e.ips.hi;
        snips += e.snips.lo <= t && t <= e.snips.hi;
        dr += e.dr.lo <= t && t <= e.dr.hi;
      }
      j["coverage"][metrics[size_t(m)]] = {
          {"policies", n}, {"ips", ips}, {"snips", snips}, {"dr", dr}};
    }
  }
  j["learned_stop_share"] = learned_stop_share;
  j["decisions_with_send_allowed"] = decisions_with_send_allowed;
  j["approval"] = {{"approved", approval.approved},
                   {"forced", approval.forced},
                   {"dr_lower", approval.dr_lower},
                   {"logging_value", approval.logging_value},
                   {"reason", approval.reason}};
  return j.dump(1);
}

std::string PolicyTrainReport::to_text() const {
  std::ostringstream os;
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "send policy (%s data): %lld log rows, %lld rejected, %lld logged actions outside the "
      "action space, %lld masked\n"
      "  split: %lld training customers (%lld decisions), %lld evaluation customers (%lld "
      "decisions)\n"
      "  training: %lld transitions, %lld offline + %lld online learner steps, final loss %.5f\n"
      "  model selection: %lld validation decisions, kept the networks of step %lld "
      "(validation DR %.6g)\n",
      dataset_kind.c_str(), (long long)log_rows, (long long)rejected_rows,
      (long long)outside_action_space, (long long)logged_action_masked, (long long)train_customers,
      (long long)train_decisions, (long long)eval_customers, (long long)eval_decisions,
      (long long)train_transitions, (long long)offline_steps, (long long)online_steps, final_loss,
      (long long)validation_decisions, (long long)selected_step, selected_value);
  os << buf;
  const bool has_truth = !policies.empty() && std::isfinite(policies[0].truth[0]);
  auto fmt = [](const OpeEstimate& e) {
    char b[96];
    std::snprintf(b, sizeof b, "%9.5f [%9.5f, %9.5f]", e.value, e.lo, e.hi);
    return std::string(b);
  };
  for (int m : {int(kMetricReward), int(kMetricClicks), int(kMetricConversions),
                int(kMetricRevenue), int(kMetricUnsubscribes)}) {
    os << "\n"
       << policy_metric_name(m)
       << " per decision (evaluation customers; 95% bootstrap intervals over customers)\n";
    std::snprintf(buf, sizeof buf, "  %-28s %6s  %-33s %-33s %-33s%s\n", "policy", "email", "IPS",
                  "SNIPS", "DR", has_truth ? "      true" : "");
    os << buf;
    std::snprintf(buf, sizeof buf, "  %-28s %6s  %-33s %-33s %-33s", "logging (on-policy mean)", "",
                  fmt(logging[size_t(m)]).c_str(), "", "");
    os << buf;
    if (has_truth) {
      std::snprintf(buf, sizeof buf, " %9.5f", logging_truth[size_t(m)]);
      os << buf;
    }
    os << "\n";
    for (const auto& p : policies) {
      // Reward: every policy; other metrics: all but the constant sends (see the JSON).
      if (m != kMetricReward && p.kind == "constant" && p.name != "no email") continue;
      const OpeResult& e = p.estimates[size_t(m)];
      std::snprintf(buf, sizeof buf, "  %-28s %6.3f  %-33s %-33s %-33s",
                    p.name.substr(0, 28).c_str(), p.email_rate, fmt(e.ips).c_str(),
                    fmt(e.snips).c_str(), fmt(e.dr).c_str());
      os << buf;
      if (has_truth) {
        std::snprintf(buf, sizeof buf, " %9.5f", p.truth[size_t(m)]);
        os << buf;
      }
      os << "\n";
    }
  }
  if (!simulated.empty()) {
    os << "\nsimulated year of the evaluation customers (true model; per customer; masks = "
          "decisions "
          "that broke a mask)\n";
    std::snprintf(buf, sizeof buf, "  %-28s %6s %10s %10s %10s %10s %10s %10s %6s\n", "policy",
                  "seed", "reward", "clicks", "convers.", "revenue", "unsubs", "emails", "masks");
    os << buf;
    for (const auto& s : simulated) {
      // The logging policy is the shop's own and not bound by the policy's masks.
      const std::string viol =
          s.policy == "logging" ? "-" : std::to_string(s.totals.mask_violations);
      std::snprintf(
          buf, sizeof buf, "  %-28s %6llu %10.4f %10.4f %10.4f %10.3f %10.5f %10.2f %6s\n",
          s.policy.substr(0, 28).c_str(), (unsigned long long)s.seed,
          s.totals.per_customer(kMetricReward), s.totals.per_customer(kMetricClicks),
          s.totals.per_customer(kMetricConversions), s.totals.per_customer(kMetricRevenue),
          s.totals.per_customer(kMetricUnsubscribes), s.totals.per_customer(kMetricEmails),
          viol.c_str());
      os << buf;
    }
  }
  std::snprintf(
      buf, sizeof buf,
      "\nlearned (greedy) sends no email in %.1f%% of the %lld evaluation decisions where an "
      "email was allowed\n",
      100.0 * learned_stop_share, (long long)decisions_with_send_allowed);
  os << buf;
  os << approval.reason << "\n";
  return os.str();
}

}  // namespace tailor
