// Segment training (features -> scaler -> K-means model selection in one batch) and nearest-centroid
// assignment with the stored transform (see segment_model.h). Links the K-means kernels.
#include "core/segment/segment_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/common/error.h"
#include "core/common/log.h"
#include "kernels/kmeans.h"

namespace tailor {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void nearest_centroids(const float* x, int64_t n, int d, const float* centroids, int k,
                       int32_t* labels, float* dist) {
  TAILOR_CHECK(n >= 0 && d >= 1 && k >= 1, "nearest_centroids: n " << n << ", d " << d << ", k " << k);
  constexpr int64_t kChunk = 4096;
  const int64_t n_chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel
  {
    std::vector<double> sq(kChunk);
#pragma omp for schedule(static)
    for (int64_t c = 0; c < n_chunks; ++c) {
      const int64_t b = c * kChunk, m = std::min(kChunk, n - b);
      kmeans_assign_reference(x + b * d, m, d, centroids, k, labels + b, sq.data());
      for (int64_t i = 0; i < m; ++i) dist[b + i] = static_cast<float>(std::sqrt(sq[i]));
    }
  }
}

SegmentTraining train_segments(const Dataset& ds, const SegmentParams& p) {
  check_segment_params(p);
  const std::vector<int> ks = p.k > 0 ? std::vector<int>{p.k} : p.ks;
  SegmentTraining t;

  auto t0 = std::chrono::steady_clock::now();
  t.features = compute_customer_features(ds, p.features);
  const CustomerFeatures& f = t.features;
  t.features_seconds = seconds_since(t0);
  const int64_t n = static_cast<int64_t>(f.n_rows);
  const int d = static_cast<int>(f.n_cols());
  spdlog::info("segments: features of {} customers x {} columns in {:.2f} s", n, d, t.features_seconds);
  const int k_max = *std::max_element(ks.begin(), ks.end());
  TAILOR_CHECK(n >= k_max, "segments: the dataset has " << n << " customers, fewer than k = " << k_max);

  t0 = std::chrono::steady_clock::now();
  FeatureScaler scaler(p.scaler_clip);
  scaler.fit(f);
  const std::vector<float> scaled = scaler.transform(f);
  t.scaler_seconds = seconds_since(t0);
  int64_t clipped = 0;
  if (p.scaler_clip > 0.0f)
    for (float v : scaled) clipped += std::abs(v) >= p.scaler_clip;
  spdlog::info("segments: scaler fitted in {:.2f} s; {} of {} scaled values at the clip (+-{})",
               t.scaler_seconds, clipped, scaled.size(), p.scaler_clip);

  KMeansParams kp;
  kp.k = k_max;
  kp.max_iter = p.max_iter;
  kp.tol = p.tol;
  kp.init = p.init;
  kp.n_init = p.n_init;
  kp.seed = p.seed;
  kp.device = p.device;
  kmeans_check_params(kp, n);
  spdlog::info("segments: K-means on {}: {} values of k x {} runs in one batch", p.device, ks.size(),
               p.n_init);
  t0 = std::chrono::steady_clock::now();
  std::vector<KMeansKScore> scores =
      kmeans_select_k(scaled.data(), n, d, ks, kp, p.silhouette_sample);
  t.kmeans_seconds = seconds_since(t0);
  spdlog::info("segments: K-means and silhouettes in {:.2f} s", t.kmeans_seconds);

  // Highest silhouette; ties: the smaller k.
  size_t best = 0;
  for (size_t i = 1; i < scores.size(); ++i)
    if (scores[i].silhouette > scores[best].silhouette ||
        (scores[i].silhouette == scores[best].silhouette && scores[i].k < scores[best].k))
      best = i;

  SegmentModel& m = t.model;
  for (const auto& s : scores) m.k_scores.push_back({s.k, s.inertia, s.silhouette, s.result.n_iter});
  KMeansResult& r = scores[best].result;
  m.scaler = std::move(scaler);
  m.k = r.k;
  m.feature_names = f.names;
  m.centroids = std::move(r.centroids);
  m.features = p.features;
  m.features.categories = f.categories;  // the columns actually made, so inference makes the same
  m.features.as_of_time = -1;
  m.n_train_customers = n;
  m.train_as_of_time = f.as_of_time;
  m.train_sizes = r.cluster_sizes;
  t.labels = std::move(r.labels);

  // Inference assigns with nearest_centroids; count where it disagrees with K-means' own labels
  // on the training rows (only exact near-ties can, as the two sum in different orders).
  std::vector<int32_t> check(static_cast<size_t>(n));
  std::vector<float> dist(static_cast<size_t>(n));
  nearest_centroids(scaled.data(), n, d, m.centroids.data(), m.k, check.data(), dist.data());
  for (int64_t i = 0; i < n; ++i) t.label_mismatches += check[i] != t.labels[i];
  if (t.label_mismatches > 0)
    spdlog::warn("segments: {} of {} training customers are nearer another centroid by the exact "
                 "distance (near-ties)", t.label_mismatches, n);
  return t;
}

SegmentAssignment assign_segments(const SegmentModel& m, const Dataset& ds, UnixTime as_of_time) {
  TAILOR_CHECK(m.k >= 1 && m.d() >= 1 &&
                   m.centroids.size() == static_cast<size_t>(m.k) * static_cast<size_t>(m.d()),
               "assign_segments: the model is not trained (k " << m.k << ", d " << m.d() << ")");
  FeatureParams fp = m.features;
  fp.as_of_time = as_of_time;
  if (fp.categories.empty()) fp.top_categories = 0;  // training made no category columns
  SegmentAssignment a;
  a.features = compute_customer_features(ds, fp);
  const CustomerFeatures& f = a.features;
  const std::vector<float> scaled = m.scaler.transform(f);  // checks the columns, names them
  a.labels.resize(f.n_rows);
  a.distances.resize(f.n_rows);
  nearest_centroids(scaled.data(), static_cast<int64_t>(f.n_rows), m.d(), m.centroids.data(), m.k,
                    a.labels.data(), a.distances.data());
  return a;
}

}  // namespace tailor
