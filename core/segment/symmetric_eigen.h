// Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations (no LAPACK),
// used for PCA of a d x d feature covariance.
#pragma once

#include <cstddef>
#include <vector>

namespace tailor {

struct SymmetricEigen {
  std::vector<double> values;   ///< d eigenvalues, descending
  std::vector<double> vectors;  ///< (d, d) row-major; row i is the unit eigenvector of values[i],
                                ///< signed so that its largest-magnitude entry is positive
  int sweeps = 0;               ///< Jacobi sweeps used
};

/// Decomposes the symmetric matrix a: (d, d) row-major. Only symmetric input is meaningful; a
/// clearly asymmetric or non-finite matrix is a tailor::Error.
SymmetricEigen symmetric_eigen_jacobi(const std::vector<double>& a, size_t d);

}  // namespace tailor
