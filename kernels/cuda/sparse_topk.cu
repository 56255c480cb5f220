// CUDA sparse cosine top-k: one block per query row (grid-stride over the rows of a chunk). The
// block accumulates the row's scores through the term -> items postings into its own dense
// scratch (atomics; touched items listed once via a per-row stamp), then selects the top k by k
// rounds of a block-wide max over 64-bit (score, -item) keys. Queries x items is never stored:
// scratch is per block, and queries are processed in chunks of chunk_rows.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/device_buffer.cuh"
#include "kernels/sparse_topk_cuda.h"

namespace tailor {
namespace {

constexpr int kThreads = 256;

/// Order-preserving key: higher score first, then lower item; 0 means "no candidate".
__device__ __forceinline__ unsigned long long make_key(float score, int32_t item) {
  if (score == 0.0f) score = 0.0f;  // -0 ties with +0, as on the CPU
  uint32_t b = __float_as_uint(score);
  b = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
  return (static_cast<unsigned long long>(b) << 32) | static_cast<uint32_t>(~static_cast<uint32_t>(item));
}

__device__ __forceinline__ float key_score(unsigned long long key) {
  uint32_t b = static_cast<uint32_t>(key >> 32);
  b = (b & 0x80000000u) ? (b & 0x7FFFFFFFu) : ~b;
  return __uint_as_float(b);
}

__device__ __forceinline__ int32_t key_item(unsigned long long key) {
  return static_cast<int32_t>(~static_cast<uint32_t>(key & 0xFFFFFFFFull));
}

/// Block-wide maximum of v (all threads get it). Uses `warp_max` (32 entries) in shared memory.
__device__ unsigned long long block_max(unsigned long long v, unsigned long long* warp_max) {
  for (int off = 16; off > 0; off >>= 1) v = max(v, __shfl_down_sync(0xffffffffu, v, off));
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) warp_max[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (blockDim.x >> 5) ? warp_max[lane] : 0ull;
    for (int off = 16; off > 0; off >>= 1) v = max(v, __shfl_down_sync(0xffffffffu, v, off));
    if (lane == 0) warp_max[0] = v;
  }
  __syncthreads();
  const unsigned long long best = warp_max[0];
  __syncthreads();  // warp_max is rewritten by the next call
  return best;
}

struct Scratch {
  float* acc;                // n_items per block, zero between rows
  int32_t* seen;             // n_items per block: stamp of the row that touched the item
  int32_t* excluded;         // n_items per block: stamp of the row that excludes the item
  int32_t* touched;          // n_items per block: items touched by the current row
  unsigned long long* keys;  // n_items per block: candidate keys of the current row
};

__global__ void sparse_topk_kernel(int64_t n_rows, int64_t row_offset, const int64_t* q_indptr,
                                   const int32_t* q_indices, const float* q_values,
                                   const int64_t* p_indptr, const int32_t* p_items,
                                   const float* p_values, const int64_t* e_indptr,
                                   const int32_t* e_items, const uint8_t* available,
                                   int32_t n_items, int k, bool include_zero, Scratch s,
                                   int32_t* out_items, float* out_scores) {
  __shared__ int touched_count;
  __shared__ unsigned long long warp_max[32];
  const size_t base = size_t(blockIdx.x) * size_t(n_items);
  float* acc = s.acc + base;
  int32_t* seen = s.seen + base;
  int32_t* excluded = s.excluded + base;
  int32_t* touched = s.touched + base;
  unsigned long long* keys = s.keys + base;

  for (int64_t row = blockIdx.x; row < n_rows; row += gridDim.x) {
    const int32_t stamp = int32_t(row_offset + row);
    int32_t* out_i = out_items + row * k;
    float* out_s = out_scores + row * k;
    const int64_t q0 = q_indptr[row], q1 = q_indptr[row + 1];
    if (q0 == q1 && !include_zero) {
      for (int r = threadIdx.x; r < k; r += blockDim.x) {
        out_i[r] = -1;
        out_s[r] = -INFINITY;
      }
      continue;  // uniform across the block
    }
    if (threadIdx.x == 0) touched_count = 0;
    if (e_indptr != nullptr) {
      for (int64_t e = e_indptr[row] + threadIdx.x; e < e_indptr[row + 1]; e += blockDim.x)
        excluded[e_items[e]] = stamp;
    }
    __syncthreads();
    for (int64_t j = q0; j < q1; ++j) {
      const int32_t t = q_indices[j];
      const float w = q_values[j];
      for (int64_t p = p_indptr[t] + threadIdx.x; p < p_indptr[t + 1]; p += blockDim.x) {
        const int32_t i = p_items[p];
        atomicAdd(&acc[i], w * p_values[p]);
        if (atomicExch(&seen[i], stamp) != stamp) touched[atomicAdd(&touched_count, 1)] = i;
      }
    }
    __syncthreads();
    const int n_touched = touched_count;
    const int m = include_zero ? n_items : n_touched;
    for (int c = threadIdx.x; c < m; c += blockDim.x) {
      const int32_t i = include_zero ? c : touched[c];
      unsigned long long key = 0ull;
      if (excluded[i] != stamp && (available == nullptr || available[i] != 0))
        key = make_key(seen[i] == stamp ? acc[i] : 0.0f, i);
      keys[c] = key;
    }
    __syncthreads();
    for (int r = 0; r < k; ++r) {
      unsigned long long mine = 0ull;
      int where = -1;
      for (int c = threadIdx.x; c < m; c += blockDim.x) {
        if (keys[c] > mine) {
          mine = keys[c];
          where = c;
        }
      }
      const unsigned long long best = block_max(mine, warp_max);
      if (best == 0ull) {  // no candidates left: pad (uniform exit)
        for (int rr = r + threadIdx.x; rr < k; rr += blockDim.x) {
          out_i[rr] = -1;
          out_s[rr] = -INFINITY;
        }
        break;
      }
      if (mine == best) {  // keys are unique: exactly one thread owns the best
        keys[where] = 0ull;
        out_i[r] = key_item(best);
        out_s[r] = key_score(best);
      }
      __syncthreads();
    }
    for (int c = threadIdx.x; c < n_touched; c += blockDim.x) acc[touched[c]] = 0.0f;
    __syncthreads();
  }
}

template <class T>
void upload(DeviceBuffer<T>& buf, const T* host, size_t count) {
  buf = DeviceBuffer<T>(count);
  buf.copy_from_host(host, 0);
}

}  // namespace

TopKResult sparse_topk_cuda(const CsrMatrix& queries, const CsrMatrix& items, int k,
                            int64_t chunk_rows, const CsrMatrix* exclude, const uint8_t* available,
                            bool include_zero_scores) {
  const int64_t n_q = queries.rows;
  const int32_t n_i = int32_t(items.rows);
  TopKResult out;
  out.rows = n_q;
  out.k = k;
  out.items.assign(size_t(n_q) * k, -1);
  out.scores.assign(size_t(n_q) * k, -std::numeric_limits<float>::infinity());
  int devices = 0;
  const cudaError_t err = cudaGetDeviceCount(&devices);
  TAILOR_CHECK(err == cudaSuccess && devices > 0,
               "sparse_topk: device 'cuda' requested but no CUDA device is usable ("
                   << (err == cudaSuccess ? "0 devices" : cudaGetErrorString(err)) << ")");
  if (n_q == 0 || n_i == 0) return out;
  TAILOR_CHECK(n_q < std::numeric_limits<int32_t>::max(),
               "sparse_topk: " << n_q << " query rows exceed the CUDA path's int32 row stamps");

  const CsrMatrix postings = transpose_csr(items);
  DeviceBuffer<int64_t> d_p_indptr;
  DeviceBuffer<int32_t> d_p_items;
  DeviceBuffer<float> d_p_values;
  DeviceBuffer<uint8_t> d_avail;
  upload(d_p_indptr, postings.indptr.data(), postings.indptr.size());
  upload(d_p_items, postings.indices.data(), postings.indices.size());
  upload(d_p_values, postings.values.data(), postings.values.size());
  if (available != nullptr) upload(d_avail, available, size_t(n_i));

  // Blocks: enough to fill the GPU, bounded so that the per-block scratch stays within a quarter
  // of the free memory (and 2 GiB).
  int device = 0, sms = 1;
  TAILOR_CUDA_CHECK(cudaGetDevice(&device));
  TAILOR_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  size_t free_bytes = 0, total_bytes = 0;
  TAILOR_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  const size_t per_block = size_t(n_i) * (sizeof(float) + 3 * sizeof(int32_t) + sizeof(uint64_t));
  const size_t budget = std::min<size_t>(free_bytes / 4, size_t(2) << 30);
  const int64_t chunk = std::min<int64_t>(chunk_rows, n_q);
  const int blocks = int(std::max<int64_t>(
      1, std::min<int64_t>({int64_t(4) * sms, chunk, int64_t(budget / per_block)})));
  const size_t scratch_n = size_t(blocks) * size_t(n_i);
  DeviceBuffer<float> acc(scratch_n);
  DeviceBuffer<int32_t> seen(scratch_n), excluded(scratch_n), touched(scratch_n);
  DeviceBuffer<unsigned long long> keys(scratch_n);
  TAILOR_CUDA_CHECK(cudaMemsetAsync(acc.data(), 0, scratch_n * sizeof(float), 0));
  TAILOR_CUDA_CHECK(cudaMemsetAsync(seen.data(), 0xFF, scratch_n * sizeof(int32_t), 0));
  TAILOR_CUDA_CHECK(cudaMemsetAsync(excluded.data(), 0xFF, scratch_n * sizeof(int32_t), 0));
  const Scratch scratch{acc.data(), seen.data(), excluded.data(), touched.data(), keys.data()};

  std::vector<int64_t> q_indptr, e_indptr;
  for (int64_t r0 = 0; r0 < n_q; r0 += chunk) {
    const int64_t r1 = std::min(n_q, r0 + chunk), rows = r1 - r0;
    q_indptr.resize(size_t(rows) + 1);
    for (int64_t r = 0; r <= rows; ++r) q_indptr[r] = queries.indptr[r0 + r] - queries.indptr[r0];
    DeviceBuffer<int64_t> d_q_indptr, d_e_indptr;
    DeviceBuffer<int32_t> d_q_indices, d_e_items;
    DeviceBuffer<float> d_q_values;
    upload(d_q_indptr, q_indptr.data(), q_indptr.size());
    upload(d_q_indices, queries.indices.data() + queries.indptr[r0], size_t(q_indptr[rows]));
    upload(d_q_values, queries.values.data() + queries.indptr[r0], size_t(q_indptr[rows]));
    if (exclude != nullptr) {
      e_indptr.resize(size_t(rows) + 1);
      for (int64_t r = 0; r <= rows; ++r) e_indptr[r] = exclude->indptr[r0 + r] - exclude->indptr[r0];
      upload(d_e_indptr, e_indptr.data(), e_indptr.size());
      upload(d_e_items, exclude->indices.data() + exclude->indptr[r0], size_t(e_indptr[rows]));
    }
    DeviceBuffer<int32_t> d_out_items(size_t(rows) * k);
    DeviceBuffer<float> d_out_scores(size_t(rows) * k);
    const int grid = int(std::min<int64_t>(blocks, rows));
    sparse_topk_kernel<<<grid, kThreads>>>(
        rows, r0, d_q_indptr.data(), d_q_indices.data(), d_q_values.data(), d_p_indptr.data(),
        d_p_items.data(), d_p_values.data(), exclude ? d_e_indptr.data() : nullptr,
        exclude ? d_e_items.data() : nullptr, available ? d_avail.data() : nullptr, n_i, k,
        include_zero_scores, scratch, d_out_items.data(), d_out_scores.data());
    TAILOR_CUDA_CHECK(cudaGetLastError());
    d_out_items.copy_to_host(out.items.data() + size_t(r0) * k, 0);
    d_out_scores.copy_to_host(out.scores.data() + size_t(r0) * k, 0);
    TAILOR_CUDA_CHECK(cudaStreamSynchronize(0));
  }
  return out;
}

}  // namespace tailor
