// CUDA build of the GPU side of tailor-bench: device info, CUDA-event timing with L2 flushes,
// the SGEMM / copy roofline and the kernel-level K-means assignment (kernels/kmeans_cuda.h).
#include "bench/bench_gpu.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "kernels/cuda/cuda_check.cuh"
#include "kernels/cuda/device_buffer.cuh"
#include "kernels/device.h"
#include "kernels/kmeans_cuda.h"

namespace tailor {
namespace {

/// Floats of one SGEMM output tile, as in kernels/cuda/kmeans_backend_cuda.cpp (256 MiB).
constexpr std::int64_t kGemmTileElems = std::int64_t(1) << 26;

cudaStream_t as_stream(void* s) { return static_cast<cudaStream_t>(s); }

/// A stream, two events and an L2-sized flush buffer for one time_gpu call.
class EventTimer {
 public:
  EventTimer() {
    const GpuBenchInfo& info = gpu_bench_info();
    TAILOR_CHECK(info.usable, "time_gpu: " << info.reason);
    TAILOR_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    TAILOR_CUDA_CHECK(cudaEventCreate(&start_));
    TAILOR_CUDA_CHECK(cudaEventCreate(&stop_));
    flush_bytes_ = std::max<std::int64_t>(2 * info.l2_bytes, std::int64_t(64) << 20);
    flush_ = DeviceBuffer<unsigned char>(size_t(flush_bytes_));
  }
  ~EventTimer() {
    if (start_) TAILOR_CUDA_CHECK_NO_THROW(cudaEventDestroy(start_));
    if (stop_) TAILOR_CUDA_CHECK_NO_THROW(cudaEventDestroy(stop_));
    if (stream_) TAILOR_CUDA_CHECK_NO_THROW(cudaStreamDestroy(stream_));
  }
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;

  cudaStream_t stream() const { return stream_; }
  /// Overwrites a buffer twice the L2 size so that the next launch starts with a cold cache.
  void flush_l2(int round) {
    TAILOR_CUDA_CHECK(cudaMemsetAsync(flush_.data(), round & 0xff, size_t(flush_bytes_), stream_));
  }
  double time_once(const std::function<void(void*)>& launch) {
    TAILOR_CUDA_CHECK(cudaEventRecord(start_, stream_));
    launch(stream_);
    TAILOR_CUDA_CHECK(cudaEventRecord(stop_, stream_));
    TAILOR_CUDA_CHECK(cudaEventSynchronize(stop_));
    TAILOR_CUDA_CHECK(cudaGetLastError());
    float ms = 0.0f;
    TAILOR_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return 1e-3 * double(ms);
  }

 private:
  cudaStream_t stream_ = nullptr;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  std::int64_t flush_bytes_ = 0;
  DeviceBuffer<unsigned char> flush_;
};

class CublasHandle {
 public:
  CublasHandle() {
    TAILOR_CUBLAS_CHECK(cublasCreate(&h_));
    TAILOR_CUBLAS_CHECK(cublasSetMathMode(h_, CUBLAS_DEFAULT_MATH));  // FP32, no TF32
  }
  ~CublasHandle() {
    if (h_) cublasDestroy(h_);
  }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t on(void* stream) {
    TAILOR_CUBLAS_CHECK(cublasSetStream(h_, as_stream(stream)));
    return h_;
  }

 private:
  cublasHandle_t h_ = nullptr;
};

template <class T>
DeviceBuffer<T> upload(const T* host, size_t count) {
  DeviceBuffer<T> b(count);
  if (count > 0)
    TAILOR_CUDA_CHECK(cudaMemcpy(b.data(), host, count * sizeof(T), cudaMemcpyHostToDevice));
  return b;
}

std::int64_t count_mismatches(const DeviceBuffer<std::int32_t>& labels, const std::int32_t* ref,
                              std::int64_t n) {
  if (ref == nullptr) return 0;
  std::vector<std::int32_t> got(static_cast<size_t>(n));
  TAILOR_CUDA_CHECK(cudaMemcpy(got.data(), labels.data(), size_t(n) * sizeof(std::int32_t),
                               cudaMemcpyDeviceToHost));
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < n; ++i) bad += got[size_t(i)] != ref[i];
  return bad;
}

}  // namespace

const GpuBenchInfo& gpu_bench_info() {
  static const GpuBenchInfo info = [] {
    GpuBenchInfo i;
    i.compiled = true;
    cudaRuntimeGetVersion(&i.runtime_version);
    if (cudaDriverGetVersion(&i.driver_version) != cudaSuccess) i.driver_version = 0;
    cudaGetLastError();
    if (cuda_device_count() == 0) {
      i.reason = "no CUDA device: " + cuda_device_description(0);
      return i;
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
      cudaGetLastError();
      i.reason = "no CUDA device: cudaGetDeviceProperties(0) failed";
      return i;
    }
    i.usable = true;
    i.name = prop.name;
    i.description = cuda_device_description(0);
    i.compute_capability = prop.major * 10 + prop.minor;
    i.multiprocessors = prop.multiProcessorCount;
    i.memory_bytes = std::int64_t(prop.totalGlobalMem);
    i.l2_bytes = prop.l2CacheSize;
    return i;
  }();
  return info;
}

Timing time_gpu(const TimingOptions& opt, const std::function<void(void*)>& launch) {
  check_timing_options(opt, "time_gpu");
  EventTimer timer;
  for (int i = 0; i < opt.warmup; ++i) launch(timer.stream());
  TAILOR_CUDA_CHECK(cudaStreamSynchronize(timer.stream()));
  TAILOR_CUDA_CHECK(cudaGetLastError());
  Timing t;
  double total = 0.0;
  for (int r = 0; timing_wants_more(opt, r, total); ++r) {
    timer.flush_l2(r);
    t.samples.push_back(timer.time_once(launch));
    total += t.samples.back();
  }
  return t;
}

GpuRoofline measure_gpu_roofline(int sgemm_n, std::int64_t copy_bytes, const TimingOptions& opt) {
  TAILOR_CHECK(sgemm_n >= 1 && copy_bytes >= 1, "measure_gpu_roofline: sizes must be positive");
  GpuRoofline r;
  r.sgemm_n = sgemm_n;
  r.copy_bytes = copy_bytes;
  {
    const size_t nn = size_t(sgemm_n) * size_t(sgemm_n);
    DeviceBuffer<float> a(nn), b(nn), c(nn);
    // 0x3c3c3c3c is about 0.0115f: finite, normal values (no denormal or zero shortcuts).
    TAILOR_CUDA_CHECK(cudaMemset(a.data(), 0x3c, nn * sizeof(float)));
    TAILOR_CUDA_CHECK(cudaMemset(b.data(), 0x3c, nn * sizeof(float)));
    CublasHandle cublas;
    const float one = 1.0f, zero = 0.0f;
    r.sgemm = time_gpu(opt, [&](void* s) {
      TAILOR_CUBLAS_CHECK(cublasSgemm(cublas.on(s), CUBLAS_OP_N, CUBLAS_OP_N, sgemm_n, sgemm_n,
                                      sgemm_n, &one, a.data(), sgemm_n, b.data(), sgemm_n, &zero,
                                      c.data(), sgemm_n));
    });
    r.sgemm_flop_per_s = 2.0 * double(sgemm_n) * sgemm_n * sgemm_n / r.sgemm.median();
  }
  {
    DeviceBuffer<unsigned char> src(static_cast<size_t>(copy_bytes)),
        dst(static_cast<size_t>(copy_bytes));
    TAILOR_CUDA_CHECK(cudaMemset(src.data(), 1, size_t(copy_bytes)));
    r.copy = time_gpu(opt, [&](void* s) {
      TAILOR_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src.data(), size_t(copy_bytes),
                                        cudaMemcpyDeviceToDevice, as_stream(s)));
    });
    r.copy_bytes_per_s = 2.0 * double(copy_bytes) / r.copy.median();
  }
  return r;
}

GpuKMeansAssignTimes bench_gpu_kmeans_assign(const float* x, std::int64_t n, int d, const float* c,
                                             int k, const std::int32_t* cpu_labels,
                                             const TimingOptions& opt) {
  TAILOR_CHECK(n >= 1 && d >= 1 && k >= 1, "bench_gpu_kmeans_assign: empty problem");
  GpuKMeansAssignTimes out;
  DeviceBuffer<float> dx = upload(x, size_t(n) * d);
  DeviceBuffer<float> dc = upload(c, size_t(k) * d);
  DeviceBuffer<std::int32_t> labels(static_cast<size_t>(n));
  DeviceBuffer<float> dist(static_cast<size_t>(n)), norms(static_cast<size_t>(k));

  // One run of the ragged tables: rows 0..n of x, centroids 0..k, slots 0..n.
  const std::int64_t zero64 = 0;
  const std::int32_t k32 = k;
  DeviceBuffer<std::int64_t> t_x_row = upload(&zero64, 1), t_n = upload(&n, 1),
                             t_c_row = upload(&zero64, 1), t_slot = upload(&zero64, 1);
  DeviceBuffer<std::int32_t> t_k = upload(&k32, 1);
  const KMeansCudaRuns runs{t_x_row.data(), t_n.data(), t_k.data(), t_c_row.data(), t_slot.data()};
  std::vector<std::int32_t> h_block_run;
  std::vector<std::int64_t> h_block_row;
  for (std::int64_t row = 0; row < n; row += kKMeansCudaAssignRows) {
    h_block_run.push_back(0);
    h_block_row.push_back(row);
  }
  DeviceBuffer<std::int32_t> block_run = upload(h_block_run.data(), h_block_run.size());
  DeviceBuffer<std::int64_t> block_row = upload(h_block_row.data(), h_block_row.size());
  const int n_blocks = int(h_block_run.size());

  out.fused = time_gpu(opt, [&](void* s) {
    kmeans_cuda_assign_fused(dx.data(), dc.data(), d, runs, block_run.data(), block_row.data(),
                             n_blocks, labels.data(), dist.data(), s);
  });
  out.fused_label_mismatches = count_mismatches(labels, cpu_labels, n);

  // SGEMM tiles of `step` rows: g (k x m column-major, = m x k row-major) = c^T x_tile^T.
  const std::int64_t step =
      std::max<std::int64_t>(1, std::min<std::int64_t>(n, kGemmTileElems / k));
  DeviceBuffer<float> g(size_t(step) * k);
  CublasHandle cublas;
  const float one = 1.0f, zero = 0.0f;
  auto sgemm_tiles = [&](void* s, bool argmin) {
    cublasHandle_t h = cublas.on(s);
    if (argmin) kmeans_cuda_row_sq_norms(dc.data(), k, d, norms.data(), s);
    for (std::int64_t t0 = 0; t0 < n; t0 += step) {
      const std::int64_t m = std::min(step, n - t0);
      const float* xt = dx.data() + t0 * d;
      TAILOR_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, k, int(m), d, &one, dc.data(), d,
                                      xt, d, &zero, g.data(), k));
      if (argmin)
        kmeans_cuda_argmin_gemm_tile(g.data(), norms.data(), xt, dc.data(), m, k, d,
                                     labels.data() + t0, dist.data() + t0, s);
    }
  };
  out.gemm = time_gpu(opt, [&](void* s) { sgemm_tiles(s, true); });
  out.gemm_label_mismatches = count_mismatches(labels, cpu_labels, n);
  out.sgemm_only = time_gpu(opt, [&](void* s) { sgemm_tiles(s, false); });
  return out;
}

}  // namespace tailor
