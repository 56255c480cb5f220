// L2-regularised binary logistic regression on sparse rows (CSR), fitted by full-batch L-BFGS in
// double precision. Deterministic: no random choices, and every sum runs in a fixed order, so the
// result does not depend on the number of threads.
#pragma once

#include <cstdint>
#include <vector>

#include "core/recommend/sparse_matrix.h"

namespace tailor {

struct LogisticRegressionParams {
  /// Strength lambda of the penalty (lambda / 2) * ||w||^2 added to the MEAN log loss; the bias is
  /// not penalised. scikit-learn's C is 1 / (lambda * n_samples).
  double l2 = 1e-4;
  /// L-BFGS iterations at most.
  int max_iterations = 500;
  /// Stop when the largest gradient component is below tolerance * max(1, its value at w = 0).
  double tolerance = 1e-6;
  /// L-BFGS memory (pairs of update vectors kept).
  int memory = 10;
};

struct LogisticRegressionFit {
  std::vector<double> weight;  ///< one per column
  double bias = 0;
  int iterations = 0;
  double loss = 0;  ///< final objective (mean log loss + penalty)
  bool converged = false;
};

/// Fits P(y = 1 | x) = sigmoid(w . x + b) on rows of `x` with labels `y` (0 or 1).
LogisticRegressionFit fit_logistic_regression(const CsrMatrix& x, const std::vector<uint8_t>& y,
                                              const LogisticRegressionParams& p);

/// Numerically safe logistic function.
double sigmoid(double z);

}  // namespace tailor
