// The roofline of each device (suite "roofline", paths "roofline.cpu" and "roofline.cuda"): the
// measured SGEMM rate (OpenBLAS / cuBLAS, square, FP32) and copy bandwidth (parallel memcpy /
// cudaMemcpy device to device) that every other record's FLOP/s and GB/s are divided by.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <sstream>
#include <vector>

#include "bench/bench_gpu.h"
#include "bench/bench_suite.h"
#include "core/common/error.h"

namespace tailor {
namespace {

/// Parameters of the roofline measurements (configs/bench.yaml: quick/full.roofline).
struct RooflineBenchParams {
  /// Side of the square OpenBLAS SGEMM on the CPU.
  int cpu_sgemm_n = 4096;
  /// MiB copied by the CPU copy-bandwidth test (OpenMP threads, one chunk each).
  std::int64_t cpu_copy_mib = 1024;
  /// Side of the square cuBLAS SGEMM on the GPU (FP32, TF32 off).
  int gpu_sgemm_n = 8192;
  /// MiB copied device to device on the GPU.
  std::int64_t gpu_copy_mib = 4096;
  /// Untimed and timed runs per measurement.
  int warmup = 1;
  int repeats = 5;
  /// Devices: any of cpu, cuda.
  std::string devices = "cpu,cuda";
  /// CPU threads (0: the run's --threads).
  int threads = 0;
};

RooflineBenchParams roofline_params(BenchGrid grid) {
  RooflineBenchParams p;
  if (grid == BenchGrid::kQuick) {
    p.cpu_sgemm_n = 1024;
    p.cpu_copy_mib = 128;
    p.gpu_sgemm_n = 4096;
    p.gpu_copy_mib = 1024;
    p.repeats = 3;
  }
  return p;
}

BenchRecord roof_record(const std::string& device, const std::string& contender,
                        const std::string& variant, const std::string& case_id, double size,
                        const std::string& unit, int threads, const TimingOptions& opt) {
  BenchRecord r;
  r.path = "roofline." + device;
  r.case_id = case_id;
  r.size = size;
  r.size_unit = unit;
  r.device = device;
  r.contender = contender;
  r.variant = variant;
  r.threads = threads;
  r.timing = opt;
  return r;
}

void run_roofline(const RooflineBenchParams& p, BenchContext& ctx) {
  TAILOR_CHECK(
      p.cpu_sgemm_n >= 1 && p.gpu_sgemm_n >= 1 && p.cpu_copy_mib >= 1 && p.gpu_copy_mib >= 1,
      "tailor-bench roofline: sizes must be >= 1");
  const TimingOptions opt = ctx.timing(p.warmup, p.repeats);
  check_timing_options(opt, "tailor-bench roofline");
  const auto devices = parse_name_list(p.devices, {"cpu", "cuda"}, "roofline.devices");
  const int threads = ctx.resolve_threads(p.threads);
  ctx.use_threads(threads);

  // CPU.
  const int n = p.cpu_sgemm_n;
  BenchRecord sg = roof_record("cpu", "openblas", "sgemm", "sgemm n=" + std::to_string(n),
                               double(n) * n * n, "n^3", threads, opt);
  sg.shape = {{"n", n}};
  sg.timed = "C = A B, n x n, FP32 (cblas_sgemm)";
  sg.flop = 2.0 * double(n) * n * n;
  const std::int64_t bytes = p.cpu_copy_mib << 20;
  BenchRecord cp =
      roof_record("cpu", "memcpy", "copy", "copy " + std::to_string(p.cpu_copy_mib) + " MiB",
                  double(bytes), "bytes", threads, opt);
  cp.shape = {{"mib", p.cpu_copy_mib}};
  cp.timed = "memcpy of the buffer, one chunk per OpenMP thread (bytes = read + written)";
  cp.bytes = 2.0 * double(bytes);
  if (!contains(devices, "cpu")) {
    ctx.add(with_status(sg, BenchStatus::kSkipped,
                        "not selected (roofline.devices: " + p.devices + ")"));
    ctx.add(with_status(cp, BenchStatus::kSkipped,
                        "not selected (roofline.devices: " + p.devices + ")"));
  } else {
    BenchRoofline roof;
    ctx.measure(sg, [&](BenchRecord& r) {
      std::vector<float> a(size_t(n) * n, 0.0115f), b(size_t(n) * n, 0.0115f), c(size_t(n) * n);
      r.time = time_cpu(opt, [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(),
                    n, 0.0f, c.data(), n);
      });
      roof.flop_per_s = r.flop_per_s();
      std::ostringstream os;
      os << "OpenBLAS SGEMM " << n << "^3, " << threads << " threads";
      roof.flop_source = os.str();
    });
    ctx.measure(cp, [&](BenchRecord& r) {
      std::vector<char> src(size_t(bytes), 1), dst(size_t(bytes), 0);
      r.time = time_cpu(opt, [&] {
#pragma omp parallel
        {
          const std::int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
          const std::int64_t lo = bytes * t / nt, hi = bytes * (t + 1) / nt;
          std::memcpy(dst.data() + lo, src.data() + lo, size_t(hi - lo));
        }
      });
      roof.bytes_per_s = r.bytes_per_s();
      std::ostringstream os;
      os << "memcpy " << p.cpu_copy_mib << " MiB, " << threads << " threads (read + write)";
      roof.bytes_source = os.str();
    });
    if (roof.flop_per_s > 0 || roof.bytes_per_s > 0) ctx.set_roofline("cpu", roof);
  }

  // GPU.
  const int gn = p.gpu_sgemm_n;
  BenchRecord gsg = roof_record("cuda", "cublas", "sgemm", "sgemm n=" + std::to_string(gn),
                                double(gn) * gn * gn, "n^3", threads, opt);
  gsg.shape = {{"n", gn}};
  gsg.timed = "C = A B, n x n, FP32 without TF32 (cublasSgemm), CUDA events, L2 flushed";
  gsg.flop = 2.0 * double(gn) * gn * gn;
  const std::int64_t gbytes = p.gpu_copy_mib << 20;
  BenchRecord gcp =
      roof_record("cuda", "cudaMemcpy", "d2d", "copy " + std::to_string(p.gpu_copy_mib) + " MiB",
                  double(gbytes), "bytes", threads, opt);
  gcp.shape = {{"mib", p.gpu_copy_mib}};
  gcp.timed = "cudaMemcpyAsync device to device (bytes = read + written), CUDA events, L2 flushed";
  gcp.bytes = 2.0 * double(gbytes);
  if (!contains(devices, "cuda")) {
    ctx.add(with_status(gsg, BenchStatus::kSkipped,
                        "not selected (roofline.devices: " + p.devices + ")"));
    ctx.add(with_status(gcp, BenchStatus::kSkipped,
                        "not selected (roofline.devices: " + p.devices + ")"));
    return;
  }
  const std::string why = ctx.gpu_skip_reason();
  if (!why.empty()) {
    ctx.add(with_status(gsg, BenchStatus::kSkipped, why));
    ctx.add(with_status(gcp, BenchStatus::kSkipped, why));
    return;
  }
  try {
    const GpuRoofline g = measure_gpu_roofline(gn, gbytes, opt);
    gsg.time = g.sgemm;
    gcp.time = g.copy;
    ctx.add(gsg);
    ctx.add(gcp);
    BenchRoofline roof;
    roof.flop_per_s = g.sgemm_flop_per_s;
    roof.flop_source =
        "cuBLAS SGEMM " + std::to_string(gn) + "^3 (FP32, no TF32) on " + gpu_bench_info().name;
    roof.bytes_per_s = g.copy_bytes_per_s;
    roof.bytes_source =
        "cudaMemcpy device to device, " + std::to_string(p.gpu_copy_mib) + " MiB (read + write)";
    ctx.set_roofline("cuda", roof);
  } catch (const std::exception& e) {
    ctx.add(with_status(gsg, BenchStatus::kFailed, e.what()));
    ctx.add(with_status(gcp, BenchStatus::kFailed, e.what()));
  }
}

const BenchSuiteRegistrar kSuite(
    {"roofline",
     {"roofline.cpu", "roofline.cuda"},
     "measured SGEMM rate and copy bandwidth per device: the references of the roofline fractions",
     [](BenchGrid grid, ParamSet& ps) -> BenchSuiteRun {
       auto p = std::make_shared<RooflineBenchParams>(roofline_params(grid));
       ps.add("cpu_sgemm_n", &p->cpu_sgemm_n, "side of the square OpenBLAS SGEMM");
       ps.add("cpu_copy_mib", &p->cpu_copy_mib, "MiB copied by the CPU bandwidth test");
       ps.add("gpu_sgemm_n", &p->gpu_sgemm_n, "side of the square cuBLAS SGEMM");
       ps.add("gpu_copy_mib", &p->gpu_copy_mib, "MiB copied device to device");
       ps.add("warmup", &p->warmup, "untimed runs per measurement");
       ps.add("repeats", &p->repeats, "timed runs per measurement");
       ps.add("devices", &p->devices, "devices: cpu, cuda, comma separated");
       ps.add("threads", &p->threads, "CPU threads (0: the run's --threads)");
       return [p](BenchContext& ctx) { run_roofline(*p, ctx); };
     },
     0});

}  // namespace
}  // namespace tailor
