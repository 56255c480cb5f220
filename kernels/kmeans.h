// K-means clustering (Lloyd) on CPU or CUDA: one problem, a ragged batch of independent problems,
// and model selection over k. Host pointers only; no CUDA types (the CUDA code is in kernels/cuda/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

/// Parameters of a K-means run. Defaults are documented per field; configs/kmeans.yaml holds them.
struct KMeansParams {
  /// Number of clusters (1 <= k <= number of points).
  int k = 8;
  /// Maximum number of Lloyd iterations (update + assignment) per run.
  int max_iter = 100;
  /// Convergence: stop when (previous inertia - inertia) <= tol * previous inertia, or when no
  /// label changed. tol = 0 runs until no label changes (or max_iter).
  double tol = 1e-4;
  /// Seeding: "kmeans++" = greedy k-means++ as scikit-learn (first centre uniform; each next centre
  /// is the best of 2 + floor(ln k) candidates drawn with probability ~ D^2, best = lowest
  /// potential), or "random" = k distinct points chosen uniformly.
  std::string init = "kmeans++";
  /// Independent runs with different seeds; the run with the lowest inertia is returned (ties:
  /// the earliest run).
  int n_init = 1;
  /// Seed of every random choice. Same seed, same data, same device -> same result.
  std::uint64_t seed = 42;
  /// Where the Lloyd iterations run: "cpu" or "cuda" (seeding always runs on the CPU).
  std::string device = "cpu";
};

/// The result of a K-means run.
struct KMeansResult {
  int k = 0;
  int d = 0;
  /// Centroids, k x d row-major.
  std::vector<float> centroids;
  /// Index of the nearest centroid of each point (ties: the lowest index), consistent with
  /// `centroids`.
  std::vector<std::int32_t> labels;
  /// Number of points per cluster. A cluster is empty only when the data has fewer distinct points
  /// than k: the surplus centroids then duplicate data points and keep no member.
  std::vector<std::int64_t> cluster_sizes;
  /// Sum over points of the squared distance to their centroid (accumulated in double).
  double inertia = 0.0;
  /// Lloyd iterations run (each = centroid update + assignment).
  int n_iter = 0;
  /// True when the tol / no-change criterion stopped the run before max_iter.
  bool converged = false;
  /// Which of the n_init runs this is (0-based).
  int best_run = 0;
};

/// Clusters x (n x d row-major). `init_centroids` (k x d), when given, replaces seeding (and
/// n_init is then 1). Empty clusters during the iterations are re-seeded deterministically with
/// the points farthest from their centroid.
KMeansResult kmeans_fit(const float* x, std::int64_t n, int d, const KMeansParams& params,
                        const float* init_centroids = nullptr);

/// One problem of a ragged batch: its own points, k and seed; d is shared by the batch.
struct KMeansProblem {
  /// Points, n x d row-major (host memory, alive during the call).
  const float* x = nullptr;
  std::int64_t n = 0;
  int k = 0;
  std::uint64_t seed = 0;
  /// Optional initial centroids, k x d (then this problem runs once, whatever n_init).
  const float* init_centroids = nullptr;
};

/// Fits many independent problems together: every step (assignment, update) advances all problems
/// that have not converged in one call of the backend (CPU: OpenMP over problems; CUDA: one ragged
/// launch). params.k and params.seed are ignored (taken from each problem); n_init restarts are
/// extra problems of the same batch. Result i is identical (on CPU, bit for bit) to
/// kmeans_fit(problem i) with that problem's k and seed.
std::vector<KMeansResult> kmeans_fit_batched(const std::vector<KMeansProblem>& problems, int d,
                                             const KMeansParams& params);

/// Model selection: score of one k.
struct KMeansKScore {
  int k = 0;
  /// Inertia of the best of params.n_init runs.
  double inertia = 0.0;
  /// Mean silhouette (Euclidean) of a seeded sample of points, in [-1, 1]; 0 when k == 1.
  double silhouette = 0.0;
  /// The best run for this k.
  KMeansResult result;
};

/// Fits every k in `ks` with params.n_init runs each, all as one batch, and scores each k by
/// inertia and by the silhouette of `silhouette_sample` points drawn with params.seed (all points
/// when n is smaller).
std::vector<KMeansKScore> kmeans_select_k(const float* x, std::int64_t n, int d,
                                          const std::vector<int>& ks, const KMeansParams& params,
                                          std::int64_t silhouette_sample = 2000);

/// Brute-force nearest centroid (exact squared differences, double accumulation, ties: lowest
/// index): the reference for tests. labels: n; dist (optional): n squared distances.
void kmeans_assign_reference(const float* x, std::int64_t n, int d, const float* centroids, int k,
                             std::int32_t* labels, double* dist = nullptr);

/// Checks the parameters (and k against n when n >= 0); throws tailor::Error naming the field.
void kmeans_check_params(const KMeansParams& params, std::int64_t n = -1);

}  // namespace tailor
