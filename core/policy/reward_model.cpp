// Per-action ridge regression (normal equations, Cholesky) for the DR reward model.
#include "core/policy/reward_model.h"

#include <omp.h>

#include <cmath>

#include "core/common/error.h"

namespace tailor {

bool cholesky_solve(std::vector<double>& a, int n, std::vector<double>& b, int k) {
  for (int j = 0; j < n; ++j) {
    double d = a[size_t(j) * n + j];
    for (int p = 0; p < j; ++p) d -= a[size_t(j) * n + p] * a[size_t(j) * n + p];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    a[size_t(j) * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double s = a[size_t(i) * n + j];
      for (int p = 0; p < j; ++p) s -= a[size_t(i) * n + p] * a[size_t(j) * n + p];
      a[size_t(i) * n + j] = s / d;
    }
  }
  for (int c = 0; c < k; ++c) {
    for (int i = 0; i < n; ++i) {  // L y = b
      double s = b[size_t(i) * k + c];
      for (int p = 0; p < i; ++p) s -= a[size_t(i) * n + p] * b[size_t(p) * k + c];
      b[size_t(i) * k + c] = s / a[size_t(i) * n + i];
    }
    for (int i = n - 1; i >= 0; --i) {  // L^T x = y
      double s = b[size_t(i) * k + c];
      for (int p = i + 1; p < n; ++p) s -= a[size_t(p) * n + i] * b[size_t(p) * k + c];
      b[size_t(i) * k + c] = s / a[size_t(i) * n + i];
    }
  }
  return true;
}

void RidgeRewardModel::fit(const float* x, int64_t n, int dim, const int32_t* action, int n_actions,
                           const std::vector<std::vector<double>>& targets, double lambda,
                           int min_rows) {
  TAILOR_CHECK(lambda >= 0.0, "reward model: lambda must be >= 0");
  dim_ = dim;
  n_actions_ = n_actions;
  n_metrics_ = static_cast<int>(targets.size());
  const int D = dim + 1, M = n_metrics_;
  coef_.assign(size_t(n_actions) * M * D, 0.0);
  // Pooled mean over rows of send actions (the fallback of sparse send actions).
  std::vector<double> pooled(M, 0.0);
  int64_t n_send = 0;
  std::vector<int64_t> rows_of(n_actions, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (action[i] < 0) continue;
    ++rows_of[action[i]];
    if (action[i] == 0) continue;
    ++n_send;
    for (int m = 0; m < M; ++m) pooled[m] += targets[m][size_t(i)];
  }
  for (int m = 0; m < M; ++m) pooled[m] = n_send > 0 ? pooled[m] / double(n_send) : 0.0;

#pragma omp parallel for schedule(dynamic, 1)
  for (int a = 0; a < n_actions; ++a) {
    double* coef = &coef_[size_t(a) * M * D];
    if (rows_of[a] < min_rows) {
      for (int m = 0; m < M; ++m) coef[size_t(m) * D + dim] = a == 0 ? 0.0 : pooled[m];
      if (a == 0 && rows_of[a] > 0) {  // few "no email" rows: their mean
        for (int m = 0; m < M; ++m) {
          double s = 0.0;
          for (int64_t i = 0; i < n; ++i)
            if (action[i] == 0) s += targets[m][size_t(i)];
          coef[size_t(m) * D + dim] = s / double(rows_of[a]);
        }
      }
      continue;
    }
    // Normal equations with features and intercept: (X^T X + lambda I') w = X^T y.
    std::vector<double> xtx(size_t(D) * D, 0.0), xty(size_t(D) * M, 0.0), row(D);
    for (int64_t i = 0; i < n; ++i) {
      if (action[i] != a) continue;
      for (int j = 0; j < dim; ++j) row[j] = x[size_t(i) * dim + j];
      row[dim] = 1.0;
      for (int j = 0; j < D; ++j) {
        for (int l = 0; l <= j; ++l) xtx[size_t(j) * D + l] += row[j] * row[l];
        for (int m = 0; m < M; ++m) xty[size_t(j) * M + m] += row[j] * targets[m][size_t(i)];
      }
    }
    for (int j = 0; j < D; ++j)
      for (int l = j + 1; l < D; ++l) xtx[size_t(j) * D + l] = xtx[size_t(l) * D + j];
    for (int j = 0; j < dim; ++j) xtx[size_t(j) * D + j] += lambda;
    xtx[size_t(dim) * D + dim] += 1e-9;
    if (!cholesky_solve(xtx, D, xty, M)) {  // singular (lambda 0): fall back to the pooled mean
      for (int m = 0; m < M; ++m) coef[size_t(m) * D + dim] = pooled[m];
      continue;
    }
    for (int m = 0; m < M; ++m)
      for (int j = 0; j < D; ++j) coef[size_t(m) * D + j] = xty[size_t(j) * M + m];
  }
}

void RidgeRewardModel::predict(const float* x, int64_t n, int metric, float* out) const {
  TAILOR_CHECK(metric >= 0 && metric < n_metrics_, "reward model: no metric " << metric);
  const int D = dim_ + 1;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    const float* xi = x + size_t(i) * dim_;
    for (int a = 0; a < n_actions_; ++a) {
      const double* c = &coef_[(size_t(a) * n_metrics_ + metric) * D];
      double s = c[dim_];
      for (int j = 0; j < dim_; ++j) s += c[j] * xi[j];
      out[size_t(i) * n_actions_ + a] = static_cast<float>(s);
    }
  }
}

}  // namespace tailor
