// Ragged K-means batch benchmark (suite "kmeans_ragged", path "kmeans.ragged"): many independent
// problems of different sizes fitted by kmeans_fit_batched (one backend call per Lloyd step for all
// of them) vs a loop of kmeans_fit over the same problems, on the CPU and the GPU.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <sstream>

#include "bench/bench_suite.h"
#include "core/common/error.h"
#include "kernels/kmeans.h"

namespace tailor {
namespace {

constexpr const char* kPath = "kmeans.ragged";

/// Parameters of the ragged-batch benchmark (configs/bench.yaml: quick/full.kmeans_ragged).
/// Defaults: the full grid (issue 3: 10,000 problems of 200-5,000 points, k 4-32).
struct KMeansRaggedBenchParams {
  /// Problem counts, one case each, comma separated.
  std::string problems = "1000,10000";
  /// Points per problem, uniform in [min_points, max_points].
  std::int64_t min_points = 200;
  std::int64_t max_points = 5000;
  /// Clusters per problem, uniform in [min_k, max_k].
  int min_k = 4;
  int max_k = 32;
  /// Dimension shared by the batch.
  int d = 16;
  /// Lloyd iterations at most, and the convergence tolerance (as KMeansParams).
  int max_iter = 20;
  double tol = 1e-4;
  /// The loop contender times only the first loop_sample problems and scales its time by
  /// problems / loop_sample (problems are drawn i.i.d.); 0 = loop over all of them.
  std::int64_t loop_sample = 1000;
  /// Untimed and timed runs per contender and case.
  int warmup = 1;
  int repeats = 3;
  /// Devices: any of cpu, cuda.
  std::string devices = "cpu,cuda";
  /// Threads (0: the run's --threads).
  int threads = 0;
  /// Seed of the problems (sizes, k, blob centres, points).
  std::uint64_t seed = 42;
};

KMeansRaggedBenchParams ragged_params(BenchGrid grid) {
  KMeansRaggedBenchParams p;
  if (grid == BenchGrid::kQuick) {
    p.problems = "100,400";
    p.max_points = 2000;
    p.max_iter = 10;
    p.loop_sample = 0;
  }
  return p;
}

/// The points of every problem, contiguous, and the problem table pointing into them.
struct RaggedBatch {
  std::vector<float> x;
  std::vector<KMeansProblem> problems;
  std::int64_t points = 0;
};

RaggedBatch make_batch(std::int64_t count, const KMeansRaggedBenchParams& p) {
  std::mt19937_64 rng(p.seed);
  std::vector<std::int64_t> n(static_cast<size_t>(count));
  std::vector<int> k(static_cast<size_t>(count));
  RaggedBatch b;
  for (std::int64_t i = 0; i < count; ++i) {
    n[size_t(i)] =
        p.min_points + std::int64_t(rng() % std::uint64_t(p.max_points - p.min_points + 1));
    k[size_t(i)] = p.min_k + int(rng() % std::uint64_t(p.max_k - p.min_k + 1));
    b.points += n[size_t(i)];
  }
  b.x.resize(size_t(b.points) * p.d);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::normal_distribution<float> g(0.0f, 0.05f);
  std::vector<float> centres;
  std::int64_t row = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    // Each problem: k blobs of its own.
    centres.resize(size_t(k[size_t(i)]) * p.d);
    for (float& c : centres) c = u(rng);
    for (std::int64_t j = 0; j < n[size_t(i)]; ++j, ++row) {
      const size_t blob = size_t(rng() % std::uint64_t(k[size_t(i)]));
      for (int t = 0; t < p.d; ++t) b.x[size_t(row) * p.d + t] = centres[blob * p.d + t] + g(rng);
    }
  }
  row = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    KMeansProblem pr;
    pr.x = b.x.data() + size_t(row) * p.d;
    pr.n = n[size_t(i)];
    pr.k = k[size_t(i)];
    pr.seed = p.seed + std::uint64_t(i);
    pr.init_centroids = pr.x;  // the first k points
    b.problems.push_back(pr);
    row += pr.n;
  }
  return b;
}

void run_ragged_bench(const KMeansRaggedBenchParams& p, BenchContext& ctx) {
  TAILOR_CHECK(p.min_points >= 1 && p.max_points >= p.min_points,
               "tailor-bench kmeans_ragged: need 1 <= min_points <= max_points");
  TAILOR_CHECK(p.min_k >= 1 && p.max_k >= p.min_k && p.max_k <= p.min_points,
               "tailor-bench kmeans_ragged: need 1 <= min_k <= max_k <= min_points");
  TAILOR_CHECK(p.d >= 1 && p.max_iter >= 1 && p.tol >= 0 && p.loop_sample >= 0,
               "tailor-bench kmeans_ragged: d, max_iter >= 1; tol, loop_sample >= 0");
  const TimingOptions opt = ctx.timing(p.warmup, p.repeats);
  check_timing_options(opt, "tailor-bench kmeans_ragged");
  const auto counts = parse_positive_list(p.problems, "kmeans_ragged.problems");
  const auto devices = parse_name_list(p.devices, {"cpu", "cuda"}, "kmeans_ragged.devices");
  const int threads = ctx.resolve_threads(p.threads);
  ctx.use_threads(threads);

  for (std::int64_t count : counts) {
    const RaggedBatch batch = make_batch(count, p);
    const std::int64_t sample = p.loop_sample > 0 ? std::min(p.loop_sample, count) : count;
    for (const std::string device : {"cpu", "cuda"}) {
      KMeansParams kp;
      kp.max_iter = p.max_iter;
      kp.tol = p.tol;
      kp.device = device;
      BenchRecord base;
      base.path = kPath;
      base.case_id = "problems=" + std::to_string(count);
      base.shape = {{"problems", count},
                    {"points", batch.points},
                    {"min_points", p.min_points},
                    {"max_points", p.max_points},
                    {"min_k", p.min_k},
                    {"max_k", p.max_k},
                    {"d", p.d},
                    {"max_iter", p.max_iter},
                    {"loop_sample", sample}};
      base.size = double(batch.points);
      base.size_unit = "points";
      base.device = device;
      base.threads = threads;
      base.timing = opt;
      base.work_units = double(count);
      base.throughput_unit = "problems/s";
      BenchRecord batched = base, loop = base;
      batched.variant = "batched";
      batched.timed = "kmeans_fit_batched over all problems (one backend call per Lloyd step)";
      batched.comparisons = {{"batched vs loop", device + "/tailor/loop"}};
      if (std::string(device) == "cuda")
        batched.comparisons.push_back({"cuda vs cpu", "cpu/tailor/batched"});
      loop.variant = "loop";
      std::ostringstream lt;
      lt << "kmeans_fit on each problem in turn";
      if (sample < count)
        lt << " (first " << sample << " problems timed, scaled by " << count << "/" << sample
           << ")";
      loop.timed = lt.str();
      if (!contains(devices, device)) {
        const std::string why = "not selected (kmeans_ragged.devices: " + p.devices + ")";
        ctx.add(with_status(batched, BenchStatus::kSkipped, why));
        ctx.add(with_status(loop, BenchStatus::kSkipped, why));
        continue;
      }
      std::vector<double> batched_inertia;
      auto measure =
          std::string(device) == "cuda" ? &BenchContext::measure_gpu : &BenchContext::measure;
      (ctx.*measure)(batched, [&](BenchRecord& r) {
        std::vector<KMeansResult> res;
        r.time = time_cpu(opt, [&] { res = kmeans_fit_batched(batch.problems, p.d, kp); });
        for (const KMeansResult& e : res) batched_inertia.push_back(e.inertia);
      });
      (ctx.*measure)(loop, [&](BenchRecord& r) {
        std::vector<double> inertia(static_cast<size_t>(sample));
        const Timing t = time_cpu(opt, [&] {
          for (std::int64_t i = 0; i < sample; ++i) {
            const KMeansProblem& pr = batch.problems[size_t(i)];
            KMeansParams one = kp;
            one.k = pr.k;
            one.seed = pr.seed;
            inertia[size_t(i)] = kmeans_fit(pr.x, pr.n, p.d, one, pr.init_centroids).inertia;
          }
        });
        r.time = t.per(double(sample) / double(count));
        if (batched_inertia.size() == size_t(count)) {
          double worst = 0.0;
          for (std::int64_t i = 0; i < sample; ++i) {
            const double a = inertia[size_t(i)], b = batched_inertia[size_t(i)];
            worst = std::max(worst, std::fabs(a - b) / std::max(1e-30, std::fabs(a)));
          }
          r.validation = {{"max_rel_inertia_diff_vs_batched", worst}};
        }
      });
    }
  }
}

const BenchSuiteRegistrar kSuite(
    {"kmeans_ragged",
     {kPath},
     "ragged batch of independent K-means problems: kmeans_fit_batched vs a loop of kmeans_fit",
     [](BenchGrid grid, ParamSet& ps) -> BenchSuiteRun {
       auto p = std::make_shared<KMeansRaggedBenchParams>(ragged_params(grid));
       ps.add("problems", &p->problems, "problem counts, one case each, comma separated");
       ps.add("min_points", &p->min_points, "fewest points per problem");
       ps.add("max_points", &p->max_points, "most points per problem");
       ps.add("min_k", &p->min_k, "fewest clusters per problem");
       ps.add("max_k", &p->max_k, "most clusters per problem");
       ps.add("d", &p->d, "dimension of every problem");
       ps.add("max_iter", &p->max_iter, "Lloyd iterations at most");
       ps.add("tol", &p->tol, "convergence tolerance (as kmeans.tol)");
       ps.add("loop_sample", &p->loop_sample,
              "problems the loop contender times, scaled to all (0: all)");
       ps.add("warmup", &p->warmup, "untimed runs per contender and case");
       ps.add("repeats", &p->repeats, "timed runs per contender and case");
       ps.add("devices", &p->devices, "devices: cpu, cuda, comma separated");
       ps.add("threads", &p->threads, "threads (0: the run's --threads)");
       ps.add("seed", &p->seed, "seed of the problems");
       return [p](BenchContext& ctx) { run_ragged_bench(*p, ctx); };
     },
     20});

}  // namespace
}  // namespace tailor
