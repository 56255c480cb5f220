// CPU K-means assignment: nearest centroid by ||c||^2 - 2 x.c, either a fused register-tiled loop
// (small d) or OpenBLAS SGEMM over row tiles with a fused argmin; then the exact distance.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/common/error.h"
#include "kernels/kmeans.h"
#include "kernels/kmeans_cpu.h"

// Hot loops are compiled for AVX-512, AVX2+FMA and baseline x86-64, picked at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TAILOR_KMEANS_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), \
                 optimize("fp-contract=fast")))
#else
#define TAILOR_KMEANS_CLONES
#endif

namespace tailor {
namespace {

constexpr std::int64_t kGemmTileElems = std::int64_t(1) << 22;  // floats in one SGEMM tile (16 MiB)
constexpr std::int64_t kMaxGemmTileRows = 4096;
// Below this much work (multiply-adds) a parallel region costs more than it saves.
constexpr std::int64_t kMinParallelWork = std::int64_t(1) << 20;

std::int64_t round_up(std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; }

/// Exact squared distance, accumulated in double (vector lanes summed in a fixed order: the
/// same on a given machine, whatever the threads).
TAILOR_KMEANS_CLONES
double squared_distance(const float* a, const float* b, int d) {
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (int t = 0; t < d; ++t) {
    double diff = double(a[t]) - double(b[t]);
    s += diff * diff;
  }
  return s;
}

/// Index of the smallest of v[0..m) with its value (ties: lowest index); v has no NaN.
TAILOR_KMEANS_CLONES
void argmin_row(const float* v, const float* bias, int m, float* best, int* best_j) {
  float b = *best;
  int bj = *best_j;
  for (int j0 = 0; j0 < m; j0 += 256) {
    int j1 = std::min(m, j0 + 256);
    float mn = std::numeric_limits<float>::infinity();
    for (int j = j0; j < j1; ++j) mn = std::min(mn, v[j] + bias[j]);
    if (mn < b) {
      for (int j = j0; j < j1; ++j) {
        if (v[j] + bias[j] == mn) {
          b = mn;
          bj = j;
          break;
        }
      }
    }
  }
  *best = b;
  *best_j = bj;
}

/// Fused assignment of rows [r0, r1): ct = centroids transposed (d x kp, padding columns have
/// cn = +inf), cn = ||c||^2. Writes best index per row.
/// Register tile: R rows x J centroids of accumulators (J = 32: two AVX-512 vectors).
template <int R, int J>
TAILOR_KMEANS_CLONES void assign_rows_direct(const float* x, std::int64_t r0, std::int64_t r1,
                                             int d, const float* ct, const float* cn, int kp,
                                             std::int32_t* best_out /* r1 - r0 */) {
  for (std::int64_t i0 = r0; i0 < r1; i0 += R) {
    const int rows = int(std::min<std::int64_t>(R, r1 - i0));
    const float* xr[R];
    for (int r = 0; r < R; ++r) xr[r] = x + (i0 + std::min(r, rows - 1)) * d;
    // Per lane (row r, centroid slot jj) running minimum; lanes are reduced once per row at the
    // end, so the inner loops stay vector operations. Strict < keeps the lowest index per lane.
    float best[R][J];
    std::int32_t best_j[R][J];
    for (int r = 0; r < R; ++r)
      for (int jj = 0; jj < J; ++jj) {
        best[r][jj] = std::numeric_limits<float>::infinity();
        best_j[r][jj] = jj;
      }
    for (int j0 = 0; j0 < kp; j0 += J) {
      float acc[R][J];
      for (int r = 0; r < R; ++r)
        for (int jj = 0; jj < J; ++jj) acc[r][jj] = 0.0f;
      for (int t = 0; t < d; ++t) {
        const float* c = ct + std::int64_t(t) * kp + j0;
        for (int r = 0; r < R; ++r) {
          const float xv = -2.0f * xr[r][t];
          for (int jj = 0; jj < J; ++jj) acc[r][jj] += xv * c[jj];
        }
      }
      for (int r = 0; r < R; ++r)
        for (int jj = 0; jj < J; ++jj) {
          const float v = acc[r][jj] + cn[j0 + jj];
          const bool better = v < best[r][jj];
          best[r][jj] = better ? v : best[r][jj];
          best_j[r][jj] = better ? j0 + jj : best_j[r][jj];
        }
    }
    for (int r = 0; r < rows; ++r) {
      float b = best[r][0];
      std::int32_t bj = best_j[r][0];
      for (int jj = 1; jj < J; ++jj)
        if (best[r][jj] < b || (best[r][jj] == b && best_j[r][jj] < bj)) {
          b = best[r][jj];
          bj = best_j[r][jj];
        }
      best_out[i0 - r0 + r] = bj;
    }
  }
}

std::int64_t finish_rows(const float* x, std::int64_t r0, std::int64_t r1, int d,
                         const float* centroids, const std::int32_t* best, std::int32_t* labels,
                         float* dist, double* inertia_part) {
  std::int64_t changed = 0;
  double s = 0.0;
  for (std::int64_t i = r0; i < r1; ++i) {
    const std::int32_t b = best[i - r0];
    double dd = squared_distance(x + i * d, centroids + std::int64_t(b) * d, d);
    dist[i] = float(dd);
    s += dd;
    changed += labels[i] != b;
    labels[i] = b;
  }
  *inertia_part = s;
  return changed;
}

// Rows per fixed chunk: partial inertias are summed per chunk, then chunks in order, so the
// double sum does not depend on the number of threads.
constexpr std::int64_t kChunkRows = 1024;

/// Centroids per register tile for k clusters: padding k to the tile costs work, so small k
/// gets narrow tiles (and more rows per tile).
int centroid_block(int k) { return k <= 8 ? 8 : k <= 16 ? 16 : 32; }

void assign_rows_direct_for(int k, const float* x, std::int64_t r0, std::int64_t r1, int d,
                            const float* ct, const float* cn, int kp, std::int32_t* best_out) {
  switch (centroid_block(k)) {
    case 8: return assign_rows_direct<8, 8>(x, r0, r1, d, ct, cn, kp, best_out);
    case 16: return assign_rows_direct<8, 16>(x, r0, r1, d, ct, cn, kp, best_out);
    default: return assign_rows_direct<8, 32>(x, r0, r1, d, ct, cn, kp, best_out);
  }
}

std::int64_t assign_direct(const float* x, std::int64_t n, int d, const float* centroids, int k,
                           std::int32_t* labels, float* dist, double* inertia, bool parallel) {
  const int kp = int(round_up(k, centroid_block(k)));
  std::vector<float> ct(std::size_t(d) * kp, 0.0f);
  std::vector<float> cn(kp, std::numeric_limits<float>::infinity());
  for (int j = 0; j < k; ++j) {
    double s = 0.0;
    for (int t = 0; t < d; ++t) {
      ct[std::size_t(t) * kp + j] = centroids[std::int64_t(j) * d + t];
      s += double(centroids[std::int64_t(j) * d + t]) * centroids[std::int64_t(j) * d + t];
    }
    cn[j] = float(s);
  }
  const std::int64_t n_chunks = (n + kChunkRows - 1) / kChunkRows;
  std::vector<double> part(n_chunks, 0.0);
  std::int64_t changed = 0;
  parallel = parallel && n * kp * d >= kMinParallelWork;
#pragma omp parallel if (parallel && n_chunks > 1)
  {
    std::vector<std::int32_t> best(kChunkRows);
#pragma omp for schedule(dynamic, 4) reduction(+ : changed)
    for (std::int64_t c = 0; c < n_chunks; ++c) {
      const std::int64_t r0 = c * kChunkRows, r1 = std::min(n, r0 + kChunkRows);
      assign_rows_direct_for(k, x, r0, r1, d, ct.data(), cn.data(), kp, best.data());
      changed += finish_rows(x, r0, r1, d, centroids, best.data(), labels, dist, &part[c]);
    }
  }
  double s = 0.0;
  for (double p : part) s += p;
  *inertia = s;
  return changed;
}

std::int64_t assign_gemm(const float* x, std::int64_t n, int d, const float* centroids, int k,
                         std::int32_t* labels, float* dist, double* inertia, bool parallel) {
  std::vector<float> cn(k);
  for (int j = 0; j < k; ++j) {
    double s = 0.0;
    for (int t = 0; t < d; ++t) s += double(centroids[std::int64_t(j) * d + t]) * centroids[std::int64_t(j) * d + t];
    cn[j] = float(s);
  }
  const std::int64_t tile_rows = std::max<std::int64_t>(
      kChunkRows, std::min(kMaxGemmTileRows, kGemmTileElems / k / kChunkRows * kChunkRows));
  std::vector<float> g(std::size_t(std::min(tile_rows, n)) * k);
  const std::int64_t n_chunks = (n + kChunkRows - 1) / kChunkRows;
  std::vector<double> part(n_chunks, 0.0);
  std::vector<std::int32_t> best(std::size_t(std::min(tile_rows, n)));
  std::int64_t changed = 0;
  for (std::int64_t t0 = 0; t0 < n; t0 += tile_rows) {
    const std::int64_t m = std::min(tile_rows, n - t0);
    // g (m x k) = -2 x_tile c^T; OpenBLAS threads this call itself.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), k, d, -2.0f, x + t0 * d, d,
                centroids, d, 0.0f, g.data(), k);
    const std::int64_t c0 = t0 / kChunkRows, c1 = (t0 + m + kChunkRows - 1) / kChunkRows;
#pragma omp parallel for schedule(static) \
    if (parallel && c1 - c0 > 1 && m * k * 8 >= kMinParallelWork) reduction(+ : changed)
    for (std::int64_t c = c0; c < c1; ++c) {
      const std::int64_t r0 = c * kChunkRows, r1 = std::min(t0 + m, r0 + kChunkRows);
      for (std::int64_t i = r0; i < r1; ++i) {
        float b = std::numeric_limits<float>::infinity();
        int bj = 0;
        argmin_row(g.data() + (i - t0) * k, cn.data(), k, &b, &bj);
        best[i - t0] = bj;
      }
      changed += finish_rows(x, r0, r1, d, centroids, best.data() + (r0 - t0), labels, dist,
                             &part[c]);
    }
  }
  double s = 0.0;
  for (double p : part) s += p;
  *inertia = s;
  return changed;
}

}  // namespace

// Measured with tailor-bench kmeans on a 2-core AMD EPYC (AVX-512), see docs/benchmarks.md: the
// fused loop beat OpenBLAS SGEMM + argmin for every measured d <= 512 and k <= 1024 (OpenBLAS is
// weak for the thin K = d products, and the fused loop never writes the rows x k tile). SGEMM is
// kept for d > 512, where its cache blocking over d should pay off.
constexpr int kGemmMinDim = 513;

KMeansAssignMethod kmeans_assign_cpu_method(int d, int k) {
  (void)k;
  return d >= kGemmMinDim ? KMeansAssignMethod::kGemm : KMeansAssignMethod::kDirect;
}

std::int64_t kmeans_assign_cpu(const float* x, std::int64_t n, int d, const float* centroids, int k,
                               std::int32_t* labels, float* dist, double* inertia, bool parallel,
                               KMeansAssignMethod method) {
  TAILOR_CHECK(n >= 0 && d > 0 && k > 0, "kmeans assign: bad shape n=" << n << " d=" << d
                                                                         << " k=" << k);
  if (n == 0) {
    *inertia = 0.0;
    return 0;
  }
  if (method == KMeansAssignMethod::kGemm)
    return assign_gemm(x, n, d, centroids, k, labels, dist, inertia, parallel);
  return assign_direct(x, n, d, centroids, k, labels, dist, inertia, parallel);
}

std::int64_t kmeans_assign_cpu(const float* x, std::int64_t n, int d, const float* centroids, int k,
                               std::int32_t* labels, float* dist, double* inertia, bool parallel) {
  return kmeans_assign_cpu(x, n, d, centroids, k, labels, dist, inertia, parallel,
                           kmeans_assign_cpu_method(d, k));
}

void kmeans_assign_reference(const float* x, std::int64_t n, int d, const float* centroids, int k,
                             std::int32_t* labels, double* dist) {
  for (std::int64_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    std::int32_t bj = 0;
    for (int j = 0; j < k; ++j) {
      double s = 0.0;
      for (int t = 0; t < d; ++t) {
        double diff = double(x[i * d + t]) - double(centroids[std::int64_t(j) * d + t]);
        s += diff * diff;
      }
      if (s < best) {
        best = s;
        bj = j;
      }
    }
    labels[i] = bj;
    if (dist) dist[i] = best;
  }
}

}  // namespace tailor
