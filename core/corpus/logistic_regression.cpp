// fit_logistic_regression: objective, gradient (via the transposed matrix, fixed-order sums) and
// the L-BFGS two-loop recursion with a backtracking Armijo line search.
#include "core/corpus/logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "core/common/error.h"

namespace tailor {

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

namespace {

/// log(1 + exp(-m)) without overflow.
double log1p_exp_neg(double m) {
  return m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m));
}

struct Problem {
  const CsrMatrix& x;
  CsrMatrix xt;  // columns x rows
  const std::vector<uint8_t>& y;
  double l2;

  /// Objective at (w, b) and its gradient (gw, gb).
  double eval(const std::vector<double>& w, double b, std::vector<double>* gw, double* gb) const {
    const int64_t n = x.rows;
    std::vector<double> r(static_cast<size_t>(n));  // d loss_i / d z_i
    std::vector<double> loss_i(static_cast<size_t>(n));
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      double z = b;
      for (int64_t k = x.indptr[i]; k < x.indptr[i + 1]; ++k)
        z += double(x.values[k]) * w[x.indices[k]];
      const double s = y[i] ? 1.0 : -1.0;
      loss_i[i] = log1p_exp_neg(s * z);
      r[i] = (sigmoid(z) - (y[i] ? 1.0 : 0.0)) / double(n);
    }
    double loss = 0, sum_r = 0;
    for (int64_t i = 0; i < n; ++i) {
      loss += loss_i[i];
      sum_r += r[i];
    }
    loss /= double(n);
    const int64_t d = x.cols;
    gw->assign(static_cast<size_t>(d), 0.0);
    // X^T r one column at a time: each sum runs over the column's rows in order.
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < d; ++j) {
      double g = 0;
      for (int64_t k = xt.indptr[j]; k < xt.indptr[j + 1]; ++k)
        g += double(xt.values[k]) * r[xt.indices[k]];
      (*gw)[j] = g + l2 * w[j];
    }
    double penalty = 0;
    for (int64_t j = 0; j < d; ++j) penalty += w[j] * w[j];
    *gb = sum_r;
    return loss + 0.5 * l2 * penalty;
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

LogisticRegressionFit fit_logistic_regression(const CsrMatrix& x, const std::vector<uint8_t>& y,
                                              const LogisticRegressionParams& p) {
  TAILOR_CHECK(x.rows > 0 && static_cast<int64_t>(y.size()) == x.rows,
               "logistic regression: " << x.rows << " rows but " << y.size() << " labels");
  TAILOR_CHECK(p.l2 > 0, "logistic regression: l2 must be > 0, got " << p.l2);
  TAILOR_CHECK(p.max_iterations >= 1 && p.memory >= 1,
               "logistic regression: need max_iterations, memory >= 1");
  check_csr(x, "logistic regression features");
  Problem prob{x, transpose_csr(x), y, p.l2};
  const size_t d = static_cast<size_t>(x.cols);
  // Parameters as one vector: weights then the bias.
  std::vector<double> theta(d + 1, 0.0), grad(d + 1), gw;
  auto evaluate = [&](const std::vector<double>& th, std::vector<double>* g) {
    std::vector<double> w(th.begin(), th.end() - 1);
    double gb = 0;
    const double f = prob.eval(w, th.back(), &gw, &gb);
    g->assign(gw.begin(), gw.end());
    g->push_back(gb);
    return f;
  };
  auto max_abs = [](const std::vector<double>& v) {
    double m = 0;
    for (double e : v) m = std::max(m, std::abs(e));
    return m;
  };
  double f = evaluate(theta, &grad);
  const double g0 = std::max(1.0, max_abs(grad));
  std::deque<std::vector<double>> s_hist, y_hist;
  std::deque<double> rho_hist;
  LogisticRegressionFit fit;
  std::vector<double> dir(d + 1), next(d + 1), next_grad;
  for (int it = 0; it < p.max_iterations; ++it) {
    if (max_abs(grad) <= p.tolerance * g0) {
      fit.converged = true;
      break;
    }
    // Two-loop recursion: dir = -H grad.
    dir = grad;
    std::vector<double> alpha(s_hist.size());
    for (size_t k = s_hist.size(); k-- > 0;) {
      alpha[k] = rho_hist[k] * dot(s_hist[k], dir);
      for (size_t i = 0; i <= d; ++i) dir[i] -= alpha[k] * y_hist[k][i];
    }
    double gamma = 1.0;
    if (!s_hist.empty())
      gamma = dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
    else
      gamma = 1.0 / std::max(1e-12, std::sqrt(dot(grad, grad)));
    for (double& v : dir) v *= gamma;
    for (size_t k = 0; k < s_hist.size(); ++k) {
      const double beta = rho_hist[k] * dot(y_hist[k], dir);
      for (size_t i = 0; i <= d; ++i) dir[i] += (alpha[k] - beta) * s_hist[k][i];
    }
    for (double& v : dir) v = -v;
    double slope = dot(grad, dir);
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      s_hist.clear();
      y_hist.clear();
      rho_hist.clear();
      for (size_t i = 0; i <= d; ++i) dir[i] = -grad[i];
      slope = dot(grad, dir);
    }
    // Backtracking line search (Armijo, c = 1e-4).
    double step = 1.0, f_next = 0;
    bool accepted = false;
    for (int ls = 0; ls < 40; ++ls) {
      for (size_t i = 0; i <= d; ++i) next[i] = theta[i] + step * dir[i];
      f_next = evaluate(next, &next_grad);
      if (f_next <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no progress possible at double precision
    std::vector<double> s(d + 1), yv(d + 1);
    for (size_t i = 0; i <= d; ++i) {
      s[i] = next[i] - theta[i];
      yv[i] = next_grad[i] - grad[i];
    }
    const double sy = dot(s, yv);
    if (sy > 1e-12) {
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(yv));
      rho_hist.push_back(1.0 / sy);
      if (static_cast<int>(s_hist.size()) > p.memory) {
        s_hist.pop_front();
        y_hist.pop_front();
        rho_hist.pop_front();
      }
    }
    const double f_prev = f;
    theta.swap(next);
    grad.swap(next_grad);
    f = f_next;
    fit.iterations = it + 1;
    if (std::abs(f_prev - f) <= 1e-14 * std::max(1.0, std::abs(f))) {
      fit.converged = true;
      break;
    }
  }
  if (max_abs(grad) <= p.tolerance * g0) fit.converged = true;
  fit.weight.assign(theta.begin(), theta.end() - 1);
  fit.bias = theta.back();
  fit.loss = f;
  return fit;
}

}  // namespace tailor
