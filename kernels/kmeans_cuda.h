// Launchers of the CUDA K-means kernels (kernels/cuda/kmeans_*.cu). Device pointers, sizes and a
// stream passed as void* (a cudaStream_t): no CUDA types here. Used by the CUDA backend only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tailor {

/// Per-run tables of a ragged batch, in device memory, indexed by run.
struct KMeansCudaRuns {
  /// First row of the run's points in the concatenated x.
  const std::int64_t* x_row = nullptr;
  /// Number of points of the run.
  const std::int64_t* n = nullptr;
  /// Number of clusters of the run.
  const std::int32_t* k = nullptr;
  /// First row of the run's centroids in the concatenated centroids.
  const std::int64_t* c_row = nullptr;
  /// First slot of the run in the concatenated labels / distances.
  const std::int64_t* slot = nullptr;
};

/// Rows of points handled by one thread block of the fused assignment (one row per thread).
constexpr int kKMeansCudaAssignRows = 128;

/// Fused nearest-centroid search for many runs in one launch. Block b handles rows
/// [block_row[b], block_row[b] + kKMeansCudaAssignRows) of run block_run[b]; centroids are tiled
/// through shared memory; squared distances are exact sums of (x - c)^2 in float.
/// x: (sum of distinct n) x d; c: (sum k) x d; labels, dist: slots. Ties go to the lowest index.
void kmeans_cuda_assign_fused(const float* x, const float* c, int d, KMeansCudaRuns runs,
                              const std::int32_t* block_run, const std::int64_t* block_row,
                              int n_blocks, std::int32_t* labels, float* dist, void* stream);

/// Squared norms of k centroids (k x d) into norms (k).
void kmeans_cuda_row_sq_norms(const float* c, int k, int d, float* norms, void* stream);

/// Argmin over a tile of g = x_tile c^T (rows x k, row-major) with norms: label = argmin_j
/// norms[j] - 2 g[i][j] (ties: lowest j), then dist = exact sum (x - c)^2 of that centroid.
/// x_tile: rows x d; labels, dist: rows.
void kmeans_cuda_argmin_gemm_tile(const float* g, const float* norms, const float* x_tile,
                                  const float* c, std::int64_t rows, int k, int d,
                                  std::int32_t* labels, float* dist, void* stream);

/// Per listed run r (runs_list[0..count)): inertia[r] = sum of dist over its slots (double,
/// fixed-order reduction), changed[r] = slots where labels != prev_labels.
void kmeans_cuda_reduce_runs(KMeansCudaRuns runs, const std::int32_t* runs_list, int count,
                             const float* dist, const std::int32_t* labels,
                             const std::int32_t* prev_labels, double* inertia,
                             long long* changed, void* stream);

/// Global cluster key of each slot: key[s] = c_row[run of s] + labels[s]; value[s] = s.
/// slot_run: run of each slot (n_slots).
void kmeans_cuda_make_keys(const std::int32_t* labels, const std::int32_t* slot_run,
                           KMeansCudaRuns runs, std::int64_t n_slots, std::int32_t* keys,
                           std::int32_t* values, void* stream);

/// Bytes of scratch memory kmeans_cuda_sort_keys needs for n_slots pairs.
std::size_t kmeans_cuda_sort_scratch_bytes(std::int64_t n_slots, int key_bits);

/// Stable radix sort of (keys, values) by key: members of each cluster become contiguous, in
/// increasing slot order (deterministic).
void kmeans_cuda_sort_keys(void* scratch, std::size_t scratch_bytes, const std::int32_t* keys_in,
                           std::int32_t* keys_out, const std::int32_t* values_in,
                           std::int32_t* values_out, std::int64_t n_slots, int key_bits,
                           void* stream);

/// Member range of every global cluster g in sorted keys: begin[g] (n_clusters + 1 entries, last =
/// n_slots).
void kmeans_cuda_cluster_offsets(const std::int32_t* sorted_keys, std::int64_t n_slots,
                                 int n_clusters, std::int64_t* begin, void* stream);

/// New centroids: for every global cluster g of an active run (cluster_run[g], run_active[run]),
/// c[g] = mean of its members (double sums in a fixed order, no atomics), counts[g] = members;
/// empty clusters keep their row. sorted_values: slots sorted by cluster; slot_run: run of each
/// slot.
void kmeans_cuda_update_centroids(const float* x, int d, KMeansCudaRuns runs,
                                  const std::int32_t* cluster_run, const std::uint8_t* run_active,
                                  const std::int64_t* begin, const std::int32_t* sorted_values,
                                  int n_clusters, float* c, long long* counts, void* stream);

}  // namespace tailor
