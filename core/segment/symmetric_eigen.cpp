// Cyclic Jacobi eigen-solver for small symmetric matrices (see symmetric_eigen.h).
#include "core/segment/symmetric_eigen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/error.h"

namespace tailor {

SymmetricEigen symmetric_eigen_jacobi(const std::vector<double>& a_in, size_t d) {
  TAILOR_CHECK(d > 0 && a_in.size() == d * d,
               "symmetric_eigen_jacobi: matrix has " << a_in.size() << " entries, expected " << d * d);
  double scale = 0.0;
  for (double v : a_in) {
    TAILOR_CHECK(std::isfinite(v), "symmetric_eigen_jacobi: non-finite matrix entry");
    scale = std::max(scale, std::abs(v));
  }
  for (size_t i = 0; i < d; ++i)
    for (size_t j = i + 1; j < d; ++j)
      TAILOR_CHECK(std::abs(a_in[i * d + j] - a_in[j * d + i]) <= 1e-9 * std::max(1.0, scale),
                   "symmetric_eigen_jacobi: matrix is not symmetric at (" << i << ", " << j << ")");

  std::vector<double> a = a_in;
  std::vector<double> v(d * d, 0.0);  // accumulated rotations; column k -> eigenvector k
  for (size_t i = 0; i < d; ++i) v[i * d + i] = 1.0;
  auto A = [&](size_t i, size_t j) -> double& { return a[i * d + j]; };
  auto V = [&](size_t i, size_t j) -> double& { return v[i * d + j]; };

  SymmetricEigen out;
  constexpr int kMaxSweeps = 100;
  for (out.sweeps = 0; out.sweeps < kMaxSweeps; ++out.sweeps) {
    double off = 0.0, diag = 0.0;
    for (size_t i = 0; i < d; ++i) {
      diag += A(i, i) * A(i, i);
      for (size_t j = i + 1; j < d; ++j) off += A(i, j) * A(i, j);
    }
    if (off <= 1e-30 * std::max(diag, 1e-300) || off == 0.0) break;
    for (size_t p = 0; p < d; ++p) {
      for (size_t q = p + 1; q < d; ++q) {
        const double apq = A(p, q);
        if (apq == 0.0) continue;
        // Rotation angle that zeroes A(p, q): t = tan(phi), cot(2 phi) = theta.
        const double theta = (A(q, q) - A(p, p)) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < d; ++k) {  // A <- A J
          const double akp = A(k, p), akq = A(k, q);
          A(k, p) = c * akp - s * akq;
          A(k, q) = s * akp + c * akq;
        }
        for (size_t k = 0; k < d; ++k) {  // A <- J^T A
          const double apk = A(p, k), aqk = A(q, k);
          A(p, k) = c * apk - s * aqk;
          A(q, k) = s * apk + c * aqk;
        }
        A(p, q) = A(q, p) = 0.0;
        for (size_t k = 0; k < d; ++k) {  // V <- V J
          const double vkp = V(k, p), vkq = V(k, q);
          V(k, p) = c * vkp - s * vkq;
          V(k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  TAILOR_CHECK(out.sweeps < kMaxSweeps, "symmetric_eigen_jacobi: no convergence in " << kMaxSweeps
                                                                                     << " sweeps");

  std::vector<size_t> order(d);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return A(x, x) > A(y, y); });
  out.values.resize(d);
  out.vectors.resize(d * d);
  for (size_t r = 0; r < d; ++r) {
    const size_t k = order[r];
    out.values[r] = A(k, k);
    size_t big = 0;
    for (size_t i = 1; i < d; ++i)
      if (std::abs(V(i, k)) > std::abs(V(big, k))) big = i;
    const double sign = V(big, k) < 0 ? -1.0 : 1.0;
    for (size_t i = 0; i < d; ++i) out.vectors[r * d + i] = sign * V(i, k);
  }
  return out;
}

}  // namespace tailor
