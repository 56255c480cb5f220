// K-means seeding on the CPU: greedy k-means++ (as scikit-learn) or k distinct random points;
// plus the seed mixer and the farthest-point selection used to re-seed empty clusters.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "core/common/error.h"
#include "kernels/kmeans_cpu.h"

namespace tailor {
namespace {

constexpr std::int64_t kChunkRows = 4096;  // fixed chunks: sums do not depend on threads
constexpr std::int64_t kMinParallelWork = std::int64_t(1) << 18;  // below: one thread

/// Uniform double in [0, 1) from 53 random bits (same on every platform, unlike std distributions).
double uniform01(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

/// Uniform integer in [0, n).
std::int64_t uniform_index(std::mt19937_64& rng, std::int64_t n) {
  return std::min<std::int64_t>(n - 1, std::int64_t(uniform01(rng) * double(n)));
}

double sqdist(const float* a, const float* b, int d) {
  double s = 0.0;
  for (int t = 0; t < d; ++t) {
    double diff = double(a[t]) - double(b[t]);
    s += diff * diff;
  }
  return s;
}

/// Sum of v over fixed chunks (deterministic for any number of threads).
double chunked_sum(const std::vector<double>& v, bool parallel) {
  const std::int64_t n = std::int64_t(v.size());
  const std::int64_t chunks = (n + kChunkRows - 1) / kChunkRows;
  std::vector<double> part(chunks, 0.0);
#pragma omp parallel for schedule(static) if (parallel && n >= kMinParallelWork)
  for (std::int64_t c = 0; c < chunks; ++c) {
    double s = 0.0;
    for (std::int64_t i = c * kChunkRows; i < std::min(n, (c + 1) * kChunkRows); ++i) s += v[i];
    part[c] = s;
  }
  double s = 0.0;
  for (double p : part) s += p;
  return s;
}

/// Index i with cumsum[i-1] <= r < cumsum[i] over the prefix sums of w, searched sequentially in
/// double (as numpy's searchsorted on a cumsum); points with w = 0 are never chosen when r < total.
std::int64_t sample_by_weight(const std::vector<double>& cumsum, double r) {
  auto it = std::upper_bound(cumsum.begin(), cumsum.end(), r);
  std::int64_t i = it - cumsum.begin();
  return std::min<std::int64_t>(i, std::int64_t(cumsum.size()) - 1);
}

void init_kmeanspp(const float* x, std::int64_t n, int d, int k, std::mt19937_64& rng,
                   float* centroids, bool parallel) {
  const int trials = 2 + int(std::log(double(k)));
  parallel = parallel && n * d * trials >= kMinParallelWork;
  std::vector<double> closest(n), cumsum(n);
  std::vector<std::vector<double>> cand_dist(trials, std::vector<double>(n));
  std::int64_t first = uniform_index(rng, n);
  std::copy(x + first * d, x + (first + 1) * d, centroids);
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t i = 0; i < n; ++i) closest[i] = sqdist(x + i * d, centroids, d);
  double potential = chunked_sum(closest, parallel);
  std::vector<std::int64_t> cand(trials);
  for (int c = 1; c < k; ++c) {
    // Draw candidates with probability ~ closest distance (uniformly when all are 0: duplicates).
    std::partial_sum(closest.begin(), closest.end(), cumsum.begin());
    for (int t = 0; t < trials; ++t) {
      const double r = uniform01(rng);
      cand[t] = potential > 0.0 && cumsum.back() > 0.0 ? sample_by_weight(cumsum, r * cumsum.back())
                                                       : uniform_index(rng, n);
    }
    // Potential after adding each candidate; keep the lowest (ties: the first drawn).
#pragma omp parallel for schedule(static) if (parallel)
    for (std::int64_t i = 0; i < n; ++i)
      for (int t = 0; t < trials; ++t)
        cand_dist[t][i] = std::min(closest[i], sqdist(x + i * d, x + cand[t] * d, d));
    int best = 0;
    double best_pot = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      double pot = chunked_sum(cand_dist[t], parallel);
      if (pot < best_pot) {
        best_pot = pot;
        best = t;
      }
    }
    closest.swap(cand_dist[best]);
    potential = best_pot;
    std::copy(x + cand[best] * d, x + (cand[best] + 1) * d, centroids + std::int64_t(c) * d);
  }
}

void init_random(const float* x, std::int64_t n, int d, int k, std::mt19937_64& rng,
                 float* centroids) {
  // Partial Fisher-Yates over indices: k distinct points.
  std::vector<std::int64_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (int c = 0; c < k; ++c) {
    std::int64_t j = c + uniform_index(rng, n - c);
    std::swap(idx[c], idx[j]);
    std::copy(x + idx[c] * d, x + (idx[c] + 1) * d, centroids + std::int64_t(c) * d);
  }
}

}  // namespace

std::uint64_t kmeans_mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void kmeans_init_cpu(const float* x, std::int64_t n, int d, int k, const std::string& method,
                     std::uint64_t seed, float* centroids, bool parallel) {
  TAILOR_CHECK(k >= 1 && k <= n, "kmeans init: k=" << k << " must be in [1, n=" << n << "]");
  std::mt19937_64 rng(seed);
  if (method == "kmeans++") {
    init_kmeanspp(x, n, d, k, rng, centroids, parallel);
  } else if (method == "random") {
    init_random(x, n, d, k, rng, centroids);
  } else {
    TAILOR_FAIL("kmeans: unknown init '" << method << "' (expected kmeans++ or random)");
  }
}

void kmeans_farthest_points(const float* dist, std::int64_t n, int m, std::int64_t* out) {
  m = int(std::min<std::int64_t>(m, n));
  std::vector<std::int64_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  auto farther = [dist](std::int64_t a, std::int64_t b) {
    return dist[a] > dist[b] || (dist[a] == dist[b] && a < b);
  };
  std::partial_sort(idx.begin(), idx.begin() + m, idx.end(), farther);
  std::copy(idx.begin(), idx.begin() + m, out);
}

}  // namespace tailor
