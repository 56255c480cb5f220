// The host-side Lloyd loop of K-means for a ragged batch of runs (problems x restarts), device
// agnostic: seeding on the CPU, assignment and update through a KMeansBackend (CPU or CUDA).
#include "kernels/kmeans.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/common/error.h"
#include "kernels/cluster_metrics.h"
#include "kernels/kmeans_backend.h"
#include "kernels/kmeans_cpu.h"

namespace tailor {
namespace {

struct Run {
  int problem = 0;
  int restart = 0;
  std::uint64_t seed = 0;
};

void check_problem(const KMeansProblem& p, int d, std::size_t index) {
  TAILOR_CHECK(p.x != nullptr, "kmeans: problem " << index << " has no points (x is null)");
  TAILOR_CHECK(p.n >= 1, "kmeans: problem " << index << " has n=" << p.n << " points");
  TAILOR_CHECK(p.k >= 1 && p.k <= p.n, "kmeans: problem " << index << ": k=" << p.k
                                                          << " must be in [1, n=" << p.n << "]");
  TAILOR_CHECK(p.n <= std::int64_t(INT32_MAX), "kmeans: problem " << index << ": n=" << p.n
                                                                  << " exceeds 2^31-1 points");
  for (std::int64_t i = 0; i < p.n * d; ++i)
    TAILOR_CHECK(std::isfinite(p.x[i]), "kmeans: problem " << index << ": point " << i / d
                                                           << ", feature " << i % d
                                                           << " is not finite");
  if (p.init_centroids)
    for (std::int64_t i = 0; i < std::int64_t(p.k) * d; ++i)
      TAILOR_CHECK(std::isfinite(p.init_centroids[i]), "kmeans: problem " << index
                                                           << ": initial centroid " << i / d
                                                           << ", feature " << i % d
                                                           << " is not finite");
}

}  // namespace

void kmeans_check_params(const KMeansParams& p, std::int64_t n) {
  TAILOR_CHECK(p.k >= 1, "kmeans.k must be >= 1, got " << p.k);
  TAILOR_CHECK(n < 0 || p.k <= n, "kmeans.k=" << p.k << " exceeds the number of points " << n);
  TAILOR_CHECK(p.max_iter >= 0, "kmeans.max_iter must be >= 0, got " << p.max_iter);
  TAILOR_CHECK(p.tol >= 0.0 && std::isfinite(p.tol), "kmeans.tol must be >= 0, got " << p.tol);
  TAILOR_CHECK(p.init == "kmeans++" || p.init == "random",
               "kmeans.init must be kmeans++ or random, got '" << p.init << "'");
  TAILOR_CHECK(p.n_init >= 1, "kmeans.n_init must be >= 1, got " << p.n_init);
  TAILOR_CHECK(p.device == "cpu" || p.device == "cuda",
               "kmeans.device must be cpu or cuda, got '" << p.device << "'");
}

std::vector<KMeansResult> kmeans_fit_batched(const std::vector<KMeansProblem>& problems, int d,
                                             const KMeansParams& params) {
  TAILOR_CHECK(d >= 1, "kmeans: d must be >= 1, got " << d);
  KMeansParams checked = params;
  checked.k = 1;
  kmeans_check_params(checked);
  for (std::size_t i = 0; i < problems.size(); ++i) check_problem(problems[i], d, i);
  if (problems.empty()) return {};

  // Runs: every problem times its restarts (one run when initial centroids are given).
  std::vector<Run> runs;
  std::vector<KMeansRunData> data;
  for (std::size_t p = 0; p < problems.size(); ++p) {
    const int restarts = problems[p].init_centroids ? 1 : params.n_init;
    for (int r = 0; r < restarts; ++r) {
      runs.push_back({int(p), r, kmeans_mix_seed(problems[p].seed, std::uint64_t(r))});
      data.push_back({problems[p].x, problems[p].n, problems[p].k});
    }
  }
  const int n_runs = int(runs.size());

  // Seeding (CPU): in parallel over runs when there are several, else inside the run.
  std::vector<std::vector<float>> centroids(n_runs);
  for (int r = 0; r < n_runs; ++r) centroids[r].resize(std::size_t(data[r].k) * d);
  auto seed_run = [&](int r, bool inner_parallel) {
    const KMeansProblem& p = problems[runs[r].problem];
    if (p.init_centroids)
      std::copy(p.init_centroids, p.init_centroids + std::size_t(p.k) * d, centroids[r].begin());
    else
      kmeans_init_cpu(p.x, p.n, d, p.k, params.init, runs[r].seed, centroids[r].data(),
                      inner_parallel);
  };
  if (n_runs == 1) {
    seed_run(0, true);
  } else {
#pragma omp parallel for schedule(dynamic, 1)
    for (int r = 0; r < n_runs; ++r) seed_run(r, false);
  }

  std::unique_ptr<KMeansBackend> backend = params.device == "cuda"
                                               ? make_kmeans_cuda_backend(data, d)
                                               : make_kmeans_cpu_backend(data, d);

  // Lloyd: assign; then (update, re-seed empty clusters, assign) until converged or max_iter.
  std::vector<double> inertia(n_runs, 0.0), previous(n_runs, 0.0);
  std::vector<std::int64_t> changed(n_runs, 0);
  std::vector<std::vector<std::int64_t>> counts(n_runs);
  for (int r = 0; r < n_runs; ++r) counts[r].assign(data[r].k, 0);
  std::vector<int> n_iter(n_runs, 0);
  std::vector<char> converged(n_runs, 0);
  std::vector<int> active(n_runs);
  for (int r = 0; r < n_runs; ++r) active[r] = r;
  backend->assign(active, centroids, inertia, changed);

  std::vector<float> dist;
  for (int it = 1; it <= params.max_iter && !active.empty(); ++it) {
    backend->update(active, centroids, counts);
    for (int r : active) {
      // Empty clusters take the points farthest from their centroid (deterministic).
      std::vector<int> empty;
      for (int j = 0; j < data[r].k; ++j)
        if (counts[r][j] == 0) empty.push_back(j);
      if (empty.empty()) continue;
      dist.resize(data[r].n);
      backend->distances(r, dist.data());
      std::vector<std::int64_t> far(empty.size());
      kmeans_farthest_points(dist.data(), data[r].n, int(empty.size()), far.data());
      for (std::size_t e = 0; e < empty.size(); ++e)
        std::copy(data[r].x + far[e] * d, data[r].x + (far[e] + 1) * d,
                  centroids[r].begin() + std::size_t(empty[e]) * d);
    }
    for (int r : active) previous[r] = inertia[r];
    backend->assign(active, centroids, inertia, changed);
    std::vector<int> still;
    for (int r : active) {
      n_iter[r] = it;
      if (changed[r] == 0 || previous[r] - inertia[r] <= params.tol * previous[r])
        converged[r] = 1;
      else
        still.push_back(r);
    }
    active.swap(still);
  }

  // Per problem: the run with the lowest inertia (ties: the earliest).
  std::vector<int> best(problems.size(), -1);
  for (int r = 0; r < n_runs; ++r) {
    int& b = best[runs[r].problem];
    if (b < 0 || inertia[r] < inertia[b]) b = r;
  }
  std::vector<KMeansResult> out(problems.size());
  for (std::size_t p = 0; p < problems.size(); ++p) {
    const int r = best[p];
    KMeansResult& res = out[p];
    res.k = data[r].k;
    res.d = d;
    res.centroids = centroids[r];
    res.labels.resize(data[r].n);
    backend->labels(r, res.labels.data());
    res.cluster_sizes.assign(res.k, 0);
    for (std::int32_t l : res.labels) ++res.cluster_sizes[l];
    res.inertia = inertia[r];
    res.n_iter = n_iter[r];
    res.converged = converged[r] != 0;
    res.best_run = runs[r].restart;
  }
  return out;
}

KMeansResult kmeans_fit(const float* x, std::int64_t n, int d, const KMeansParams& params,
                        const float* init_centroids) {
  kmeans_check_params(params, n);
  KMeansProblem p;
  p.x = x;
  p.n = n;
  p.k = params.k;
  p.seed = params.seed;
  p.init_centroids = init_centroids;
  return std::move(kmeans_fit_batched({p}, d, params).front());
}

std::vector<KMeansKScore> kmeans_select_k(const float* x, std::int64_t n, int d,
                                          const std::vector<int>& ks, const KMeansParams& params,
                                          std::int64_t silhouette_sample) {
  TAILOR_CHECK(!ks.empty(), "kmeans model selection: no k values given");
  TAILOR_CHECK(silhouette_sample >= 2, "kmeans model selection: silhouette sample must be >= 2, got "
                                           << silhouette_sample);
  std::vector<KMeansProblem> problems;
  for (int k : ks) {
    KMeansParams pk = params;
    pk.k = k;
    kmeans_check_params(pk, n);
    KMeansProblem p;
    p.x = x;
    p.n = n;
    p.k = k;
    p.seed = kmeans_mix_seed(params.seed, std::uint64_t(k));
    problems.push_back(p);
  }
  std::vector<KMeansResult> results = kmeans_fit_batched(problems, d, params);
  std::vector<KMeansKScore> scores(ks.size());
  for (std::size_t i = 0; i < ks.size(); ++i) {
    scores[i].k = ks[i];
    scores[i].inertia = results[i].inertia;
    scores[i].silhouette = silhouette_score_sampled(x, n, d, results[i].labels.data(),
                                                    silhouette_sample, params.seed);
    scores[i].result = std::move(results[i]);
  }
  return scores;
}

}  // namespace tailor
