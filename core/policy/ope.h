// Off-policy evaluation from logged propensities: inverse propensity scoring (IPS), self-
// normalised IPS (SNIPS), the direct method (DM) and doubly robust (DR) estimates of a target
// policy's value, with percentile-bootstrap intervals that resample customers (all of a
// customer's decisions together: they are not independent). Any number of target policies and
// metrics share the same resamples.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace tailor {

/// Parameters of off-policy evaluation (YAML section `ope`, configs/policy.yaml).
struct OpeParams {
  /// Bootstrap resamples (of customers) for the intervals.
  int bootstrap_resamples = 500;
  /// Coverage of the percentile intervals.
  double confidence = 0.95;
  /// Seed of the resamples.
  uint64_t bootstrap_seed = 7;
  /// Ridge penalty of DR's reward model (per-action ridge regression on the scaled state).
  double ridge_lambda = 1.0;
};

void check_ope_params(const OpeParams& p);

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct OpeEstimate {
  double value = kNaN, lo = kNaN, hi = kNaN;
};

/// Estimates of one (target policy, metric).
struct OpeResult {
  OpeEstimate ips, snips, dm, dr;
};

/// Importance-weight diagnostics of one target policy.
struct OpeWeights {
  double mean = 0;  ///< mean of w = pi(a_logged) / mu(a_logged); 1 in expectation
  double max = 0;
  double ess = 0;  ///< effective sample size (sum w)^2 / sum w^2
};

/// Logged data: n rows with the logged action (index into the target's action space, -1 when
/// the logged action is outside it: every target gives it probability 0), its logging
/// propensity (> 0) and a cluster (customer) id for the bootstrap.
class OffPolicyEvaluator {
 public:
  OffPolicyEvaluator(int64_t n, int n_actions, std::vector<int32_t> action,
                     std::vector<float> propensity, std::vector<int64_t> cluster,
                     const OpeParams& params);

  /// A metric: observed value per row and the reward model's prediction q_hat (n, n_actions)
  /// (empty: q_hat = 0, so DR = IPS and DM = 0). Returns its index. Add every metric before
  /// the first policy.
  int add_metric(std::string name, std::vector<double> observed, std::vector<float> q_hat);
  /// A target policy: probs (n, n_actions) row-major, each row summing to 1. Returns its index.
  /// Only per-customer sums are kept, so many policies are cheap.
  int add_policy(std::string name, const std::vector<float>& probs);

  /// Runs the estimators and the bootstrap (OpenMP over resamples; the result does not depend
  /// on the thread count).
  void run();

  /// After run(): estimates of (policy, metric).
  const OpeResult& result(int policy, int metric) const;
  /// After run(): the logged (on-policy) mean of a metric with its interval.
  const OpeEstimate& on_policy(int metric) const;
  const OpeWeights& weights(int policy) const { return weights_[static_cast<size_t>(policy)]; }

  int64_t rows() const { return n_; }
  int64_t clusters() const { return n_clusters_; }
  const std::vector<std::string>& policy_names() const { return policy_names_; }
  const std::vector<std::string>& metric_names() const { return metric_names_; }

 private:
  int64_t n_;
  int n_actions_;
  std::vector<int32_t> action_;
  std::vector<float> propensity_;
  std::vector<int64_t> cluster_index_;  ///< dense cluster per row
  int64_t n_clusters_ = 0;
  OpeParams params_;
  std::vector<std::string> policy_names_, metric_names_;
  /// Per policy: per cluster the sums of (w, then per metric IPS, DM and DR row terms).
  std::vector<std::vector<double>> policy_terms_;
  std::vector<std::vector<double>> observed_;
  std::vector<std::vector<float>> q_hat_;
  std::vector<std::vector<OpeResult>> results_;
  std::vector<OpeEstimate> on_policy_;
  std::vector<OpeWeights> weights_;
};

/// The approval rule of `tailor-train policy`: the learned policy is approved when the lower
/// bound of its DR interval beats the logging policy's (on-policy) value, or when forced.
struct PolicyApproval {
  bool approved = false;
  bool forced = false;  ///< approved only because of --force-approve
  bool dr_beats_logging = false;
  double dr_lower = kNaN, logging_value = kNaN;
  std::string reason;  ///< one line for the output and the checkpoint
};
PolicyApproval decide_approval(double dr_lower, double logging_value, bool force);

}  // namespace tailor
