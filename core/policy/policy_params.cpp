// ParamSet bindings (CLI options, configs/policy.yaml keys) and checks of the send-policy
// parameter structs.
#include "core/policy/policy_params.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace tailor {

void check_policy_params(const PolicyParams& p) {
  TAILOR_CHECK(p.train_share > 0.0 && p.train_share < 1.0,
               "policy.train_share must be in (0, 1), got " << p.train_share);
  TAILOR_CHECK(p.validation_share >= 0.0 && p.validation_share < 1.0,
               "policy.validation_share must be in [0, 1), got " << p.validation_share);
  TAILOR_CHECK(p.selection_pessimism >= 0.0,
               "policy.selection_pessimism must be >= 0, got " << p.selection_pessimism);
  TAILOR_CHECK(p.select_every >= 1, "policy.select_every must be >= 1, got " << p.select_every);
  TAILOR_CHECK(p.baseline_send_hour >= 0 && p.baseline_send_hour <= 23,
               "policy.baseline_send_hour must be in 0..23, got " << p.baseline_send_hour);
  TAILOR_CHECK(!p.simulate || !p.simulation_seeds.empty(),
               "policy.simulation_seeds is empty while policy.simulate is on");
}

void check_dqn_params(const DqnParams& p) {
  for (int h : p.hidden) TAILOR_CHECK(h >= 1, "dqn.hidden: layer width " << h << " must be >= 1");
  TAILOR_CHECK(p.gamma >= 0.0 && p.gamma < 1.0, "dqn.gamma must be in [0, 1), got " << p.gamma);
  TAILOR_CHECK(p.learning_rate > 0.0, "dqn.learning_rate must be > 0, got " << p.learning_rate);
  TAILOR_CHECK(p.weight_decay >= 0.0, "dqn.weight_decay must be >= 0, got " << p.weight_decay);
  TAILOR_CHECK(p.batch_size >= 1, "dqn.batch_size must be >= 1, got " << p.batch_size);
  TAILOR_CHECK(p.offline_steps >= 0, "dqn.offline_steps must be >= 0, got " << p.offline_steps);
  TAILOR_CHECK(p.cql_alpha >= 0.0, "dqn.cql_alpha must be >= 0, got " << p.cql_alpha);
  TAILOR_CHECK(p.huber_delta > 0.0, "dqn.huber_delta must be > 0, got " << p.huber_delta);
  TAILOR_CHECK(p.target_tau > 0.0 && p.target_tau <= 1.0,
               "dqn.target_tau must be in (0, 1], got " << p.target_tau);
  TAILOR_CHECK(p.target_update_every >= 1,
               "dqn.target_update_every must be >= 1, got " << p.target_update_every);
  TAILOR_CHECK(p.grad_clip_norm >= 0.0, "dqn.grad_clip_norm must be >= 0");
  TAILOR_CHECK(p.online_epochs >= 0, "dqn.online_epochs must be >= 0, got " << p.online_epochs);
  TAILOR_CHECK(p.online_updates_per_day >= 0, "dqn.online_updates_per_day must be >= 0");
  TAILOR_CHECK(p.replay_capacity >= 1, "dqn.replay_capacity must be >= 1");
  TAILOR_CHECK(p.epsilon_start >= 0.0 && p.epsilon_start <= 1.0 && p.epsilon_end >= 0.0 &&
                   p.epsilon_end <= 1.0,
               "dqn.epsilon_start and dqn.epsilon_end must be in [0, 1]");
  TAILOR_CHECK(p.epsilon_decay_steps >= 0, "dqn.epsilon_decay_steps must be >= 0");
  TAILOR_CHECK(p.device == "cpu" || p.device == "cuda",
               "dqn.device must be cpu or cuda, got '" << p.device << "'");
}

double epsilon_at(const DqnParams& p, int64_t step) {
  if (p.epsilon_decay_steps <= 0 || step >= p.epsilon_decay_steps) return p.epsilon_end;
  const double f = double(std::max<int64_t>(0, step)) / double(p.epsilon_decay_steps);
  return p.epsilon_start + f * (p.epsilon_end - p.epsilon_start);
}

void add_policy_params(ParamSet& ps, PolicyParams& p) {
  ps.add("train_share", &p.train_share,
         "share of customers (seeded split) whose decisions train; the rest evaluate");
  ps.add("split_seed", &p.split_seed, "seed of the customer split");
  ps.add("validation_share", &p.validation_share,
         "share of training customers held out to select the best networks by DR (0: none)");
  ps.add("select_every", &p.select_every, "learner steps between model-selection evaluations");
  ps.add("selection_pessimism", &p.selection_pessimism,
         "selection maximises validation DR minus this many standard errors (0: plain DR)");
  ps.add("simulate", &p.simulate,
         "synthetic shop: simulate the evaluation customers for true policy values");
  ps.add("simulation_seeds", &p.simulation_seeds, "seeds of the simulated years");
  ps.add("baseline_send_hour", &p.baseline_send_hour,
         "local hour of the 'send to everyone' baseline");
}

void add_action_space_params(ParamSet& ps, ActionSpaceParams& p) {
  ps.add("send_hours", &p.send_hours,
         "local send hours the policy chooses among (empty: no hour choice, hour -1)");
  ps.add("campaigns", &p.campaigns, "campaigns the policy may choose (empty: all of the dataset)");
}

void add_mask_params(ParamSet& ps, MaskParams& p) {
  ps.add("frequency_cap", &p.frequency_cap,
         "max emails in any frequency_window_days local days (< 0: no cap)");
  ps.add("frequency_window_days", &p.frequency_window_days, "frequency-cap window (local days)");
  ps.add("quiet_hours", &p.quiet_hours, "local hours at which no email is sent");
  ps.add("campaign_eligibility", &p.campaign_eligibility,
         "campaign rules: auto (synthetic shop rules on synth data), synth or none");
}

void add_reward_params(ParamSet& ps, RewardParams& p) {
  ps.add("click_weight", &p.click_weight, "reward per click (Hillstrom: visit)");
  ps.add("conversion_weight", &p.conversion_weight, "reward per conversion");
  ps.add("revenue_weight", &p.revenue_weight, "reward per currency unit of revenue");
  ps.add("open_weight", &p.open_weight, "reward per open (0: opens are privacy-proxy noise)");
  ps.add("cost_per_email", &p.cost_per_email, "cost of one email, in reward units");
  ps.add("unsubscribe_penalty", &p.unsubscribe_penalty, "penalty per unsubscribe, in reward units");
}

void add_state_feature_params(ParamSet& ps, StateFeatureParams& p) {
  ps.add("categories", &p.categories,
         "categories with a purchase-share column (empty: top-N by revenue)");
  ps.add("top_categories", &p.top_categories, "N of the top-N categories");
  ps.add("engagement_window_days", &p.engagement_window_days,
         "days of sends counted by the engagement columns (0: all)");
  ps.add("recency_cap_days", &p.recency_cap_days, "cap of recency_days");
  ps.add("click_recency_cap_days", &p.click_recency_cap_days, "cap of days_since_last_click");
  ps.add("return_rate_by_value", &p.return_rate_by_value, "return_rate by value, not lines");
  ps.add("email_recency_cap_days", &p.email_recency_cap_days, "cap of days_since_last_email");
  ps.add("purchase_hour_bins", &p.purchase_hour_bins,
         "bins of the purchases' local hour (0: none; divides 24)");
  ps.add("customer_attributes", &p.customer_attributes, "use the dataset's customer attributes");
  ps.add("max_attribute_levels", &p.max_attribute_levels,
         "most frequent levels of a categorical attribute with a column");
  ps.add("scaler_clip", &p.scaler_clip, "scaled features are clipped to [-clip, clip] (0: none)");
}

void add_exploration_params(ParamSet& ps, ExplorationParams& p) {
  ps.add("mode", &p.mode, "epsilon_greedy, softmax or greedy");
  ps.add("epsilon", &p.epsilon, "exploration share of epsilon_greedy");
  ps.add("temperature", &p.temperature, "softmax temperature (reward units)");
}

void add_dqn_params(ParamSet& ps, DqnParams& p) {
  ps.add("hidden", &p.hidden, "hidden layer widths of the Q-network");
  ps.add("gamma", &p.gamma, "discount per day (0: contextual bandit)");
  ps.add("learning_rate", &p.learning_rate, "AdamW learning rate");
  ps.add("weight_decay", &p.weight_decay, "AdamW weight decay");
  ps.add("batch_size", &p.batch_size, "transitions per learner step");
  ps.add("offline_steps", &p.offline_steps, "learner steps on the logged decisions");
  ps.add("cql_alpha", &p.cql_alpha, "weight of the conservative (CQL) penalty (0: plain DQN)");
  ps.add("huber_delta", &p.huber_delta, "Huber loss threshold");
  ps.add("target_tau", &p.target_tau, "Polyak rate of the target network (1: hard copy)");
  ps.add("target_update_every", &p.target_update_every, "learner steps between target updates");
  ps.add("double_dqn", &p.double_dqn, "double DQN targets");
  ps.add("grad_clip_norm", &p.grad_clip_norm, "gradient-norm clip (0: none)");
  ps.add("online_epochs", &p.online_epochs,
         "synthetic shop: simulated passes over the training customers' year (0: offline only)");
  ps.add("online_updates_per_day", &p.online_updates_per_day, "learner steps per simulated day");
  ps.add("replay_capacity", &p.replay_capacity, "online replay buffer capacity");
  ps.add("epsilon_start", &p.epsilon_start, "online exploration at the first learner step");
  ps.add("epsilon_end", &p.epsilon_end, "online exploration after the decay");
  ps.add("epsilon_decay_steps", &p.epsilon_decay_steps, "learner steps of the linear decay");
  ps.add("seed", &p.seed, "seed of initialisation, batches and online exploration");
  ps.add("device", &p.device, "cpu or cuda");
}

void add_ope_params(ParamSet& ps, OpeParams& p) {
  ps.add("bootstrap_resamples", &p.bootstrap_resamples, "bootstrap resamples of customers");
  ps.add("confidence", &p.confidence, "coverage of the intervals");
  ps.add("bootstrap_seed", &p.bootstrap_seed, "seed of the bootstrap resamples");
  ps.add("ridge_lambda", &p.ridge_lambda, "ridge penalty of DR's per-action reward model");
}

void add_simulator_params(ParamSet& ps, SimulatorParams& p) {
  ps.add("days", &p.days, "simulated days (0: the shop's history length)");
  ps.add("threads", &p.threads, "OpenMP threads (0: default); does not change the result");
}

}  // namespace tailor
