// Inference API of the learned send policy for the email job (no torch types): load a
// "send_policy" checkpoint, then decide for batches of customers whether to email them today,
// which campaign and at what local hour, with the propensity of that choice for the audit record.
//
//   SendPolicy policy = SendPolicy::load("policy.h5", "cpu");
//   if (!policy.approved()) ...  // the trainer's off-policy check did not pass (or was forced)
//   std::vector<SendDecision> d = policy.decide(dataset, customer_rows, now, run_seed);
//
// Masks are enforced inside decide(): a customer without consent, unsubscribed (customer flag or
// a logged unsubscribe) or suppressed, at the frequency cap, or whose campaigns are not
// eligible, gets "no email" with propensity 1; no action at a quiet hour is ever chosen. The
// choice is drawn from the policy's exploration distribution (epsilon-greedy or softmax over the
// allowed actions; SendPolicy::exploration()), so the logged propensity is exactly the
// probability that produced the email and tomorrow's logs can evaluate tomorrow's policy
// off-policy. Draws depend on (seed, customer row) only: the same seed gives the same decisions
// for any batch split, thread count or shard; pass a new seed per run (e.g. from the date).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/policy/exploration.h"
#include "core/policy/policy_spec.h"

namespace tailor {

/// Model type of send-policy checkpoints.
inline constexpr char kSendPolicyModelType[] = "send_policy";

struct SendDecision {
  int32_t action = 0;     ///< index in the policy's action space; 0 = no email
  int16_t campaign = -1;  ///< row in Dataset::campaigns of the dataset decided on; -1 = no email
  int8_t hour = -1;       ///< local send hour 0..23; -1 = no email, or no hour choice (job's time)
  float propensity = 1;   ///< probability of `action` under the exploration distribution
  std::vector<float> q_values;  ///< per action (action space order); masked actions are NaN
};

class SendPolicy {
 public:
  /// Reads and checks a checkpoint of `tailor-train policy`; device "cpu" or "cuda" (an error
  /// without CUDA).
  static SendPolicy load(const std::string& path, const std::string& device);
  SendPolicy(SendPolicy&&) noexcept;
  SendPolicy& operator=(SendPolicy&&) noexcept;
  ~SendPolicy();

  /// The trainer approved the policy (DR lower bound above the logging policy's value), or it
  /// was forced; forced() says which.
  bool approved() const;
  bool forced() const;
  /// The approval line printed by the trainer.
  const std::string& approval_reason() const;
  /// The trainer's off-policy report (JSON).
  const std::string& ope_report_json() const;

  /// The policy's campaigns in action order (names; matched by name to a dataset's campaigns).
  const std::vector<std::string>& campaign_names() const;
  int n_actions() const;
  /// "none", "mens", "new_arrivals 10h", ...
  std::string action_label(int action) const;
  const PolicySpec& spec() const;

  const ExplorationParams& exploration() const;
  /// Replaces the exploration distribution (checked); the trainer's OPE report was made with
  /// the checkpoint's.
  void set_exploration(const ExplorationParams& p);

  /// Decisions for `customers` (rows of ds.customers) at UTC time `now`, batched. The first call
  /// with a Dataset groups its rows by customer (O(rows)); later calls with the same Dataset
  /// object and sizes reuse that index.
  std::vector<SendDecision> decide(const Dataset& ds, const std::vector<int64_t>& customers,
                                   UnixTime now, uint64_t seed) const;

  /// Decisions from raw (unscaled) states (n, dim) and masks (n, n_actions) as built by
  /// build_decision_inputs; row i draws with key keys[i]. `dataset_campaign` maps policy
  /// campaigns to Dataset::campaigns rows (nullptr: identity).
  void decide_states(const float* raw_states, const uint8_t* masks, int64_t n, const uint64_t* keys,
                     uint64_t seed, const int16_t* dataset_campaign,
                     std::vector<SendDecision>* out) const;
  /// Action probabilities (n, n_actions) of the exploration distribution for raw states.
  void action_probabilities(const float* raw_states, const uint8_t* masks, int64_t n,
                            std::vector<double>* probs) const;
  /// Q-values (n, n_actions) of raw states, no masking.
  void q_values(const float* raw_states, int64_t n, std::vector<float>* out) const;

 private:
  struct Impl;
  explicit SendPolicy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tailor
