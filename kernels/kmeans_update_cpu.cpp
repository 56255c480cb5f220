// CPU K-means update: centroid = mean of its members, summed in double over fixed row slabs that
// are combined in slab order, so the result is bit-identical for any number of threads.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "core/common/error.h"
#include "kernels/kmeans_cpu.h"

namespace tailor {
namespace {

constexpr std::int64_t kSlabRows = 32768;
constexpr std::int64_t kMaxSlabs = 64;
constexpr std::int64_t kSlabBudgetDoubles = std::int64_t(8) << 20;  // 64 MiB of partial sums

/// Number of slabs: a function of the shape only (never of the thread count).
std::int64_t slab_count(std::int64_t n, int d, int k) {
  std::int64_t by_rows = (n + kSlabRows - 1) / kSlabRows;
  std::int64_t by_memory = std::max<std::int64_t>(1, kSlabBudgetDoubles / (std::int64_t(k) * (d + 1)));
  return std::max<std::int64_t>(1, std::min({by_rows, by_memory, kMaxSlabs}));
}

}  // namespace

void kmeans_update_cpu(const float* x, std::int64_t n, int d, const std::int32_t* labels, int k,
                       float* centroids, std::int64_t* counts, bool parallel) {
  const std::int64_t slabs = slab_count(n, d, k);
  const std::int64_t rows_per_slab = (n + slabs - 1) / slabs;
  const std::size_t stride = std::size_t(k) * d;
  std::vector<double> sums(std::size_t(slabs) * stride, 0.0);
  std::vector<std::int64_t> cnt(std::size_t(slabs) * k, 0);
#pragma omp parallel for schedule(static, 1) if (parallel && slabs > 1)
  for (std::int64_t s = 0; s < slabs; ++s) {
    double* sum = sums.data() + s * stride;
    std::int64_t* c = cnt.data() + s * k;
    const std::int64_t r1 = std::min(n, (s + 1) * rows_per_slab);
    for (std::int64_t i = s * rows_per_slab; i < r1; ++i) {
      const std::int32_t j = labels[i];
      double* row = sum + std::int64_t(j) * d;
      const float* xi = x + i * d;
      for (int t = 0; t < d; ++t) row[t] += xi[t];
      ++c[j];
    }
  }
#pragma omp parallel for schedule(static) if (parallel && std::int64_t(k) * d * slabs > 65536)
  for (int j = 0; j < k; ++j) {
    std::int64_t total = 0;
    for (std::int64_t s = 0; s < slabs; ++s) total += cnt[s * k + j];
    counts[j] = total;
    if (total == 0) continue;
    for (int t = 0; t < d; ++t) {
      double v = 0.0;
      for (std::int64_t s = 0; s < slabs; ++s) v += sums[s * stride + std::size_t(j) * d + t];
      centroids[std::int64_t(j) * d + t] = float(v / double(total));
    }
  }
}

}  // namespace tailor
