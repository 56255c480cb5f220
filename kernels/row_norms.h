// Row squared norms and row inner products of row-major float matrices: the distance pieces of
// K-means (|x - c|^2 = |x|^2 - 2 x.c + |c|^2). CPU twins plus GPU entries on host pointers.
// No CUDA types here; the device-pointer launchers are in kernels/cuda/row_norms.cuh.
#pragma once

#include <cstdint>

namespace tailor {

/// out[i] = sum_j x[i*d + j]^2 for x: (n, d) row-major. Returns sum_i out[i] (= |X|_F^2),
/// accumulated in double. CPU twin: the reference and the CPU path (OpenMP over rows).
double row_sq_norms_cpu(const float* x, int64_t n, int64_t d, float* out);

/// out[i*m + k] = sum_j x[i*d + j] * y[k*d + j] for x: (n, d), y: (m, d), out: (n, m), all
/// row-major (out = X Y^T). CPU twin through BLAS sgemm.
void row_inner_products_cpu(const float* x, int64_t n, const float* y, int64_t m, int64_t d,
                            float* out);

/// GPU version of row_sq_norms_cpu on host pointers: copies x to the current CUDA device, runs
/// the row-norm kernel, reduces the norms with Thrust, copies the norms back. Throws
/// tailor::Error when tailor was built without CUDA, when no device is visible, or on any CUDA
/// error (naming file and line).
double row_sq_norms_gpu(const float* x, int64_t n, int64_t d, float* out);

/// GPU version of row_inner_products_cpu on host pointers (cuBLAS sgemm). Same errors.
void row_inner_products_gpu(const float* x, int64_t n, const float* y, int64_t m, int64_t d,
                            float* out);

}  // namespace tailor
