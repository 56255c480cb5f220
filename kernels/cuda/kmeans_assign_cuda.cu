// CUDA K-means assignment: a fused ragged kernel (distance + argmin, centroid tiles in shared
// memory, no n x k matrix) and, for large d, the argmin over cuBLAS SGEMM tiles.
#include <cfloat>
#include <cstdint>

#include "kernels/cuda/kmeans_cuda_common.cuh"
#include "kernels/kmeans_cuda.h"

namespace tailor {
namespace {

constexpr int kRows = kKMeansCudaAssignRows;  // rows per block = threads per block
constexpr int kDimChunk = 32;                 // dims per shared-memory tile
constexpr int kCentroidTile = 32;             // centroids per register tile
constexpr int kWarp = 32;

// x: (rows of all data) x d; c: (sum k) x d. Block b: run r = block_run[b], rows
// [row0, row0 + kRows) of that run, one row per thread.
__global__ void __launch_bounds__(kRows)
    assign_fused_kernel(const float* __restrict__ x, const float* __restrict__ c, int d,
                        KMeansCudaRuns runs, const std::int32_t* __restrict__ block_run,
                        const std::int64_t* __restrict__ block_row, std::int32_t* __restrict__ labels,
                        float* __restrict__ dist) {
  __shared__ float xs[kRows][kDimChunk + 1];  // +1: no bank conflicts on xs[tid][t]
  __shared__ float cs[kCentroidTile][kDimChunk];
  const int tid = threadIdx.x;
  const int r = block_run[blockIdx.x];
  const std::int64_t row0 = block_row[blockIdx.x];
  const std::int64_t n = runs.n[r];
  const int k = runs.k[r];
  const float* xr = x + runs.x_row[r] * d;   // run's points
  const float* cr = c + runs.c_row[r] * d;   // run's centroids
  const std::int64_t my_row = row0 + tid;    // row within the run

  float best = FLT_MAX;
  int best_j = 0;
  for (int c0 = 0; c0 < k; c0 += kCentroidTile) {
    float acc[kCentroidTile];
#pragma unroll
    for (int j = 0; j < kCentroidTile; ++j) acc[j] = 0.0f;
    for (int t0 = 0; t0 < d; t0 += kDimChunk) {
      __syncthreads();  // previous tiles fully used
      for (int e = tid; e < kRows * kDimChunk; e += kRows) {
        const int rr = e / kDimChunk, tt = e % kDimChunk;
        const std::int64_t row = row0 + rr;
        xs[rr][tt] = (row < n && t0 + tt < d) ? xr[row * d + t0 + tt] : 0.0f;
      }
      for (int e = tid; e < kCentroidTile * kDimChunk; e += kRows) {
        const int jj = e / kDimChunk, tt = e % kDimChunk;
        cs[jj][tt] = (c0 + jj < k && t0 + tt < d) ? cr[std::int64_t(c0 + jj) * d + t0 + tt] : 0.0f;
      }
      __syncthreads();
      const int dims = min(kDimChunk, d - t0);  // padded dims are 0 - 0 anyway
      for (int tt = 0; tt < dims; ++tt) {
        const float xv = xs[tid][tt];
#pragma unroll
        for (int j = 0; j < kCentroidTile; ++j) {
          const float diff = xv - cs[j][tt];  // same address for all threads: broadcast
          acc[j] = fmaf(diff, diff, acc[j]);
        }
      }
    }
#pragma unroll
    for (int j = 0; j < kCentroidTile; ++j) {
      if (c0 + j < k && acc[j] < best) {  // ascending j, strict <: ties keep the lowest index
        best = acc[j];
        best_j = c0 + j;
      }
    }
  }
  if (my_row < n) {
    const std::int64_t s = runs.slot[r] + my_row;
    labels[s] = best_j;
    dist[s] = best;
  }
}

// One warp per centroid: norms[j] = sum_t c[j][t]^2 (fixed-order warp reduction).
__global__ void row_sq_norms_kernel(const float* __restrict__ c, int k, int d,
                                    float* __restrict__ norms) {
  const int warp = (blockIdx.x * blockDim.x + threadIdx.x) / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (warp >= k) return;
  float s = 0.0f;
  for (int t = lane; t < d; t += kWarp) {
    const float v = c[std::int64_t(warp) * d + t];
    s = fmaf(v, v, s);
  }
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_down_sync(0xffffffffu, s, off);
  if (lane == 0) norms[warp] = s;
}

// One warp per row of the tile: argmin_j norms[j] - 2 g[i][j] (ties: lowest j), then the exact
// squared distance to that centroid. g: rows x k; x_tile: rows x d; c: k x d.
__global__ void argmin_gemm_tile_kernel(const float* __restrict__ g, const float* __restrict__ norms,
                                        const float* __restrict__ x_tile, const float* __restrict__ c,
                                        std::int64_t rows, int k, int d,
                                        std::int32_t* __restrict__ labels, float* __restrict__ dist) {
  const std::int64_t row = (std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;  // whole warp leaves together (row is uniform in the warp)
  const float* gr = g + row * k;
  float best = FLT_MAX;
  int best_j = INT32_MAX;
  for (int j = lane; j < k; j += kWarp) {  // each lane: ascending j, strict <
    const float v = norms[j] - 2.0f * gr[j];
    if (v < best) {
      best = v;
      best_j = j;
    }
  }
  for (int off = kWarp / 2; off > 0; off /= 2) {
    const float ov = __shfl_down_sync(0xffffffffu, best, off);
    const int oj = __shfl_down_sync(0xffffffffu, best_j, off);
    if (ov < best || (ov == best && oj < best_j)) {
      best = ov;
      best_j = oj;
    }
  }
  best_j = __shfl_sync(0xffffffffu, best_j, 0);
  if (best_j == INT32_MAX) best_j = 0;  // only if every value were +inf/NaN (inputs are finite)
  const float* xr = x_tile + row * d;
  const float* cr = c + std::int64_t(best_j) * d;
  float s = 0.0f;
  for (int t = lane; t < d; t += kWarp) {
    const float diff = xr[t] - cr[t];
    s = fmaf(diff, diff, s);
  }
  for (int off = kWarp / 2; off > 0; off /= 2) s += __shfl_down_sync(0xffffffffu, s, off);
  if (lane == 0) {
    labels[row] = best_j;
    dist[row] = s;
  }
}

}  // namespace

void kmeans_cuda_assign_fused(const float* x, const float* c, int d, KMeansCudaRuns runs,
                              const std::int32_t* block_run, const std::int64_t* block_row,
                              int n_blocks, std::int32_t* labels, float* dist, void* stream) {
  if (n_blocks == 0) return;
  assign_fused_kernel<<<n_blocks, kRows, 0, static_cast<cudaStream_t>(stream)>>>(
      x, c, d, runs, block_run, block_row, labels, dist);
  KMEANS_CUDA_CHECK_LAUNCH();
}

void kmeans_cuda_row_sq_norms(const float* c, int k, int d, float* norms, void* stream) {
  constexpr int threads = 256;
  const int blocks = int((std::int64_t(k) * kWarp + threads - 1) / threads);
  row_sq_norms_kernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(c, k, d, norms);
  KMEANS_CUDA_CHECK_LAUNCH();
}

void kmeans_cuda_argmin_gemm_tile(const float* g, const float* norms, const float* x_tile,
                                  const float* c, std::int64_t rows, int k, int d,
                                  std::int32_t* labels, float* dist, void* stream) {
  if (rows == 0) return;
  constexpr int threads = 256;  // 8 rows per block
  const std::int64_t blocks = (rows * kWarp + threads - 1) / threads;
  argmin_gemm_tile_kernel<<<unsigned(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      g, norms, x_tile, c, rows, k, d, labels, dist);
  KMEANS_CUDA_CHECK_LAUNCH();
}

}  // namespace tailor
