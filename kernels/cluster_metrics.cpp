// Adjusted Rand index and silhouette (exact and sampled); see cluster_metrics.h.
#include "kernels/cluster_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "core/common/error.h"

namespace tailor {
namespace {

double pairs(double m) { return m * (m - 1.0) / 2.0; }

/// Renames labels to 0..m-1 (in order of value); returns m.
int dense_labels(const std::vector<std::int32_t>& in, std::vector<int>& out) {
  std::map<std::int32_t, int> ids;
  for (std::int32_t l : in) ids.emplace(l, 0);
  int m = 0;
  for (auto& kv : ids) kv.second = m++;
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = ids[in[i]];
  return m;
}

}  // namespace

double adjusted_rand_index(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  TAILOR_CHECK(a.size() == b.size(), "adjusted_rand_index: labelings of different lengths "
                                         << a.size() << " and " << b.size());
  const double n = double(a.size());
  std::vector<int> da, db;
  const int ma = dense_labels(a, da), mb = dense_labels(b, db);
  std::map<std::pair<int, int>, double> table;
  std::vector<double> row(ma, 0.0), col(mb, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    table[{da[i], db[i]}] += 1.0;
    row[da[i]] += 1.0;
    col[db[i]] += 1.0;
  }
  double index = 0.0, sum_a = 0.0, sum_b = 0.0;
  for (const auto& kv : table) index += pairs(kv.second);
  for (double r : row) sum_a += pairs(r);
  for (double c : col) sum_b += pairs(c);
  // Perfect special cases, as scikit-learn: same number of clusters and it is 1 or n (or n <= 1).
  if (ma == mb && (ma == 0 || ma == 1 || double(ma) == n)) return 1.0;
  const double expected = sum_a * sum_b / pairs(n);
  const double max_index = 0.5 * (sum_a + sum_b);
  if (max_index == expected) return 1.0;
  return (index - expected) / (max_index - expected);
}

double silhouette_score(const float* x, std::int64_t n, int d, const std::int32_t* labels) {
  std::vector<std::int32_t> lab(labels, labels + n);
  std::vector<int> dl;
  const int m = dense_labels(lab, dl);
  if (m < 2) return 0.0;
  std::vector<double> size(m, 0.0);
  for (int l : dl) size[l] += 1.0;
  std::vector<double> s(n, 0.0);
#pragma omp parallel for schedule(dynamic, 16)
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<double> sum(m, 0.0);
    for (std::int64_t j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int t = 0; t < d; ++t) {
        double diff = double(x[i * d + t]) - double(x[j * d + t]);
        acc += diff * diff;
      }
      sum[dl[j]] += std::sqrt(acc);
    }
    const int own = dl[i];
    if (size[own] <= 1.0) continue;  // a point alone in its cluster scores 0
    const double a = sum[own] / (size[own] - 1.0);
    double b = INFINITY;
    for (int c = 0; c < m; ++c)
      if (c != own) b = std::min(b, sum[c] / size[c]);
    const double den = std::max(a, b);
    s[i] = den > 0.0 ? (b - a) / den : 0.0;
  }
  double total = 0.0;
  for (double v : s) total += v;
  return total / double(n);
}

double silhouette_score_sampled(const float* x, std::int64_t n, int d, const std::int32_t* labels,
                                std::int64_t sample, std::uint64_t seed) {
  TAILOR_CHECK(sample >= 1, "silhouette: sample size must be >= 1, got " << sample);
  if (sample >= n) return silhouette_score(x, n, d, labels);
  // Partial Fisher-Yates with 53-bit uniforms (platform independent), then sorted indices.
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (std::int64_t c = 0; c < sample; ++c) {
    const double u = double(rng() >> 11) * 0x1.0p-53;
    const std::int64_t j = c + std::min<std::int64_t>(n - c - 1, std::int64_t(u * double(n - c)));
    std::swap(idx[c], idx[j]);
  }
  idx.resize(sample);
  std::sort(idx.begin(), idx.end());
  std::vector<float> xs(std::size_t(sample) * d);
  std::vector<std::int32_t> ls(sample);
  for (std::int64_t i = 0; i < sample; ++i) {
    std::copy(x + idx[i] * d, x + (idx[i] + 1) * d, xs.begin() + i * d);
    ls[i] = labels[idx[i]];
  }
  return silhouette_score(xs.data(), sample, d, ls.data());
}

}  // namespace tailor
