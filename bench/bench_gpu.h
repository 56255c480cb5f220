// The GPU side of tailor-bench: device and CUDA versions, CUDA-event timing with the L2 cache
// flushed between repeats, the roofline (cuBLAS SGEMM rate, device-to-device copy bandwidth) and
// the kernel-level K-means assignment timings. No CUDA types: the CUDA build implements it in
// bench/cuda/, the CPU-only build in bench/nocuda/ (which reports "no GPU" and never times).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "bench/bench_timer.h"

namespace tailor {

/// What this build and this machine offer for GPU measurements.
struct GpuBenchInfo {
  /// tailor-bench was built with CUDA.
  bool compiled = false;
  /// A device is usable: GPU records are measured; otherwise they are skipped with `reason`.
  bool usable = false;
  std::string reason;
  /// CUDA runtime the binary was built against and driver version (e.g. 13000), 0 when unknown.
  int runtime_version = 0;
  int driver_version = 0;
  /// Device 0: name, compute capability (e.g. 90), SMs, memory, L2 size.
  std::string name;
  std::string description;
  int compute_capability = 0;
  int multiprocessors = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t l2_bytes = 0;
};

/// Queried once per process.
const GpuBenchInfo& gpu_bench_info();

/// Times `launch(stream)` (which enqueues work on the given cudaStream_t, passed as void*):
/// opt.warmup untimed launches, then opt.repeats launches each timed with a pair of CUDA events,
/// with the L2 cache flushed (a memset of twice its size) before each, outside the events.
/// Throws tailor::Error when no GPU is usable.
Timing time_gpu(const TimingOptions& opt, const std::function<void(void* stream)>& launch);

/// The measured limits of the GPU: FP32 SGEMM (cuBLAS, square, no TF32) and device-to-device copy.
struct GpuRoofline {
  Timing sgemm;
  int sgemm_n = 0;
  /// 2 n^3 / median time.
  double sgemm_flop_per_s = 0.0;
  Timing copy;
  std::int64_t copy_bytes = 0;
  /// Bytes read + bytes written (2 * copy_bytes) / median time.
  double copy_bytes_per_s = 0.0;
};
GpuRoofline measure_gpu_roofline(int sgemm_n, std::int64_t copy_bytes, const TimingOptions& opt);

/// Kernel-level K-means assignment of one problem on the GPU (data resident on the device):
/// the fused distance + argmin kernel, cuBLAS SGEMM tiles + argmin, and the same SGEMM tiles
/// alone (the reference the assignment is held against). x: n x d, c: k x d, host row-major.
/// `cpu_labels` (n, from the CPU path) are compared with the GPU labels.
struct GpuKMeansAssignTimes {
  Timing fused, gemm, sgemm_only;
  /// Labels that differ from cpu_labels (ties at float precision may legitimately differ).
  std::int64_t fused_label_mismatches = 0;
  std::int64_t gemm_label_mismatches = 0;
};
GpuKMeansAssignTimes bench_gpu_kmeans_assign(const float* x, std::int64_t n, int d, const float* c,
                                             int k, const std::int32_t* cpu_labels,
                                             const TimingOptions& opt);

}  // namespace tailor
