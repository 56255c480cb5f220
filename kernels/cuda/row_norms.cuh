// Device-pointer launchers of the row-norm primitives, for CUDA code that keeps its data on the
// GPU (K-means). Host-pointer entries for everyone else: kernels/row_norms.h.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace tailor {

/// d_out[i] = |row i of d_x|^2 for d_x: (n, d) row-major on the device; asynchronous on `stream`.
void launch_row_sq_norms(const float* d_x, int64_t n, int64_t d, float* d_out, cudaStream_t stream);

/// Sum of d_values[0..n) accumulated in double (Thrust); synchronises `stream`.
double sum_on_device(const float* d_values, int64_t n, cudaStream_t stream);

/// d_out (n, m) = X (n, d) * Y^T (m, d)^T, all row-major on the device, with cuBLAS sgemm on the
/// handle's stream. n, m, d must fit in int.
void row_inner_products_device(cublasHandle_t handle, const float* d_x, int64_t n, const float* d_y,
                               int64_t m, int64_t d, float* d_out);

}  // namespace tailor
