// Principal component analysis of a feature matrix (covariance + Jacobi eigen-solver) and the
// projection of rows onto the leading components, for the 2-D segment plot.
#pragma once

#include <cstddef>
#include <vector>

namespace tailor {

struct PcaModel {
  size_t dim = 0;
  size_t n_components = 0;
  std::vector<double> mean;              ///< (dim)
  std::vector<double> components;        ///< (n_components, dim) row-major, unit rows
  std::vector<double> explained_variance;  ///< (n_components), eigenvalues of the covariance
  double total_variance = 0.0;           ///< trace of the covariance
};

/// Fits PCA on x: (n_rows, dim) row-major, with the sample covariance (n - 1 denominator; n for
/// a single row). n_components <= dim. Component signs: largest-magnitude entry positive.
PcaModel fit_pca(const float* x, size_t n_rows, size_t dim, size_t n_components = 2);

/// Projects one row (dim values) onto the components: out has n_components values.
void pca_project_row(const PcaModel& m, const float* row, double* out);

}  // namespace tailor
