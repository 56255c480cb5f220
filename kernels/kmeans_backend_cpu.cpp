// CPU backend of the K-means loop: runs the fused or SGEMM assignment and the deterministic update
// for every active run; small runs in parallel over runs, SGEMM and large runs one at a time with
// all threads inside (OpenBLAS threads its own calls). Results never depend on that choice.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "core/common/error.h"
#include "kernels/kmeans_backend.h"
#include "kernels/kmeans_cpu.h"

namespace tailor {
namespace {

constexpr std::int64_t kLargeRunWork = std::int64_t(1) << 24;  // n * k * d above which a run is
                                                                // parallelised on its own

class KMeansCpuBackend final : public KMeansBackend {
 public:
  KMeansCpuBackend(std::vector<KMeansRunData> runs, int d) : runs_(std::move(runs)), d_(d) {
    labels_.resize(runs_.size());
    dist_.resize(runs_.size());
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      labels_[r].assign(runs_[r].n, -1);
      dist_[r].assign(runs_[r].n, 0.0f);
    }
  }

  void assign(const std::vector<int>& active, const std::vector<std::vector<float>>& centroids,
              std::vector<double>& inertia, std::vector<std::int64_t>& changed) override {
    for_each_run(active, /*gemm_aware=*/true, [&](int r, bool inner_parallel) {
      const KMeansRunData& run = runs_[r];
      changed[r] = kmeans_assign_cpu(run.x, run.n, d_, centroids[r].data(), run.k,
                                     labels_[r].data(), dist_[r].data(), &inertia[r],
                                     inner_parallel);
    });
  }

  void update(const std::vector<int>& active, std::vector<std::vector<float>>& centroids,
              std::vector<std::vector<std::int64_t>>& counts) override {
    for_each_run(active, /*gemm_aware=*/false, [&](int r, bool inner_parallel) {
      const KMeansRunData& run = runs_[r];
      kmeans_update_cpu(run.x, run.n, d_, labels_[r].data(), run.k, centroids[r].data(),
                        counts[r].data(), inner_parallel);
    });
  }

  void distances(int r, float* out) override { std::copy(dist_[r].begin(), dist_[r].end(), out); }
  void labels(int r, std::int32_t* out) override {
    std::copy(labels_[r].begin(), labels_[r].end(), out);
  }

 private:
  /// Runs fn(r, inner_parallel) for every active run: large runs (and, when gemm_aware, runs whose
  /// assignment calls SGEMM, which must not be called from several OpenMP threads at once) one
  /// after another with threads inside; the others in parallel over runs.
  template <class Fn>
  void for_each_run(const std::vector<int>& active, bool gemm_aware, Fn fn) {
    std::vector<int> alone, together;
    for (int r : active) {
      const KMeansRunData& run = runs_[r];
      bool large = run.n * std::int64_t(run.k) * d_ >= kLargeRunWork;
      bool gemm = gemm_aware && kmeans_assign_cpu_method(d_, run.k) == KMeansAssignMethod::kGemm;
      (large || gemm || active.size() == 1 ? alone : together).push_back(r);
    }
    for (int r : alone) fn(r, true);
    const std::int64_t m = std::int64_t(together.size());
#pragma omp parallel for schedule(dynamic, 1) if (m > 1)
    for (std::int64_t i = 0; i < m; ++i) fn(together[i], false);
  }

  std::vector<KMeansRunData> runs_;
  int d_;
  std::vector<std::vector<std::int32_t>> labels_;
  std::vector<std::vector<float>> dist_;
};

}  // namespace

std::unique_ptr<KMeansBackend> make_kmeans_cpu_backend(std::vector<KMeansRunData> runs, int d) {
  return std::make_unique<KMeansCpuBackend>(std::move(runs), d);
}

}  // namespace tailor
