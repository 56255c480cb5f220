// CPU steps of K-means (assignment, update, seeding), used by the CPU backend, the tests and
// tailor-bench. Internal header: host pointers, no CUDA types.
#pragma once

#include <cstdint>
#include <string>

namespace tailor {

/// How the CPU finds the nearest centroid.
enum class KMeansAssignMethod {
  /// Fused loop: ||c||^2 - 2 x.c over register tiles of rows x centroids, argmin in the same pass.
  kDirect,
  /// OpenBLAS SGEMM over tiles of rows (no n x k matrix kept), then a fused argmin per tile.
  kGemm,
};

/// The method kmeans_assign_cpu uses for this shape (a function of d and k only, so the result
/// does not depend on n, the batch or the number of threads). Tuned with tailor-bench kmeans.
KMeansAssignMethod kmeans_assign_cpu_method(int d, int k);

/// Nearest centroid of each point: labels[i] (in: previous label or -1; out: new label, ties to
/// the lowest index), dist[i] = exact squared distance to that centroid. Returns the number of
/// labels that changed; *inertia = sum of dist (double). `parallel` lets it use OpenMP threads
/// (results do not depend on it).
std::int64_t kmeans_assign_cpu(const float* x, std::int64_t n, int d, const float* centroids, int k,
                               std::int32_t* labels, float* dist, double* inertia, bool parallel,
                               KMeansAssignMethod method);

/// Same with the method chosen by kmeans_assign_cpu_method.
std::int64_t kmeans_assign_cpu(const float* x, std::int64_t n, int d, const float* centroids, int k,
                               std::int32_t* labels, float* dist, double* inertia, bool parallel);

/// Means of the points of each cluster, summed in double in a fixed order (bit-identical for any
/// number of threads). counts[j] = members of j; an empty cluster's centroid row is left as is.
void kmeans_update_cpu(const float* x, std::int64_t n, int d, const std::int32_t* labels, int k,
                       float* centroids, std::int64_t* counts, bool parallel);

/// Seeds k centroids (k x d) with "kmeans++" (greedy, sklearn's 2 + floor(ln k) local trials) or
/// "random" (k distinct points). Deterministic for a seed, whatever the number of threads.
void kmeans_init_cpu(const float* x, std::int64_t n, int d, int k, const std::string& method,
                     std::uint64_t seed, float* centroids, bool parallel);

/// The m points with the largest dist (ties: lowest index), largest first.
void kmeans_farthest_points(const float* dist, std::int64_t n, int m, std::int64_t* out);

/// SplitMix64: derives independent seeds (restarts, problems) from one seed.
std::uint64_t kmeans_mix_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace tailor
