// Where the heavy K-means steps run: the host Lloyd loop (kmeans.cpp) drives a batch of runs
// through this interface and does not care whether the CPU or a GPU does the work. Internal header.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace tailor {

/// One run of a batch: a problem's points (host, n x d row-major) and its k. Restarts of the same
/// problem are separate runs that share `x`.
struct KMeansRunData {
  const float* x = nullptr;
  std::int64_t n = 0;
  int k = 0;
};

/// The assignment and update steps for every run of a batch. Each call advances all runs listed
/// in `active` (one call per Lloyd step, whatever the number of runs).
class KMeansBackend {
 public:
  virtual ~KMeansBackend() = default;
  /// Labels each point of every active run r with its nearest centroid among centroids[r]
  /// (host, k_r x d; ties: lowest index) and keeps the squared distances. inertia[r] = sum of those
  /// distances (double); changed[r] = labels that differ from the previous call (all, the first
  /// time).
  virtual void assign(const std::vector<int>& active,
                      const std::vector<std::vector<float>>& centroids,
                      std::vector<double>& inertia, std::vector<std::int64_t>& changed) = 0;
  /// centroids[r] row j = mean of the members of j for every active run r; counts[r][j] = number of
  /// members. Rows of empty clusters are left unchanged (the loop re-seeds them).
  virtual void update(const std::vector<int>& active, std::vector<std::vector<float>>& centroids,
                      std::vector<std::vector<std::int64_t>>& counts) = 0;
  /// Copies run r's squared distances to its centroids (n_r floats), from the last assign.
  virtual void distances(int r, float* out) = 0;
  /// Copies run r's labels (n_r), from the last assign.
  virtual void labels(int r, std::int32_t* out) = 0;
};

/// CPU backend: OpenMP over runs (fused-loop runs) or inside a run (SGEMM runs, large runs).
std::unique_ptr<KMeansBackend> make_kmeans_cpu_backend(std::vector<KMeansRunData> runs, int d);

/// CUDA backend (kernels/cuda/kmeans_backend_cuda.cpp); in a build without CUDA it throws
/// tailor::Error "built without CUDA".
std::unique_ptr<KMeansBackend> make_kmeans_cuda_backend(std::vector<KMeansRunData> runs, int d);

}  // namespace tailor
