// `tailor-bench kmeans`: CPU time per Lloyd iteration of tailor vs FAISS CPU and scikit-learn on the
// same data and initial centroids, over a grid of (n, d, k); prints a table and writes JSON.
#include <cblas.h>
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/io/atomic_file.h"
#include "kernels/kmeans.h"
#include "kernels/kmeans_cpu.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Parameters of `tailor-bench kmeans` (configs/bench_kmeans.yaml).
struct KMeansBenchParams {
  /// "full" (the n, d, k lists below) or "quick" (n 2000,20000; d 8,32; k 8,64; for tests).
  std::string grid = "full";
  /// Point counts of the full grid, comma separated.
  std::string n = "10000,100000,1000000";
  /// Dimensions of the full grid.
  std::string d = "8,32,128,512";
  /// Cluster counts of the full grid.
  std::string k = "8,64,1024";
  /// Lloyd iterations timed per run (tol = 0, fixed initial centroids).
  int iters = 5;
  /// Timed runs per contender and cell; the fastest counts (the others absorb noise from other
  /// processes on the machine).
  int repeats = 3;
  /// Skip cells whose assignment costs more than this many multiply-adds (n * k * d); 0 = none.
  double max_work = 2e11;
  /// Peers to time: any of faiss, sklearn (comma separated), or "none".
  std::string peers = "faiss,sklearn";
  /// Threads for every contender (OpenMP, OpenBLAS; sklearn via OMP/OPENBLAS_NUM_THREADS).
  int threads = 2;
  /// Seed of the synthetic data.
  std::uint64_t seed = 42;
  /// Python with numpy and scikit-learn.
  std::string python = "/usr/bin/python3";
  /// Write the results as JSON here (atomically); empty = table only.
  std::string json;
};

std::vector<std::int64_t> parse_list(const std::string& s, const char* field) {
  std::vector<std::int64_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      long long v = std::stoll(item, &used);
      TAILOR_CHECK(used == item.size() && v > 0, "");
      out.push_back(v);
    } catch (...) {
      TAILOR_FAIL("tailor-bench kmeans: --" << field << ": '" << item
                                            << "' is not a positive integer");
    }
  }
  TAILOR_CHECK(!out.empty(), "tailor-bench kmeans: --" << field << " is empty");
  return out;
}

/// Data: a mixture of 50 Gaussian blobs (spread 0.3) in [0, 1)^d, plus the first k points as
/// initial centroids (shared by all contenders).
std::vector<float> make_data(std::int64_t n, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::normal_distribution<float> g(0.0f, 0.3f);
  const int blobs = 50;
  std::vector<float> centres(std::size_t(blobs) * d);
  for (auto& c : centres) c = u(rng);
  std::vector<float> x(std::size_t(n) * d);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::size_t b = std::size_t(rng() % blobs);
    for (int t = 0; t < d; ++t) x[i * d + t] = centres[b * d + t] + g(rng);
  }
  return x;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Cell {
  std::int64_t n = 0;
  int d = 0, k = 0;
  double tailor_ms = 0, faiss_ms = 0, sklearn_ms = 0, direct_ms = 0, gemm_ms = 0;
  int tailor_iters = 0, sklearn_iters = 0;
  double tailor_inertia = 0, faiss_inertia = 0, sklearn_inertia = 0;
  std::string method;
};

/// One assignment with a given method (ms), for the direct-vs-SGEMM tuning columns.
double time_assign(const std::vector<float>& x, std::int64_t n, int d, const float* c, int k,
                   KMeansAssignMethod method, int repeats) {
  std::vector<std::int32_t> labels(n, -1);
  std::vector<float> dist(n);
  double inertia = 0.0;
  double best = INFINITY;
  for (int rep = 0; rep < repeats + 1; ++rep) {  // the first call warms up
    auto t0 = Clock::now();
    kmeans_assign_cpu(x.data(), n, d, c, k, labels.data(), dist.data(), &inertia, true, method);
    if (rep > 0) best = std::min(best, 1e3 * seconds_since(t0));
  }
  return best;
}

void run_tailor(Cell& cell, const std::vector<float>& x, const std::vector<float>& init, int iters,
                int repeats) {
  KMeansParams p;
  p.k = cell.k;
  p.max_iter = iters;
  p.tol = 0.0;
  // Fastest of `repeats` fits; per iteration = total / n_iter. A fit does n_iter updates and
  // n_iter + 1 assignments (the last makes labels match the centroids), like scikit-learn; FAISS
  // does n_iter of each, so the ratio to FAISS is charged one extra assignment.
  cell.tailor_ms = INFINITY;
  for (int rep = 0; rep < repeats; ++rep) {
    auto t0 = Clock::now();
    KMeansResult r = kmeans_fit(x.data(), cell.n, cell.d, p, init.data());
    const double s = seconds_since(t0);
    cell.tailor_iters = std::max(1, r.n_iter);
    cell.tailor_ms = std::min(cell.tailor_ms, 1e3 * s / cell.tailor_iters);
    cell.tailor_inertia = r.inertia;
  }
}

void run_faiss(Cell& cell, const std::vector<float>& x, const std::vector<float>& init, int iters,
               int repeats) {
  cell.faiss_ms = INFINITY;
  for (int rep = 0; rep < repeats; ++rep) {
  faiss::ClusteringParameters cp;
  cp.niter = iters;
  cp.max_points_per_centroid = INT_MAX;  // no subsampling
  cp.min_points_per_centroid = 1;
  cp.seed = 1234;
  faiss::Clustering clus(cell.d, cell.k, cp);
  clus.centroids = init;  // used as the initial centroids
  faiss::IndexFlatL2 index(cell.d);
  auto t0 = Clock::now();
  clus.train(cell.n, x.data(), index);
  cell.faiss_ms = std::min(cell.faiss_ms, 1e3 * seconds_since(t0) / iters);
  cell.faiss_inertia = clus.iteration_stats.empty() ? 0.0 : clus.iteration_stats.back().obj;
  }
}

template <class T>
void write_bin(const fs::path& p, const std::vector<T>& v) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  TAILOR_CHECK(out.good(), "tailor-bench kmeans: cannot write " << p);
}

void run_sklearn(Cell& cell, const KMeansBenchParams& bp, const fs::path& dir, int iters) {
  const fs::path script = fs::path(TAILOR_SOURCE_DIR) / "scripts" / "peers" / "kmeans_sklearn.py";
  std::ostringstream cmd;
  cmd << "OMP_NUM_THREADS=" << bp.threads << " OPENBLAS_NUM_THREADS=" << bp.threads << " "
      << bp.python << " " << script.string() << " " << dir.string() << " " << cell.n << " "
      << cell.d << " " << cell.k << " " << iters << " " << bp.repeats;
  FILE* f = popen(cmd.str().c_str(), "r");
  TAILOR_CHECK(f, "tailor-bench kmeans: cannot run " << cmd.str());
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) out += buf;
  const int rc = pclose(f);
  TAILOR_CHECK(rc == 0, "tailor-bench kmeans: scikit-learn peer failed (" << cmd.str() << ")");
  auto j = nlohmann::json::parse(out);
  cell.sklearn_ms = j.at("per_iter_ms").get<double>();
  cell.sklearn_iters = j.at("n_iter").get<int>();
  cell.sklearn_inertia = j.at("inertia").get<double>();
}

void run_bench(const KMeansBenchParams& bp) {
  TAILOR_CHECK(bp.grid == "full" || bp.grid == "quick",
               "tailor-bench kmeans: --grid must be full or quick, got '" << bp.grid << "'");
  TAILOR_CHECK(bp.iters >= 1, "tailor-bench kmeans: --iters must be >= 1, got " << bp.iters);
  TAILOR_CHECK(bp.repeats >= 1, "tailor-bench kmeans: --repeats must be >= 1, got " << bp.repeats);
  TAILOR_CHECK(bp.threads >= 1, "tailor-bench kmeans: --threads must be >= 1, got " << bp.threads);
  const bool quick = bp.grid == "quick";
  const auto ns = parse_list(quick ? "2000,20000" : bp.n, "n");
  const auto ds = parse_list(quick ? "8,32" : bp.d, "d");
  const auto ks = parse_list(quick ? "8,64" : bp.k, "k");
  const int iters = quick ? std::min(bp.iters, 3) : bp.iters;
  const bool with_faiss = bp.peers.find("faiss") != std::string::npos;
  const bool with_sklearn = bp.peers.find("sklearn") != std::string::npos;
  omp_set_num_threads(bp.threads);
  openblas_set_num_threads(bp.threads);  // tailor and FAISS share this OpenBLAS

  const fs::path dir = fs::temp_directory_path() / ("tailor_bench_kmeans_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<Cell> cells;
  std::vector<std::string> skipped;
  std::printf("%8s %4s %5s %7s | %10s %10s %10s | %8s %8s | %9s %9s\n", "n", "d", "k", "method",
              "tailor ms", "faiss ms", "sklearn ms", "t/faiss", "t/sk", "direct ms", "gemm ms");
  for (std::int64_t n : ns) {
    for (std::int64_t d : ds) {
      std::vector<float> x;
      for (std::int64_t k : ks) {
        std::ostringstream name;
        name << "n=" << n << " d=" << d << " k=" << k;
        if (k > n || (bp.max_work > 0 && double(n) * double(k) * double(d) > bp.max_work)) {
          skipped.push_back(name.str());
          continue;
        }
        if (x.empty()) x = make_data(n, int(d), bp.seed);
        std::vector<float> init(x.begin(), x.begin() + k * d);
        Cell cell;
        cell.n = n;
        cell.d = int(d);
        cell.k = int(k);
        cell.method =
            kmeans_assign_cpu_method(cell.d, cell.k) == KMeansAssignMethod::kGemm ? "gemm" : "direct";
        run_tailor(cell, x, init, iters, bp.repeats);
        cell.direct_ms =
            time_assign(x, n, cell.d, init.data(), cell.k, KMeansAssignMethod::kDirect, bp.repeats);
        cell.gemm_ms =
            time_assign(x, n, cell.d, init.data(), cell.k, KMeansAssignMethod::kGemm, bp.repeats);
        if (with_faiss) run_faiss(cell, x, init, iters, bp.repeats);
        if (with_sklearn) {
          write_bin(dir / "x.bin", x);
          write_bin(dir / "init.bin", init);
          run_sklearn(cell, bp, dir, iters);
        }
        auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
        std::printf("%8lld %4d %5d %7s | %10.2f %10.2f %10.2f | %8.2f %8.2f | %9.2f %9.2f\n",
                    static_cast<long long>(n), cell.d, cell.k, cell.method.c_str(), cell.tailor_ms,
                    cell.faiss_ms, cell.sklearn_ms, ratio(cell.tailor_ms, cell.faiss_ms),
                    ratio(cell.tailor_ms, cell.sklearn_ms), cell.direct_ms, cell.gemm_ms);
        std::fflush(stdout);
        cells.push_back(cell);
      }
    }
  }
  fs::remove_all(dir);
  for (const auto& s : skipped) std::printf("skipped (max_work %.3g): %s\n", bp.max_work, s.c_str());

  if (!bp.json.empty()) {
    nlohmann::json j;
    j["threads"] = bp.threads;
    j["iters"] = iters;
    j["repeats"] = bp.repeats;
    j["skipped"] = skipped;
    for (const Cell& c : cells) {
      j["cells"].push_back({{"n", c.n}, {"d", c.d}, {"k", c.k}, {"method", c.method},
                            {"tailor_ms_per_iter", c.tailor_ms}, {"tailor_iters", c.tailor_iters},
                            {"faiss_ms_per_iter", c.faiss_ms}, {"sklearn_ms_per_iter", c.sklearn_ms},
                            {"sklearn_iters", c.sklearn_iters},
                            {"tailor_over_faiss", c.faiss_ms > 0 ? c.tailor_ms / c.faiss_ms : 0.0},
                            {"tailor_over_sklearn", c.sklearn_ms > 0 ? c.tailor_ms / c.sklearn_ms : 0.0},
                            {"assign_direct_ms", c.direct_ms}, {"assign_gemm_ms", c.gemm_ms},
                            {"tailor_inertia", c.tailor_inertia}, {"faiss_inertia", c.faiss_inertia},
                            {"sklearn_inertia", c.sklearn_inertia}});
    }
    AtomicOutputFile out(bp.json);
    out.stream() << j.dump(2) << "\n";
    out.commit();
    spdlog::info("kmeans bench: wrote {}", bp.json);
  }
}

const CommandRegistrar kRegistrar({
    "kmeans",
    "K-means per-iteration CPU time: tailor vs FAISS and scikit-learn (same data and init)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
      auto bp = std::make_shared<KMeansBenchParams>();
      auto ps = std::make_unique<ParamSet>(sub, "bench_kmeans");
      ps->add("grid", &bp->grid, "full (the n/d/k lists) or quick (a small grid for tests)");
      ps->add("n", &bp->n, "point counts, comma separated");
      ps->add("d", &bp->d, "dimensions, comma separated");
      ps->add("k", &bp->k, "cluster counts, comma separated");
      ps->add("iters", &bp->iters, "Lloyd iterations per timed run (tol 0)");
      ps->add("repeats", &bp->repeats, "timed runs per contender and cell (the fastest counts)");
      ps->add("max_work", &bp->max_work, "skip cells with n*k*d above this (0: none)");
      ps->add("peers", &bp->peers, "peers to time: faiss, sklearn, comma separated, or none");
      ps->add("threads", &bp->threads, "threads for every contender");
      ps->add("seed", &bp->seed, "seed of the synthetic data");
      ps->add("python", &bp->python, "python with numpy and scikit-learn");
      ps->add("json", &bp->json, "write results as JSON to this file");
      params.push_back(std::move(ps));
      return [bp] { run_bench(*bp); };
    }});

}  // namespace
}  // namespace tailor
