// PCA via the d x d covariance (accumulated per thread) and symmetric_eigen_jacobi.
#include "core/segment/pca_projection.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/common/error.h"
#include "core/segment/symmetric_eigen.h"

namespace tailor {

PcaModel fit_pca(const float* x, size_t n, size_t d, size_t n_components) {
  TAILOR_CHECK(n > 0 && d > 0, "fit_pca: empty matrix (" << n << " x " << d << ")");
  TAILOR_CHECK(n_components >= 1 && n_components <= d,
               "fit_pca: n_components " << n_components << " must be in 1.." << d);
  PcaModel m;
  m.dim = d;
  m.n_components = n_components;
  // Partial sums over fixed row blocks, merged in block order: the result does not depend on
  // the number of threads.
  constexpr size_t kBlock = 4096;
  const size_t n_blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(n_blocks * d, 0.0);
#pragma omp parallel for schedule(static)
  for (int64_t bb = 0; bb < static_cast<int64_t>(n_blocks); ++bb) {
    const size_t b = static_cast<size_t>(bb);
    double* acc = &partial[b * d];
    for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i)
      for (size_t j = 0; j < d; ++j) acc[j] += x[i * d + j];
  }
  m.mean.assign(d, 0.0);
  for (size_t b = 0; b < n_blocks; ++b)
    for (size_t j = 0; j < d; ++j) m.mean[j] += partial[b * d + j];
  for (double& v : m.mean) v /= double(n);

  partial.assign(n_blocks * d * d, 0.0);
#pragma omp parallel
  {
    std::vector<double> centred(d);
#pragma omp for schedule(static)
    for (int64_t bb = 0; bb < static_cast<int64_t>(n_blocks); ++bb) {
      const size_t b = static_cast<size_t>(bb);
      double* acc = &partial[b * d * d];
      for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
        for (size_t j = 0; j < d; ++j) centred[j] = x[i * d + j] - m.mean[j];
        for (size_t a = 0; a < d; ++a)
          for (size_t c = a; c < d; ++c) acc[a * d + c] += centred[a] * centred[c];
      }
    }
  }
  std::vector<double> cov(d * d, 0.0);
  for (size_t b = 0; b < n_blocks; ++b)
    for (size_t k = 0; k < d * d; ++k) cov[k] += partial[b * d * d + k];
  const double denom = n > 1 ? double(n - 1) : 1.0;
  for (size_t a = 0; a < d; ++a)
    for (size_t b = a; b < d; ++b) cov[b * d + a] = cov[a * d + b] = cov[a * d + b] / denom;
  for (size_t a = 0; a < d; ++a) m.total_variance += cov[a * d + a];
  TAILOR_CHECK(std::isfinite(m.total_variance), "fit_pca: the matrix has non-finite values");

  const SymmetricEigen eig = symmetric_eigen_jacobi(cov, d);
  m.components.assign(eig.vectors.begin(), eig.vectors.begin() + static_cast<std::ptrdiff_t>(n_components * d));
  m.explained_variance.assign(eig.values.begin(), eig.values.begin() + static_cast<std::ptrdiff_t>(n_components));
  for (double& v : m.explained_variance) v = std::max(0.0, v);  // rounding can give -1e-17
  return m;
}

void pca_project_row(const PcaModel& m, const float* row, double* out) {
  for (size_t c = 0; c < m.n_components; ++c) {
    double s = 0.0;
    for (size_t j = 0; j < m.dim; ++j) s += (row[j] - m.mean[j]) * m.components[c * m.dim + j];
    out[c] = s;
  }
}

}  // namespace tailor
