// The doubly robust estimator's reward model: for each action and metric a ridge regression of
// the observed metric on the scaled state (plus intercept), fitted on the training decisions
// only, so that DR on the evaluation decisions stays unbiased whatever the model's quality.
#pragma once

#include <cstdint>
#include <vector>

namespace tailor {

class RidgeRewardModel {
 public:
  /// x: (n, dim) scaled states; action: logged action per row (-1 rows are skipped); targets:
  /// n_metrics columns of n values. Actions with fewer than `min_rows` rows predict the pooled
  /// mean of all rows of other send actions (0 for "no email" without rows).
  void fit(const float* x, int64_t n, int dim, const int32_t* action, int n_actions,
           const std::vector<std::vector<double>>& targets, double lambda, int min_rows = 20);
  /// Predictions of `metric` for every action: out (n, n_actions).
  void predict(const float* x, int64_t n, int metric, float* out) const;

  int n_metrics() const { return n_metrics_; }

 private:
  int dim_ = 0, n_actions_ = 0, n_metrics_ = 0;
  std::vector<double> coef_;  ///< (n_actions, n_metrics, dim + 1): weights then intercept
};

/// Solves (A) x = b in place for a symmetric positive definite A (n x n, row-major) with
/// several right-hand sides b (n, k); returns false when A is not positive definite.
bool cholesky_solve(std::vector<double>& a, int n, std::vector<double>& b, int k);

}  // namespace tailor
