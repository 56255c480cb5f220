// K-means assignment and full-fit benchmarks (suite "kmeans"): tailor CPU and CUDA vs FAISS and
// scikit-learn on the same synthetic data and initial centroids.
#include "bench/bench_kmeans.h"

#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "bench/bench_gpu.h"
#include "core/common/error.h"
#include "kernels/kmeans.h"
#include "kernels/kmeans_cpu.h"

#ifdef TAILOR_BENCH_WITH_FAISS
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#endif

namespace tailor {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAssign = "kmeans.assign";
constexpr const char* kFit = "kmeans.fit";
constexpr const char* kNoFaiss =
    "FAISS not compiled in (libfaiss-dev was not found when tailor-bench was configured)";

struct Cell {
  std::int64_t n = 0;
  int d = 0, k = 0;
};

const char* method_name(KMeansAssignMethod m) {
  return m == KMeansAssignMethod::kGemm ? "gemm" : "fused";
}

BenchRecord base_record(const char* path, const Cell& c, const std::string& device,
                        const std::string& contender, const std::string& variant, int threads,
                        const TimingOptions& opt) {
  BenchRecord r;
  r.path = path;
  std::ostringstream id;
  id << "n=" << c.n << " d=" << c.d << " k=" << c.k;
  r.case_id = id.str();
  r.shape = {{"n", c.n}, {"d", c.d}, {"k", c.k}};
  r.size = double(c.n) * c.k * c.d;
  r.size_unit = "n*k*d";
  r.device = device;
  r.contender = contender;
  r.variant = variant;
  r.threads = threads;
  r.timing = opt;
  r.work_units = double(c.n);
  r.throughput_unit = "points/s";
  r.flop = 2.0 * double(c.n) * c.k * c.d;
  if (std::string(path) == kAssign) {
    r.timed = "one assignment (nearest centroid of every point)";
    r.bytes = 4.0 * (double(c.n) * c.d + double(c.k) * c.d) + 8.0 * double(c.n);
  } else {
    r.timed = "one Lloyd iteration (fit time / iterations, tol 0, fixed initial centroids)";
  }
  return r;
}

Timing tailor_assign(const std::vector<float>& x, const Cell& c, const float* init,
                     KMeansAssignMethod method, const TimingOptions& opt,
                     std::vector<std::int32_t>* labels_out, double* inertia) {
  std::vector<std::int32_t> labels(size_t(c.n), -1);
  std::vector<float> dist(size_t(c.n));
  Timing t = time_cpu(opt, [&] {
    kmeans_assign_cpu(x.data(), c.n, c.d, init, c.k, labels.data(), dist.data(), inertia, true,
                      method);
  });
  if (labels_out) *labels_out = std::move(labels);
  return t;
}

Timing tailor_fit(const std::vector<float>& x, const Cell& c, const float* init, int iters,
                  const TimingOptions& opt, const std::string& device, BenchRecord& r) {
  KMeansParams p;
  p.k = c.k;
  p.max_iter = iters;
  p.tol = 0.0;
  p.device = device;
  KMeansResult res;
  Timing t = time_cpu(opt, [&] { res = kmeans_fit(x.data(), c.n, c.d, p, init); });
  // A fit does n_iter updates and n_iter + 1 assignments (the last makes the labels match the
  // centroids), like scikit-learn; FAISS does n_iter of each. All of it is charged to n_iter.
  const int n_iter = std::max(1, res.n_iter);
  r.validation = {{"n_iter", res.n_iter}, {"inertia", res.inertia}};
  return t.per(n_iter);
}

#ifdef TAILOR_BENCH_WITH_FAISS
Timing faiss_assign(const std::vector<float>& x, const Cell& c, const float* init,
                    const TimingOptions& opt, double* inertia) {
  faiss::IndexFlatL2 index(c.d);
  index.add(c.k, init);
  std::vector<float> dist(size_t(c.n));
  std::vector<faiss::Index::idx_t> labels(size_t(c.n));
  Timing t = time_cpu(opt, [&] { index.search(c.n, x.data(), 1, dist.data(), labels.data()); });
  double s = 0.0;
  for (float v : dist) s += v;
  *inertia = s;
  return t;
}

Timing faiss_fit(const std::vector<float>& x, const Cell& c, const std::vector<float>& init,
                 int iters, const TimingOptions& opt, BenchRecord& r) {
  double obj = 0.0;
  Timing t = time_cpu(opt, [&] {
    faiss::ClusteringParameters cp;
    cp.niter = iters;
    cp.max_points_per_centroid = INT_MAX;  // no subsampling
    cp.min_points_per_centroid = 1;
    cp.seed = 1234;
    faiss::Clustering clus(c.d, c.k, cp);
    clus.centroids = init;  // used as the initial centroids
    faiss::IndexFlatL2 index(c.d);
    clus.train(c.n, x.data(), index);
    obj = clus.iteration_stats.empty() ? 0.0 : clus.iteration_stats.back().obj;
  });
  r.validation = {{"n_iter", iters}, {"inertia", obj}};
  return t.per(iters);
}
#endif

template <class T>
void write_bin(const fs::path& p, const std::vector<T>& v) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  TAILOR_CHECK(out.good(), "tailor-bench kmeans: cannot write " << p);
}

Timing timing_from_json(const nlohmann::json& samples) {
  Timing t;
  for (const auto& s : samples) t.samples.push_back(s.get<double>());
  return t;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : ",") + e;
  return s.empty() ? "none" : s;
}

}  // namespace

KMeansBenchParams kmeans_bench_params(BenchGrid grid) {
  KMeansBenchParams p;
  if (grid == BenchGrid::kQuick) {
    p.n = "5000,50000";
    p.d = "8,64";
    p.k = "16,256";
    p.iters = 3;
    p.repeats = 3;
    p.max_work = 1e9;
  }
  return p;
}

void bind_kmeans_bench_params(ParamSet& ps, KMeansBenchParams& p) {
  ps.add("n", &p.n, "point counts, comma separated");
  ps.add("d", &p.d, "dimensions, comma separated");
  ps.add("k", &p.k, "cluster counts, comma separated");
  ps.add("iters", &p.iters, "Lloyd iterations per timed fit (tol 0)");
  ps.add("warmup", &p.warmup, "untimed runs per contender and case");
  ps.add("repeats", &p.repeats, "timed runs per contender and case (median and min reported)");
  ps.add("max_work", &p.max_work,
         "skip cases with n*k*d above this (0: none); reported as skipped");
  ps.add("peers", &p.peers, "peers: faiss, sklearn, comma separated, or none");
  ps.add("devices", &p.devices, "devices: cpu, cuda, comma separated");
  ps.add("threads", &p.threads, "threads for every contender (0: the run's --threads)");
  ps.add("seed", &p.seed, "seed of the synthetic data");
}

std::vector<float> kmeans_bench_data(std::int64_t n, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::normal_distribution<float> g(0.0f, 0.3f);
  const int blobs = 50;
  std::vector<float> centres(size_t(blobs) * d);
  for (auto& c : centres) c = u(rng);
  std::vector<float> x(size_t(n) * d);
  for (std::int64_t i = 0; i < n; ++i) {
    const size_t b = size_t(rng() % blobs);
    for (int t = 0; t < d; ++t) x[size_t(i) * d + t] = centres[b * d + t] + g(rng);
  }
  return x;
}

void run_kmeans_bench(const KMeansBenchParams& p, BenchContext& ctx) {
  TAILOR_CHECK(p.iters >= 1, "tailor-bench kmeans: iters must be >= 1, got " << p.iters);
  TAILOR_CHECK(p.max_work >= 0, "tailor-bench kmeans: max_work must be >= 0");
  const TimingOptions opt = ctx.timing(p.warmup, p.repeats);
  check_timing_options(opt, "tailor-bench kmeans");
  const auto ns = parse_positive_list(p.n, "kmeans.n");
  const auto ds = parse_positive_list(p.d, "kmeans.d");
  const auto ks = parse_positive_list(p.k, "kmeans.k");
  const auto peers = parse_name_list(p.peers, {"faiss", "sklearn"}, "kmeans.peers");
  const auto devices = parse_name_list(p.devices, {"cpu", "cuda"}, "kmeans.devices");
  const bool cpu = contains(devices, "cpu"), cuda = contains(devices, "cuda");
  const int threads = ctx.resolve_threads(p.threads);
  ctx.use_threads(threads);

  const std::string not_selected = "not selected (kmeans.devices: " + list_text(devices) + ")";
  std::string sklearn_absent;
  if (contains(peers, "sklearn")) {
    sklearn_absent = ctx.python().missing({"numpy", "sklearn"});
    if (sklearn_absent.empty()) ctx.python().peer_script("kmeans_sklearn.py", &sklearn_absent);
  }
  auto peer_reason = [&](const std::string& peer, BenchStatus* st) -> std::string {
    if (!cpu) {
      *st = BenchStatus::kSkipped;
      return not_selected;
    }
    if (!contains(peers, peer)) {
      *st = BenchStatus::kSkipped;
      return "not selected (kmeans.peers: " + list_text(peers) + ")";
    }
    *st = BenchStatus::kAbsent;
#ifdef TAILOR_BENCH_WITH_FAISS
    if (peer == "faiss") return "";
#else
    if (peer == "faiss") return kNoFaiss;
#endif
    return sklearn_absent;
  };

  for (std::int64_t n : ns) {
    for (std::int64_t d64 : ds) {
      const int d = int(d64);
      std::vector<float> x;
      std::vector<int> sk_ks;  // cells of this (n, d) that scikit-learn measures
      for (std::int64_t k64 : ks) {
        const Cell c{n, d, int(k64)};
        const double work = double(n) * c.k * d;
        std::string skip;
        if (c.k > n) {
          skip = "k > n";
        } else if (p.max_work > 0 && work > p.max_work) {
          std::ostringstream os;
          os << "n*k*d = " << work << " above max_work " << p.max_work;
          skip = os.str();
        }
        auto cpu_rec = [&](const char* path, const std::string& who, const std::string& variant) {
          return base_record(path, c, "cpu", who, variant, threads, opt);
        };
        auto gpu_rec = [&](const char* path, const std::string& who, const std::string& variant) {
          return base_record(path, c, "cuda", who, variant, threads, opt);
        };
        const std::string auto_method = method_name(kmeans_assign_cpu_method(d, c.k));
        std::vector<BenchRecord> assign_series = {
            cpu_rec(kAssign, "tailor", "fused"), cpu_rec(kAssign, "tailor", "gemm"),
            cpu_rec(kAssign, "faiss", ""),       cpu_rec(kAssign, "sklearn", ""),
            gpu_rec(kAssign, "tailor", "fused"), gpu_rec(kAssign, "tailor", "gemm"),
            gpu_rec(kAssign, "cublas", "sgemm")};
        std::vector<BenchRecord> fit_series = {
            cpu_rec(kFit, "tailor", ""), cpu_rec(kFit, "faiss", ""), cpu_rec(kFit, "sklearn", ""),
            gpu_rec(kFit, "tailor", "")};
        // What each line is compared with (speedup = other time / this time).
        for (BenchRecord& r : assign_series) {
          if (r.contender != "tailor") continue;
          if (r.device == "cpu" && r.variant == auto_method) {
            r.comparisons = {{"vs faiss", "cpu/faiss"}, {"vs sklearn", "cpu/sklearn"}};
          } else if (r.device == "cuda") {
            r.comparisons = {{"cuda vs cpu", "cpu/tailor/" + auto_method},
                             {"vs sgemm alone", "cuda/cublas/sgemm"}};
          }
          r.shape["cpu_method"] = auto_method;
        }
        fit_series[0].comparisons = {{"vs faiss", "cpu/faiss"}, {"vs sklearn", "cpu/sklearn"}};
        fit_series[3].comparisons = {{"cuda vs cpu", "cpu/tailor"}};
        if (!skip.empty()) {
          for (auto& r : assign_series) ctx.add(with_status(r, BenchStatus::kSkipped, skip));
          for (auto& r : fit_series) ctx.add(with_status(r, BenchStatus::kSkipped, skip));
          continue;
        }
        if (x.empty()) x = kmeans_bench_data(n, d, p.seed);
        const std::vector<float> init(x.begin(), x.begin() + std::int64_t(c.k) * d);

        // Assignment on the CPU: both tailor methods, FAISS's flat index search.
        std::vector<std::int32_t> cpu_labels;
        for (int m = 0; m < 2; ++m) {
          const KMeansAssignMethod method =
              m == 0 ? KMeansAssignMethod::kDirect : KMeansAssignMethod::kGemm;
          BenchRecord& r = assign_series[size_t(m)];
          if (!cpu) {
            ctx.add(with_status(r, BenchStatus::kSkipped, not_selected));
            continue;
          }
          ctx.measure(r, [&](BenchRecord& rec) {
            double inertia = 0.0;
            std::vector<std::int32_t> labels;
            rec.time = tailor_assign(x, c, init.data(), method, opt, &labels, &inertia);
            rec.validation = {{"inertia", inertia}};
            if (rec.variant == auto_method) cpu_labels = std::move(labels);
          });
        }
        BenchStatus st;
        std::string why = peer_reason("faiss", &st);
        if (!why.empty()) {
          ctx.add(with_status(assign_series[2], st, why));
        } else {
#ifdef TAILOR_BENCH_WITH_FAISS
          ctx.measure(assign_series[2], [&](BenchRecord& rec) {
            double inertia = 0.0;
            rec.time = faiss_assign(x, c, init.data(), opt, &inertia);
            rec.validation = {{"inertia", inertia}};
          });
#endif
        }
        // Assignment on the GPU: three series from one upload.
        if (!cuda) {
          for (size_t i = 4; i < 7; ++i)
            ctx.add(with_status(assign_series[i], BenchStatus::kSkipped, not_selected));
        } else if (!ctx.gpu_skip_reason().empty()) {
          for (size_t i = 4; i < 7; ++i)
            ctx.add(with_status(assign_series[i], BenchStatus::kSkipped, ctx.gpu_skip_reason()));
        } else {
          try {
            const GpuKMeansAssignTimes g =
                bench_gpu_kmeans_assign(x.data(), n, d, init.data(), c.k,
                                        cpu_labels.empty() ? nullptr : cpu_labels.data(), opt);
            assign_series[4].time = g.fused;
            assign_series[5].time = g.gemm;
            assign_series[6].time = g.sgemm_only;
            assign_series[6].bytes = 0;  // SGEMM alone writes the n x k scores: not this byte count
            if (!cpu_labels.empty()) {
              assign_series[4].validation = {{"label_mismatches_vs_cpu", g.fused_label_mismatches}};
              assign_series[5].validation = {{"label_mismatches_vs_cpu", g.gemm_label_mismatches}};
            }
            for (size_t i = 4; i < 7; ++i) ctx.add(assign_series[i]);
          } catch (const std::exception& e) {
            for (size_t i = 4; i < 7; ++i)
              ctx.add(with_status(assign_series[i], BenchStatus::kFailed, e.what()));
          }
        }

        // Full fit per iteration.
        if (!cpu) {
          ctx.add(with_status(fit_series[0], BenchStatus::kSkipped, not_selected));
        } else {
          ctx.measure(fit_series[0], [&](BenchRecord& rec) {
            rec.time = tailor_fit(x, c, init.data(), p.iters, opt, "cpu", rec);
            rec.shape["cpu_method"] = auto_method;
          });
        }
        why = peer_reason("faiss", &st);
        if (!why.empty()) {
          ctx.add(with_status(fit_series[1], st, why));
        } else {
#ifdef TAILOR_BENCH_WITH_FAISS
          ctx.measure(fit_series[1], [&](BenchRecord& rec) {
            rec.time = faiss_fit(x, c, init, p.iters, opt, rec);
          });
#endif
        }
        if (!cuda) {
          ctx.add(with_status(fit_series[3], BenchStatus::kSkipped, not_selected));
        } else {
          ctx.measure_gpu(fit_series[3], [&](BenchRecord& rec) {
            rec.time = tailor_fit(x, c, init.data(), p.iters, opt, "cuda", rec);
          });
        }
        why = peer_reason("sklearn", &st);
        if (!why.empty()) {
          ctx.add(with_status(assign_series[3], st, why));
          ctx.add(with_status(fit_series[2], st, why));
        } else {
          sk_ks.push_back(c.k);
        }
      }
      if (sk_ks.empty()) continue;

      // scikit-learn: one Python process per (n, d) for every k of it, assignment and fit.
      std::string ks_text;
      for (int k : sk_ks) ks_text += (ks_text.empty() ? "" : ",") + std::to_string(k);
      const fs::path xbin = fs::path(ctx.scratch()) / "kmeans_x.bin";
      nlohmann::json out;
      std::string failure;
      try {
        write_bin(xbin, x);
        out = ctx.python().run_json(
            ctx.python().peer_script("kmeans_sklearn.py", nullptr),
            {xbin.string(), std::to_string(n), std::to_string(d), ks_text, std::to_string(p.iters),
             std::to_string(p.warmup), std::to_string(p.repeats), std::to_string(opt.min_time_s),
             std::to_string(opt.max_repeats)},
            threads);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      fs::remove(xbin);
      for (int k : sk_ks) {
        const Cell c{n, d, k};
        BenchRecord ra = base_record(kAssign, c, "cpu", "sklearn", "", threads, opt);
        BenchRecord rf = base_record(kFit, c, "cpu", "sklearn", "", threads, opt);
        if (!failure.empty()) {
          ctx.add(with_status(ra, BenchStatus::kFailed, failure));
          ctx.add(with_status(rf, BenchStatus::kFailed, failure));
          continue;
        }
        ctx.measure(ra, [&](BenchRecord& rec) {
          for (const auto& e : out.at("cases"))
            if (e.at("k").get<int>() == k && e.at("mode") == "assign")
              rec.time = timing_from_json(e.at("samples"));
          TAILOR_CHECK(!rec.time.samples.empty(),
                       "kmeans_sklearn.py returned no assign samples for k=" << k);
        });
        ctx.measure(rf, [&](BenchRecord& rec) {
          for (const auto& e : out.at("cases"))
            if (e.at("k").get<int>() == k && e.at("mode") == "fit") {
              rec.time = timing_from_json(e.at("samples_per_iter"));
              rec.validation = {{"n_iter", e.at("n_iter")}, {"inertia", e.at("inertia")}};
            }
          TAILOR_CHECK(!rec.time.samples.empty(),
                       "kmeans_sklearn.py returned no fit samples for k=" << k);
        });
      }
    }
  }
}

namespace {

const BenchSuiteRegistrar kSuite(
    {"kmeans",
     {kAssign, kFit},
     "K-means assignment (tailor fused loop / SGEMM tiles, FAISS flat search, scikit-learn "
     "predict; "
     "CUDA fused kernel, SGEMM + argmin, cuBLAS SGEMM alone) and full fit per Lloyd iteration",
     [](BenchGrid grid, ParamSet& ps) -> BenchSuiteRun {
       auto p = std::make_shared<KMeansBenchParams>(kmeans_bench_params(grid));
       bind_kmeans_bench_params(ps, *p);
       return [p](BenchContext& ctx) { run_kmeans_bench(*p, ctx); };
     },
     10});

}  // namespace
}  // namespace tailor
