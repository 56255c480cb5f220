// Sparse cosine top-k benchmark (path "topk"): tailor's CPU and CUDA top-k vs SciPy (sparse
// product + argpartition) and scikit-learn (cosine_similarity + argpartition) on the same synthetic
// TF-IDF-like data. Used by `tailor-bench topk` and by the umbrella (suite "topk").
#pragma once

#include <cstdint>
#include <string>

#include "bench/bench_suite.h"

namespace tailor {

/// Parameters of the top-k benchmark (configs/bench.yaml: quick/full.topk; configs/bench_topk.yaml
/// for the subcommand). Defaults: issue 7's scale.
struct TopKBenchParams {
  /// Scales, comma separated: "issue" (1M customers x 100k products, vocabulary 50k), "quick"
  /// (20k x 5k, vocabulary 4k) or CUSTOMERSxPRODUCTSxVOCABULARY (e.g. 8000x5000x4000).
  std::string scale = "issue";
  /// Query rows actually timed (the first ones) per scale; the per-row throughput is extrapolated
  /// to all customers of the scale. 0 = all.
  std::int64_t measure_rows = 50000;
  /// Results per customer.
  int k = 10;
  /// Mean number of distinct terms per product vector (uniform in [mean/2, 3 mean/2]).
  int terms_per_product = 12;
  /// Mean number of products in a customer profile (uniform in [1, 2 mean - 1]).
  int products_per_customer = 8;
  /// Query rows per chunk of the SciPy and scikit-learn peers (dense chunk x products scores).
  std::int64_t peer_chunk_rows = 256;
  /// Peers: any of scipy, sklearn (comma separated), or none.
  std::string peers = "scipy,sklearn";
  /// Devices: any of cpu, cuda.
  std::string devices = "cpu,cuda";
  /// Threads for every contender (OpenMP; the peers via OMP/OPENBLAS_NUM_THREADS); 0 = the run's.
  int threads = 0;
  /// Untimed and timed runs per contender and scale.
  int warmup = 0;
  int repeats = 1;
  /// Seed of the synthetic data.
  std::uint64_t seed = 42;
};

/// Defaults of a grid: full = the struct's plus the quick scale; quick = 2000x2000x2000 and
/// 8000x5000x4000, all rows, 1 warm-up + 3 repeats.
TopKBenchParams topk_bench_params(BenchGrid grid);
void bind_topk_bench_params(ParamSet& ps, TopKBenchParams& p);
/// Measures every scale and adds records of path "topk" to `ctx`.
void run_topk_bench(const TopKBenchParams& p, BenchContext& ctx);

}  // namespace tailor
