// CUDA backend of the K-means loop: uploads the batch once, then per Lloyd step one ragged fused
// assignment launch for all active runs (cuBLAS SGEMM tiles for runs with large d and k), a
// deterministic sort-based update, and small per-run reductions copied back to the host.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <map>
#include <utility>

#include "core/common/error.h"
#include "kernels/cuda/kmeans_cuda_common.cuh"
#include "kernels/device.h"
#include "kernels/kmeans_backend.h"
#include "kernels/kmeans_cuda.h"

namespace tailor {
namespace {

/// Runs with d and k at least these use cuBLAS SGEMM tiles + argmin instead of the fused kernel.
constexpr int kGemmMinDim = 128;
constexpr int kGemmMinClusters = 64;
/// Floats of one SGEMM output tile (256 MiB).
constexpr std::int64_t kGemmTileElems = std::int64_t(1) << 26;

bool use_gemm(int d, int k) { return d >= kGemmMinDim && k >= kGemmMinClusters; }

/// Owning device array.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(std::size_t count) { resize(count); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { release(); }
  void resize(std::size_t count) {
    release();
    count_ = count;
    if (count > 0) KMEANS_CUDA_CHECK(cudaMalloc(&ptr_, count * sizeof(T)));
  }
  void upload(const std::vector<T>& host) {
    TAILOR_CHECK(host.size() <= count_, "kmeans cuda: upload of " << host.size()
                                                                 << " elements into " << count_);
    if (!host.empty())
      KMEANS_CUDA_CHECK(cudaMemcpy(ptr_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  T* get() const { return ptr_; }
  std::size_t size() const { return count_; }

 private:
  void release() {
    if (ptr_) KMEANS_CUDA_CHECK_NO_THROW(cudaFree(ptr_));
    ptr_ = nullptr;
    count_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

class KMeansCudaBackend final : public KMeansBackend {
 public:
  KMeansCudaBackend(std::vector<KMeansRunData> runs, int d) : runs_(std::move(runs)), d_(d) {
    TAILOR_CHECK(cuda_device_count() > 0, "kmeans: device 'cuda' requested but "
                                              << cuda_device_description(0));
    KMEANS_CUDA_CHECK(cudaStreamCreate(&stream_));
    KMEANS_CUBLAS_CHECK(cublasCreate(&cublas_));
    KMEANS_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
    KMEANS_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));  // FP32, no TF32
    layout();
  }

  ~KMeansCudaBackend() override {
    if (cublas_) cublasDestroy(cublas_);
    if (stream_) KMEANS_CUDA_CHECK_NO_THROW(cudaStreamDestroy(stream_));
  }

  void assign(const std::vector<int>& active, const std::vector<std::vector<float>>& centroids,
              std::vector<double>& inertia, std::vector<std::int64_t>& changed) override {
    for (int r : active)
      KMEANS_CUDA_CHECK(cudaMemcpyAsync(c_.get() + h_c_row_[r] * d_, centroids[r].data(),
                                        centroids[r].size() * sizeof(float),
                                        cudaMemcpyHostToDevice, stream_));
    KMEANS_CUDA_CHECK(cudaMemcpyAsync(prev_labels_.get(), labels_.get(),
                                      labels_.size() * sizeof(std::int32_t),
                                      cudaMemcpyDeviceToDevice, stream_));
    // All fused runs in one launch: block b = (run, first row).
    std::vector<std::int32_t> block_run;
    std::vector<std::int64_t> block_row;
    for (int r : active) {
      if (use_gemm(d_, runs_[r].k)) continue;
      for (std::int64_t row = 0; row < runs_[r].n; row += kKMeansCudaAssignRows) {
        block_run.push_back(r);
        block_row.push_back(row);
      }
    }
    block_run_.upload(block_run);
    block_row_.upload(block_row);
    kmeans_cuda_assign_fused(x_.get(), c_.get(), d_, tables(), block_run_.get(), block_row_.get(),
                             int(block_run.size()), labels_.get(), dist_.get(), stream_);
    for (int r : active)
      if (use_gemm(d_, runs_[r].k)) assign_gemm(r);

    std::vector<std::int32_t> list(active.begin(), active.end());
    runs_list_.upload(list);
    kmeans_cuda_reduce_runs(tables(), runs_list_.get(), int(list.size()), dist_.get(),
                            labels_.get(), prev_labels_.get(), inertia_.get(), changed_.get(),
                            stream_);
    std::vector<double> h_inertia(runs_.size());
    std::vector<long long> h_changed(runs_.size());
    KMEANS_CUDA_CHECK(cudaMemcpyAsync(h_inertia.data(), inertia_.get(), h_inertia.size() * 8,
                                      cudaMemcpyDeviceToHost, stream_));
    KMEANS_CUDA_CHECK(cudaMemcpyAsync(h_changed.data(), changed_.get(), h_changed.size() * 8,
                                      cudaMemcpyDeviceToHost, stream_));
    KMEANS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    for (int r : active) {
      inertia[r] = h_inertia[r];
      changed[r] = h_changed[r];
    }
  }

  void update(const std::vector<int>& active, std::vector<std::vector<float>>& centroids,
              std::vector<std::vector<std::int64_t>>& counts) override {
    std::vector<std::uint8_t> flags(runs_.size(), 0);
    for (int r : active) flags[r] = 1;
    run_active_.upload(flags);
    kmeans_cuda_make_keys(labels_.get(), slot_run_.get(), tables(), n_slots_, keys_.get(),
                          values_.get(), stream_);
    kmeans_cuda_sort_keys(sort_scratch_.get(), sort_scratch_.size(), keys_.get(), keys_sorted_.get(),
                          values_.get(), values_sorted_.get(), n_slots_, key_bits_, stream_);
    kmeans_cuda_cluster_offsets(keys_sorted_.get(), n_slots_, n_clusters_, begin_.get(), stream_);
    kmeans_cuda_update_centroids(x_.get(), d_, tables(), cluster_run_.get(), run_active_.get(),
                                 begin_.get(), values_sorted_.get(), n_clusters_, c_.get(),
                                 counts_.get(), stream_);
    std::vector<long long> h_counts(n_clusters_);
    KMEANS_CUDA_CHECK(cudaMemcpyAsync(h_counts.data(), counts_.get(), h_counts.size() * 8,
                                      cudaMemcpyDeviceToHost, stream_));
    for (int r : active)
      KMEANS_CUDA_CHECK(cudaMemcpyAsync(centroids[r].data(), c_.get() + h_c_row_[r] * d_,
                                        centroids[r].size() * sizeof(float),
                                        cudaMemcpyDeviceToHost, stream_));
    KMEANS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    for (int r : active)
      for (int j = 0; j < runs_[r].k; ++j) counts[r][j] = h_counts[h_c_row_[r] + j];
  }

  void distances(int r, float* out) override {
    KMEANS_CUDA_CHECK(cudaMemcpy(out, dist_.get() + h_slot_[r], runs_[r].n * sizeof(float),
                                 cudaMemcpyDeviceToHost));
  }

  void labels(int r, std::int32_t* out) override {
    KMEANS_CUDA_CHECK(cudaMemcpy(out, labels_.get() + h_slot_[r], runs_[r].n * sizeof(std::int32_t),
                                 cudaMemcpyDeviceToHost));
  }

 private:
  /// Uploads the distinct point sets once and builds the per-run / per-slot / per-cluster tables.
  void layout() {
    std::map<std::pair<const float*, std::int64_t>, std::int64_t> data_row;
    std::vector<const float*> data_ptr;
    std::vector<std::int64_t> data_n;
    std::int64_t rows = 0, slots = 0, clusters = 0;
    std::vector<std::int64_t> x_row, n;
    std::vector<std::int32_t> k;
    for (const KMeansRunData& run : runs_) {
      auto key = std::make_pair(run.x, run.n);
      auto it = data_row.find(key);
      if (it == data_row.end()) {
        it = data_row.emplace(key, rows).first;
        data_ptr.push_back(run.x);
        data_n.push_back(run.n);
        rows += run.n;
      }
      x_row.push_back(it->second);
      n.push_back(run.n);
      k.push_back(run.k);
      h_c_row_.push_back(clusters);
      h_slot_.push_back(slots);
      clusters += run.k;
      slots += run.n;
    }
    TAILOR_CHECK(slots < INT32_MAX && clusters < INT32_MAX,
                 "kmeans cuda: batch too large (" << slots << " labels, " << clusters
                                                  << " clusters; at most 2^31-1 each)");
    n_slots_ = slots;
    n_clusters_ = int(clusters);
    key_bits_ = 1;
    while (key_bits_ < 31 && (std::int64_t(1) << key_bits_) <= clusters) ++key_bits_;

    x_.resize(std::size_t(rows) * d_);
    std::int64_t row = 0;
    for (std::size_t i = 0; i < data_ptr.size(); ++i) {
      KMEANS_CUDA_CHECK(cudaMemcpy(x_.get() + row * d_, data_ptr[i],
                                   std::size_t(data_n[i]) * d_ * sizeof(float),
                                   cudaMemcpyHostToDevice));
      row += data_n[i];
    }
    const std::size_t nr = runs_.size();
    t_x_row_.resize(nr);
    t_x_row_.upload(x_row);
    h_x_row_ = x_row;
    t_n_.resize(nr);
    t_n_.upload(n);
    t_k_.resize(nr);
    t_k_.upload(k);
    t_c_row_.resize(nr);
    t_c_row_.upload(h_c_row_);
    t_slot_.resize(nr);
    t_slot_.upload(h_slot_);

    std::vector<std::int32_t> slot_run(slots), cluster_run(clusters);
    std::int64_t max_blocks = 0, gemm_tile = 0;
    int max_k = 1;
    for (std::size_t r = 0; r < nr; ++r) {
      std::fill(slot_run.begin() + h_slot_[r], slot_run.begin() + h_slot_[r] + n[r], std::int32_t(r));
      std::fill(cluster_run.begin() + h_c_row_[r], cluster_run.begin() + h_c_row_[r] + k[r],
                std::int32_t(r));
      max_blocks += (n[r] + kKMeansCudaAssignRows - 1) / kKMeansCudaAssignRows;
      max_k = std::max(max_k, k[r]);
      if (use_gemm(d_, k[r])) gemm_tile = std::max(gemm_tile, tile_rows(r) * k[r]);
    }
    slot_run_.resize(slots);
    slot_run_.upload(slot_run);
    cluster_run_.resize(clusters);
    cluster_run_.upload(cluster_run);
    block_run_.resize(std::size_t(max_blocks));
    block_row_.resize(std::size_t(max_blocks));
    runs_list_.resize(nr);
    run_active_.resize(nr);
    inertia_.resize(nr);
    changed_.resize(nr);

    labels_.resize(slots);
    KMEANS_CUDA_CHECK(cudaMemset(labels_.get(), 0xFF, slots * sizeof(std::int32_t)));  // -1
    prev_labels_.resize(slots);
    dist_.resize(slots);
    keys_.resize(slots);
    values_.resize(slots);
    keys_sorted_.resize(slots);
    values_sorted_.resize(slots);
    sort_scratch_.resize(std::max<std::size_t>(1, kmeans_cuda_sort_scratch_bytes(slots, key_bits_)));
    begin_.resize(std::size_t(clusters) + 1);
    c_.resize(std::size_t(clusters) * d_);
    counts_.resize(clusters);
    gemm_out_.resize(std::size_t(gemm_tile));
    norms_.resize(max_k);
  }

  std::int64_t tile_rows(std::size_t r) const {
    return std::max<std::int64_t>(1, std::min<std::int64_t>(runs_[r].n, kGemmTileElems / runs_[r].k));
  }

  /// Nearest centroids of run r through SGEMM tiles: g = x_tile c^T, then the argmin kernel.
  void assign_gemm(int r) {
    const int k = runs_[r].k;
    const float* c = c_.get() + h_c_row_[r] * d_;
    const float* x = x_.get() + h_x_row_[r] * d_;
    kmeans_cuda_row_sq_norms(c, k, d_, norms_.get(), stream_);
    const std::int64_t step = tile_rows(r);
    const float one = 1.0f, zero = 0.0f;
    for (std::int64_t t0 = 0; t0 < runs_[r].n; t0 += step) {
      const std::int64_t m = std::min(step, runs_[r].n - t0);
      const float* xt = x + t0 * d_;
      // Column-major view: g (k x m, ld k) = c^T(k x d) * x_tile^T(d x m) = row-major m x k.
      KMEANS_CUBLAS_CHECK(cublasSgemm(cublas_, CUBLAS_OP_T, CUBLAS_OP_N, k, int(m), d_, &one, c,
                                      d_, xt, d_, &zero, gemm_out_.get(), k));
      kmeans_cuda_argmin_gemm_tile(gemm_out_.get(), norms_.get(), xt, c, m, k, d_,
                                   labels_.get() + h_slot_[r] + t0, dist_.get() + h_slot_[r] + t0,
                                   stream_);
    }
  }

  KMeansCudaRuns tables() const {
    KMeansCudaRuns t;
    t.x_row = t_x_row_.get();
    t.n = t_n_.get();
    t.k = t_k_.get();
    t.c_row = t_c_row_.get();
    t.slot = t_slot_.get();
    return t;
  }

  std::vector<KMeansRunData> runs_;
  int d_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  std::int64_t n_slots_ = 0;
  int n_clusters_ = 0;
  int key_bits_ = 1;
  std::vector<std::int64_t> h_c_row_, h_slot_, h_x_row_;
  DeviceArray<float> x_, c_, dist_, gemm_out_, norms_;
  DeviceArray<std::int64_t> t_x_row_, t_n_, t_c_row_, t_slot_, block_row_, begin_;
  DeviceArray<std::int32_t> t_k_, slot_run_, cluster_run_, block_run_, runs_list_, labels_,
      prev_labels_, keys_, values_, keys_sorted_, values_sorted_;
  DeviceArray<std::uint8_t> run_active_, sort_scratch_;
  DeviceArray<double> inertia_;
  DeviceArray<long long> changed_, counts_;
};

}  // namespace

std::unique_ptr<KMeansBackend> make_kmeans_cuda_backend(std::vector<KMeansRunData> runs, int d) {
  return std::make_unique<KMeansCudaBackend>(std::move(runs), d);
}

}  // namespace tailor
