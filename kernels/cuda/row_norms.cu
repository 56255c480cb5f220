// CUDA row-norm primitives: a warp-per-row squared-norm kernel, a Thrust sum, a cuBLAS X Y^T,
// and the host-pointer entries of kernels/row_norms.h built on them.
#include <thrust/execution_policy.h>
#include <thrust/functional.h>
#include <thrust/transform_reduce.h>

#include <climits>
#include <string>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/device_buffer.cuh"
#include "kernels/cuda/row_norms.cuh"
#include "kernels/device.h"
#include "kernels/row_norms.h"

namespace tailor {
namespace {

constexpr int kWarp = 32;
constexpr int kThreads = 256;  // 8 rows per block

// x: (n, d) row-major, out: (n). One warp per row; lanes stride over the columns, then a
// shuffle reduction leaves the row's sum in lane 0.
__global__ void row_sq_norms_kernel(const float* __restrict__ x, int64_t n, int64_t d,
                                    float* __restrict__ out) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * (kThreads / kWarp) + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= n) return;  // uniform per warp
  const float* r = x + row * d;
  float s = 0.0f;
  for (int64_t j = lane; j < d; j += kWarp) {
    const float v = r[j];
    s = fmaf(v, v, s);
  }
  for (int offset = kWarp / 2; offset > 0; offset /= 2) s += __shfl_down_sync(0xffffffffu, s, offset);
  if (lane == 0) out[row] = s;
}

struct ToDouble {
  __host__ __device__ double operator()(float v) const { return static_cast<double>(v); }
};

// Throws a clear error before any allocation when no GPU can run the work.
void require_device(const char* who) {
  TAILOR_CHECK(cuda_device_count() > 0,
               who << ": no CUDA device usable (" << cuda_device_description(0) << ")");
}

class CublasHandle {
 public:
  explicit CublasHandle(cudaStream_t stream) {
    TAILOR_CUBLAS_CHECK(cublasCreate(&handle_));
    TAILOR_CUBLAS_CHECK(cublasSetStream(handle_, stream));
  }
  ~CublasHandle() { cublasDestroy(handle_); }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

}  // namespace

void launch_row_sq_norms(const float* d_x, int64_t n, int64_t d, float* d_out, cudaStream_t stream) {
  if (n == 0) return;
  const int64_t rows_per_block = kThreads / kWarp;
  const int64_t blocks = (n + rows_per_block - 1) / rows_per_block;
  TAILOR_CHECK(blocks <= INT_MAX, "launch_row_sq_norms: n = " << n << " rows is too many");
  row_sq_norms_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(d_x, n, d, d_out);
  TAILOR_CUDA_CHECK(cudaGetLastError());
}

double sum_on_device(const float* d_values, int64_t n, cudaStream_t stream) {
  if (n == 0) return 0.0;
  return thrust::transform_reduce(thrust::cuda::par.on(stream), d_values, d_values + n, ToDouble(),
                                  0.0, thrust::plus<double>());
}

void row_inner_products_device(cublasHandle_t handle, const float* d_x, int64_t n, const float* d_y,
                               int64_t m, int64_t d, float* d_out) {
  TAILOR_CHECK(n <= INT_MAX && m <= INT_MAX && d <= INT_MAX,
               "row_inner_products_device: sizes above INT_MAX, n=" << n << " m=" << m << " d=" << d);
  const float alpha = 1.0f, beta = 0.0f;
  // Row-major X (n, d) is column-major X^T (d, n); likewise Y. The row-major result (n, m) is the
  // column-major (m, n) matrix Y X^T = op(Y^T)^T * X^T: transa = T on Y^T, transb = N on X^T.
  TAILOR_CUBLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(m),
                                  static_cast<int>(n), static_cast<int>(d), &alpha, d_y,
                                  static_cast<int>(d), d_x, static_cast<int>(d), &beta, d_out,
                                  static_cast<int>(m)));
}

double row_sq_norms_gpu(const float* x, int64_t n, int64_t d, float* out) {
  TAILOR_CHECK(n >= 0 && d >= 0, "row_sq_norms_gpu: bad shape (" << n << ", " << d << ")");
  require_device("row_sq_norms_gpu");
  if (n == 0) return 0.0;
  cudaStream_t stream = nullptr;  // the legacy default stream
  DeviceBuffer<float> d_x(static_cast<size_t>(n * d));
  DeviceBuffer<float> d_out(static_cast<size_t>(n));
  d_x.copy_from_host(x, stream);
  launch_row_sq_norms(d_x.data(), n, d, d_out.data(), stream);
  const double total = sum_on_device(d_out.data(), n, stream);
  d_out.copy_to_host(out, stream);
  TAILOR_CUDA_CHECK(cudaStreamSynchronize(stream));
  return total;
}

void row_inner_products_gpu(const float* x, int64_t n, const float* y, int64_t m, int64_t d,
                            float* out) {
  TAILOR_CHECK(n >= 0 && m >= 0 && d >= 0,
               "row_inner_products_gpu: bad shape n=" << n << " m=" << m << " d=" << d);
  require_device("row_inner_products_gpu");
  if (n == 0 || m == 0) return;
  cudaStream_t stream = nullptr;
  DeviceBuffer<float> d_x(static_cast<size_t>(n * d));
  DeviceBuffer<float> d_y(static_cast<size_t>(m * d));
  DeviceBuffer<float> d_out(static_cast<size_t>(n * m));
  if (d == 0) {  // empty rows: every inner product is 0 (cuBLAS rejects k = 0 with lda = 0)
    TAILOR_CUDA_CHECK(cudaMemsetAsync(d_out.data(), 0, d_out.size() * sizeof(float), stream));
  } else {
    d_x.copy_from_host(x, stream);
    d_y.copy_from_host(y, stream);
    CublasHandle handle(stream);
    row_inner_products_device(handle.get(), d_x.data(), n, d_y.data(), m, d, d_out.data());
  }
  d_out.copy_to_host(out, stream);
  TAILOR_CUDA_CHECK(cudaStreamSynchronize(stream));
}

}  // namespace tailor
