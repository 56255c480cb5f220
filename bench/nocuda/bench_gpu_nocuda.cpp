// CPU-only build of tailor-bench: no GPU is ever used; GPU records are reported as skipped.
#include "bench/bench_gpu.h"
#include "core/common/error.h"

namespace tailor {
namespace {
constexpr const char* kNoCuda =
    "no GPU: tailor-bench was built without CUDA (TAILOR_CUDA=OFF or no nvcc)";
}

const GpuBenchInfo& gpu_bench_info() {
  static const GpuBenchInfo info = [] {
    GpuBenchInfo i;
    i.reason = kNoCuda;
    return i;
  }();
  return info;
}

Timing time_gpu(const TimingOptions&, const std::function<void(void*)>&) { TAILOR_FAIL(kNoCuda); }

GpuRoofline measure_gpu_roofline(int, std::int64_t, const TimingOptions&) { TAILOR_FAIL(kNoCuda); }

GpuKMeansAssignTimes bench_gpu_kmeans_assign(const float*, std::int64_t, int, const float*, int,
                                             const std::int32_t*, const TimingOptions&) {
  TAILOR_FAIL(kNoCuda);
}

}  // namespace tailor
