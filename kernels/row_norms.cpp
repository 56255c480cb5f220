// CPU twins of the row-norm primitives (kernels/row_norms.h).
#include "kernels/row_norms.h"

#include <cblas.h>

#include <climits>

#include "core/common/error.h"

namespace tailor {

double row_sq_norms_cpu(const float* x, int64_t n, int64_t d, float* out) {
  TAILOR_CHECK(n >= 0 && d >= 0, "row_sq_norms_cpu: bad shape (" << n << ", " << d << ")");
  double total = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : total)
  for (int64_t i = 0; i < n; ++i) {
    const float* row = x + i * d;
    float s = 0.0f;
    for (int64_t j = 0; j < d; ++j) s += row[j] * row[j];
    out[i] = s;
    total += s;
  }
  return total;
}

void row_inner_products_cpu(const float* x, int64_t n, const float* y, int64_t m, int64_t d,
                            float* out) {
  TAILOR_CHECK(n >= 0 && m >= 0 && d >= 0,
               "row_inner_products_cpu: bad shape n=" << n << " m=" << m << " d=" << d);
  TAILOR_CHECK(n <= INT_MAX && m <= INT_MAX && d <= INT_MAX,
               "row_inner_products_cpu: sizes above INT_MAX are not supported by BLAS, got n="
                   << n << " m=" << m << " d=" << d);
  if (n == 0 || m == 0) return;
  if (d == 0) {
    for (int64_t i = 0; i < n * m; ++i) out[i] = 0.0f;
    return;
  }
  // out (n, m) = X (n, d) * Y^T (d, m), all row-major.
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), static_cast<int>(m),
              static_cast<int>(d), 1.0f, x, static_cast<int>(d), y, static_cast<int>(d), 0.0f, out,
              static_cast<int>(m));
}

}  // namespace tailor
