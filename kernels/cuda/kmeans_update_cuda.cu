// CUDA K-means update without float atomics: stable radix sort of (cluster, slot) pairs (CUB),
// member ranges by binary search, then per-cluster double sums in a fixed order. Also the per-run
// inertia / changed-label reduction. Results are identical run to run.
#include <cub/device/device_radix_sort.cuh>

#include <cstdint>

#include "kernels/cuda/kmeans_cuda_common.cuh"
#include "kernels/kmeans_cuda.h"

namespace tailor {
namespace {

constexpr int kReduceThreads = 256;
constexpr int kUpdateThreads = 256;

// One block per listed run: thread t sums slots t, t + 256, ... in order, then a fixed tree.
__global__ void __launch_bounds__(kReduceThreads)
    reduce_runs_kernel(KMeansCudaRuns runs, const std::int32_t* __restrict__ runs_list,
                       const float* __restrict__ dist, const std::int32_t* __restrict__ labels,
                       const std::int32_t* __restrict__ prev_labels, double* __restrict__ inertia,
                       long long* __restrict__ changed) {
  __shared__ double s_sum[kReduceThreads];
  __shared__ long long s_changed[kReduceThreads];
  const int r = runs_list[blockIdx.x];
  const std::int64_t base = runs.slot[r], n = runs.n[r];
  double sum = 0.0;
  long long ch = 0;
  for (std::int64_t i = threadIdx.x; i < n; i += kReduceThreads) {
    sum += double(dist[base + i]);
    ch += labels[base + i] != prev_labels[base + i];
  }
  s_sum[threadIdx.x] = sum;
  s_changed[threadIdx.x] = ch;
  __syncthreads();
  for (int half = kReduceThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) {
      s_sum[threadIdx.x] += s_sum[threadIdx.x + half];
      s_changed[threadIdx.x] += s_changed[threadIdx.x + half];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    inertia[r] = s_sum[0];
    changed[r] = s_changed[0];
  }
}

__global__ void make_keys_kernel(const std::int32_t* __restrict__ labels,
                                 const std::int32_t* __restrict__ slot_run, KMeansCudaRuns runs,
                                 std::int64_t n_slots, std::int32_t* __restrict__ keys,
                                 std::int32_t* __restrict__ values) {
  const std::int64_t s = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (s >= n_slots) return;
  keys[s] = std::int32_t(runs.c_row[slot_run[s]] + labels[s]);
  values[s] = std::int32_t(s);
}

// begin[g] = first position with sorted_keys >= g, for g in [0, n_clusters]; last = n_slots.
__global__ void cluster_offsets_kernel(const std::int32_t* __restrict__ sorted_keys,
                                       std::int64_t n_slots, int n_clusters,
                                       std::int64_t* __restrict__ begin) {
  const std::int64_t g = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (g > n_clusters) return;
  std::int64_t lo = 0, hi = n_slots;  // lower_bound in [lo, hi)
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (sorted_keys[mid] < g) lo = mid + 1;
    else hi = mid;
  }
  begin[g] = lo;
}

// Block (cluster g, dim chunk): blockDim = (dx, lanes), dx * lanes = kUpdateThreads. Thread
// (tx, ty) sums dim chunk*dx + tx of members begin[g] + ty, + ty + lanes, ... in double; lanes are
// then combined in a fixed tree. No atomics: the result does not depend on scheduling.
__global__ void __launch_bounds__(kUpdateThreads)
    update_centroids_kernel(const float* __restrict__ x, int d, KMeansCudaRuns runs,
                            const std::int32_t* __restrict__ cluster_run,
                            const std::uint8_t* __restrict__ run_active,
                            const std::int64_t* __restrict__ begin,
                            const std::int32_t* __restrict__ sorted_values, float* __restrict__ c,
                            long long* __restrict__ counts) {
  __shared__ double s_sum[kUpdateThreads];
  const int g = blockIdx.x;
  const int r = cluster_run[g];
  if (!run_active[r]) return;  // uniform over the block: no barrier is skipped by some threads
  const int dx = blockDim.x, lanes = blockDim.y;
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int t = blockIdx.y * dx + tx;
  const std::int64_t b = begin[g], e = begin[g + 1];
  const std::int64_t x_row = runs.x_row[r], slot0 = runs.slot[r];
  double sum = 0.0;
  if (t < d) {
    for (std::int64_t m = b + ty; m < e; m += lanes) {
      const std::int64_t row = x_row + (std::int64_t(sorted_values[m]) - slot0);
      sum += double(x[row * d + t]);
    }
  }
  s_sum[ty * dx + tx] = sum;
  __syncthreads();
  for (int half = lanes / 2; half > 0; half /= 2) {  // lanes is a power of two
    if (ty < half) s_sum[ty * dx + tx] += s_sum[(ty + half) * dx + tx];
    __syncthreads();
  }
  const std::int64_t count = e - b;
  if (ty == 0 && t < d && count > 0) c[std::int64_t(g) * d + t] = float(s_sum[tx] / double(count));
  if (ty == 0 && tx == 0 && blockIdx.y == 0) counts[g] = count;
}

}  // namespace

void kmeans_cuda_reduce_runs(KMeansCudaRuns runs, const std::int32_t* runs_list, int count,
                             const float* dist, const std::int32_t* labels,
                             const std::int32_t* prev_labels, double* inertia, long long* changed,
                             void* stream) {
  if (count == 0) return;
  reduce_runs_kernel<<<count, kReduceThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      runs, runs_list, dist, labels, prev_labels, inertia, changed);
  KMEANS_CUDA_CHECK_LAUNCH();
}

void kmeans_cuda_make_keys(const std::int32_t* labels, const std::int32_t* slot_run,
                           KMeansCudaRuns runs, std::int64_t n_slots, std::int32_t* keys,
                           std::int32_t* values, void* stream) {
  if (n_slots == 0) return;
  constexpr int threads = 256;
  const std::int64_t blocks = (n_slots + threads - 1) / threads;
  make_keys_kernel<<<unsigned(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      labels, slot_run, runs, n_slots, keys, values);
  KMEANS_CUDA_CHECK_LAUNCH();
}

std::size_t kmeans_cuda_sort_scratch_bytes(std::int64_t n_slots, int key_bits) {
  std::size_t bytes = 0;
  KMEANS_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      nullptr, bytes, static_cast<const std::int32_t*>(nullptr), static_cast<std::int32_t*>(nullptr),
      static_cast<const std::int32_t*>(nullptr), static_cast<std::int32_t*>(nullptr),
      n_slots, 0, key_bits));
  return bytes;
}

void kmeans_cuda_sort_keys(void* scratch, std::size_t scratch_bytes, const std::int32_t* keys_in,
                           std::int32_t* keys_out, const std::int32_t* values_in,
                           std::int32_t* values_out, std::int64_t n_slots, int key_bits,
                           void* stream) {
  // Keys are >= 0, so sorting the low key_bits bits orders them; LSD radix sort is stable.
  KMEANS_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(scratch, scratch_bytes, keys_in, keys_out,
                                                    values_in, values_out, n_slots, 0, key_bits,
                                                    static_cast<cudaStream_t>(stream)));
}

void kmeans_cuda_cluster_offsets(const std::int32_t* sorted_keys, std::int64_t n_slots,
                                 int n_clusters, std::int64_t* begin, void* stream) {
  constexpr int threads = 256;
  const int blocks = (n_clusters + 1 + threads - 1) / threads;
  cluster_offsets_kernel<<<blocks, threads, 0, static_cast<cudaStream_t>(stream)>>>(
      sorted_keys, n_slots, n_clusters, begin);
  KMEANS_CUDA_CHECK_LAUNCH();
}

void kmeans_cuda_update_centroids(const float* x, int d, KMeansCudaRuns runs,
                                  const std::int32_t* cluster_run, const std::uint8_t* run_active,
                                  const std::int64_t* begin, const std::int32_t* sorted_values,
                                  int n_clusters, float* c, long long* counts, void* stream) {
  if (n_clusters == 0) return;
  int dx = 1;
  while (dx < d && dx < 32) dx *= 2;  // dims per block: a power of two up to a warp
  const dim3 block(dx, kUpdateThreads / dx);
  const dim3 grid(unsigned(n_clusters), unsigned((d + dx - 1) / dx));
  update_centroids_kernel<<<grid, block, 0, static_cast<cudaStream_t>(stream)>>>(
      x, d, runs, cluster_run, run_active, begin, sorted_values, c, counts);
  KMEANS_CUDA_CHECK_LAUNCH();
}

}  // namespace tailor
