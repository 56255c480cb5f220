// K-means benchmarks: the assignment step (tailor's fused loop and SGEMM tiles vs FAISS and
// scikit-learn; on the GPU the fused kernel, SGEMM tiles + argmin and cuBLAS SGEMM alone) and the
// full fit per Lloyd iteration (tailor vs FAISS vs scikit-learn; tailor CUDA), on the same data
// and initial centroids. Used by `tailor-bench kmeans` and by the umbrella (suite "kmeans").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_suite.h"

namespace tailor {

/// Parameters of the K-means benchmark (configs/bench.yaml: quick.kmeans / full.kmeans).
/// Defaults: the full grid of issue 3; kmeans_bench_params(kQuick) gives the quick one.
struct KMeansBenchParams {
  /// Point counts, comma separated.
  std::string n = "10000,100000,1000000";
  /// Dimensions, comma separated.
  std::string d = "8,32,128,512";
  /// Cluster counts, comma separated.
  std::string k = "8,64,1024";
  /// Lloyd iterations per timed fit (tol = 0, fixed initial centroids = the first k points).
  int iters = 5;
  /// Untimed runs before the timed ones, per contender and case.
  int warmup = 1;
  /// Timed runs per contender and case (median and minimum reported).
  int repeats = 3;
  /// Cases whose assignment costs more than this many multiply-adds (n * k * d) are skipped and
  /// reported as such; 0 = no limit.
  double max_work = 2e11;
  /// Peers: any of faiss, sklearn (comma separated), or none.
  std::string peers = "faiss,sklearn";
  /// Devices: any of cpu, cuda (cuda records are skipped when no GPU is usable).
  std::string devices = "cpu,cuda";
  /// Threads for every contender; 0 = the run's --threads.
  int threads = 0;
  /// Seed of the synthetic data (50 Gaussian blobs in [0, 1)^d).
  std::uint64_t seed = 42;
};

/// Defaults of a grid: full = the struct's; quick = n 5000,50000; d 8,64; k 16,256; 3 iterations.
KMeansBenchParams kmeans_bench_params(BenchGrid grid);
/// Binds every field to `ps` (options --n, --d, ... and YAML keys).
void bind_kmeans_bench_params(ParamSet& ps, KMeansBenchParams& p);
/// Measures the grid and adds records of paths "kmeans.assign" and "kmeans.fit" to `ctx`.
void run_kmeans_bench(const KMeansBenchParams& p, BenchContext& ctx);

/// n x d points: a mixture of 50 Gaussian blobs (spread 0.3) with centres in [0, 1)^d.
std::vector<float> kmeans_bench_data(std::int64_t n, int d, std::uint64_t seed);

}  // namespace tailor
