// K-means on the CPU: assignment vs brute force, update, ARI on blobs, empty clusters, k beyond the
// distinct points, determinism, batched == one by one, model selection, parameter errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "core/common/error.h"
#include "kernels/cluster_metrics.h"
#include "kernels/kmeans.h"
#include "kernels/kmeans_cpu.h"
#include "kernels/kmeans_params.h"
#include "tests/kernels/test_kmeans_util.h"

namespace tailor {
namespace {

using test::make_blobs;
using test::random_uniform;
using test::test_seed;

const char* method_name(KMeansAssignMethod m) {
  return m == KMeansAssignMethod::kGemm ? "gemm" : "direct";
}

TEST(KMeansAssign, MatchesBruteForceOnRandomShapes) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 24; ++trial) {
    const std::int64_t n = 1 + std::int64_t(rng() % 3000);
    const int d = 1 + int(rng() % 140);
    const int k = 1 + int(rng() % 80);
    std::vector<float> x = random_uniform(n * d, rng), c = random_uniform(std::int64_t(k) * d, rng);
    std::vector<std::int32_t> ref(n);
    std::vector<double> ref_dist(n);
    kmeans_assign_reference(x.data(), n, d, c.data(), k, ref.data(), ref_dist.data());
    for (auto method : {KMeansAssignMethod::kDirect, KMeansAssignMethod::kGemm}) {
      for (bool parallel : {false, true}) {
        const std::string cfg = "seed=" + std::to_string(seed) + " trial=" + std::to_string(trial) +
                                " n=" + std::to_string(n) + " d=" + std::to_string(d) +
                                " k=" + std::to_string(k) + " method=" + method_name(method) +
                                " parallel=" + std::to_string(parallel);
        std::vector<std::int32_t> labels(n, -1);
        std::vector<float> dist(n);
        double inertia = 0.0;
        std::int64_t changed = kmeans_assign_cpu(x.data(), n, d, c.data(), k, labels.data(),
                                                 dist.data(), &inertia, parallel, method);
        EXPECT_EQ(changed, n) << cfg;
        double ref_inertia = 0.0;
        for (std::int64_t i = 0; i < n; ++i) {
          ASSERT_GE(labels[i], 0) << cfg;
          ASSERT_LT(labels[i], k) << cfg;
          // Ties allowed: the chosen centroid must be as near as the best up to float rounding.
          double got = 0.0;
          for (int t = 0; t < d; ++t) {
            double diff = double(x[i * d + t]) - c[std::size_t(labels[i]) * d + t];
            got += diff * diff;
          }
          ASSERT_LE(got, ref_dist[i] + 1e-5 * (1.0 + ref_dist[i])) << cfg << " row " << i;
          ASSERT_NEAR(dist[i], got, 1e-6 * (1.0 + got)) << cfg << " row " << i;
          ref_inertia += ref_dist[i];
        }
        EXPECT_NEAR(inertia, ref_inertia, 1e-5 * (1.0 + ref_inertia)) << cfg;
        // A second call with the same centroids changes nothing.
        EXPECT_EQ(kmeans_assign_cpu(x.data(), n, d, c.data(), k, labels.data(), dist.data(),
                                    &inertia, parallel, method),
                  0)
            << cfg;
      }
    }
  }
}

TEST(KMeansUpdate, ExactMeansOnIntegerDataAndThreadIndependent) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  const std::int64_t n = 70001;  // several slabs
  const int d = 7, k = 13;
  std::vector<float> x(n * d);
  std::vector<std::int32_t> labels(n);
  for (auto& v : x) v = float(int(rng() % 201) - 100);
  for (auto& l : labels) l = std::int32_t(rng() % (k - 1));  // cluster k-1 stays empty
  std::vector<float> c1(std::size_t(k) * d, 7.5f), c2 = c1;
  std::vector<std::int64_t> n1(k), n2(k);
  kmeans_update_cpu(x.data(), n, d, labels.data(), k, c1.data(), n1.data(), true);
  kmeans_update_cpu(x.data(), n, d, labels.data(), k, c2.data(), n2.data(), false);
  EXPECT_EQ(0, std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(float))) << "seed=" << seed;
  EXPECT_EQ(n1, n2);
  std::vector<double> sum(std::size_t(k) * d, 0.0);
  std::vector<std::int64_t> cnt(k, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    ++cnt[labels[i]];
    for (int t = 0; t < d; ++t) sum[std::size_t(labels[i]) * d + t] += x[i * d + t];
  }
  for (int j = 0; j < k; ++j) {
    EXPECT_EQ(n1[j], cnt[j]) << "seed=" << seed << " cluster " << j;
    for (int t = 0; t < d; ++t) {
      float want = cnt[j] ? float(sum[std::size_t(j) * d + t] / double(cnt[j])) : 7.5f;
      EXPECT_EQ(c1[std::size_t(j) * d + t], want) << "seed=" << seed << " cluster " << j;
    }
  }
}

TEST(KMeansFit, RecoversWellSeparatedBlobs) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  for (int d : {2, 9, 40}) {
    {  // "random" seeding often puts two centroids in one blob: only kmeans++ is held to ARI 1
      const char* init = "kmeans++";
      std::vector<std::int32_t> truth;
      const int centers = 6;
      std::vector<float> x = make_blobs(3001, d, centers, rng, &truth);
      KMeansParams p;
      p.k = centers;
      p.init = init;
      p.n_init = 2;
      p.seed = seed;
      KMeansResult r = kmeans_fit(x.data(), 3001, d, p);
      const std::string cfg = "seed=" + std::to_string(seed) + " d=" + std::to_string(d) +
                              " init=" + init;
      EXPECT_DOUBLE_EQ(adjusted_rand_index(r.labels, truth), 1.0) << cfg;
      EXPECT_TRUE(r.converged) << cfg;
      EXPECT_EQ(r.labels.size(), 3001u);
      EXPECT_EQ(r.centroids.size(), std::size_t(centers) * d);
      std::int64_t total = 0;
      for (auto s : r.cluster_sizes) total += s;
      EXPECT_EQ(total, 3001) << cfg;
    }
  }
}

TEST(KMeansFit, EmptyClusterIsReseededFromFarthestPoint) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> truth;
  const int d = 3, centers = 3;
  std::vector<float> x = make_blobs(900, d, centers, rng, &truth);  // point i is in blob i % 3
  // Initial centroids: on blob 0, on blob 1, and far from everything. The third cluster is empty
  // after the first assignment; the farthest point from its centroid is then in blob 2, so the
  // re-seeded centroid lands there and Lloyd recovers the three blobs.
  std::vector<float> init = {x[0], x[1], x[2], x[3], x[4], x[5], 1e4f, 1e4f, 1e4f};
  KMeansParams p;
  p.k = centers;
  p.tol = 0.0;
  KMeansResult r = kmeans_fit(x.data(), 900, d, p, init.data());
  for (int j = 0; j < centers; ++j) EXPECT_EQ(r.cluster_sizes[j], 300) << "seed=" << seed << " j=" << j;
  EXPECT_DOUBLE_EQ(adjusted_rand_index(r.labels, truth), 1.0) << "seed=" << seed;
  EXPECT_LT(r.centroids[8], 100.0f) << "the far centroid was not re-seeded";
}

TEST(KMeansFit, MoreClustersThanDistinctPoints) {
  // 3 distinct points repeated 10 times, k = 5: every distinct point becomes a centroid, inertia 0,
  // the two surplus clusters are empty (documented behaviour). k > n is an error.
  std::vector<float> x;
  for (int rep = 0; rep < 10; ++rep)
    for (float v : {0.0f, 5.0f, 9.0f}) x.insert(x.end(), {v, -v});
  for (const char* init : {"kmeans++", "random"}) {
    KMeansParams p;
    p.k = 5;
    p.init = init;
    KMeansResult r = kmeans_fit(x.data(), 30, 2, p);
    EXPECT_EQ(r.inertia, 0.0) << init;
    int empty = 0;
    for (auto s : r.cluster_sizes) empty += s == 0;
    EXPECT_EQ(empty, 2) << init;
    std::set<std::int32_t> used(r.labels.begin(), r.labels.end());
    EXPECT_EQ(used.size(), 3u) << init;
  }
  KMeansParams p;
  p.k = 31;
  EXPECT_THROW(kmeans_fit(x.data(), 30, 2, p), Error);
}

TEST(KMeansFit, SameSeedSameResult) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  const std::int64_t n = 5000;
  const int d = 12;
  std::vector<float> x = random_uniform(n * d, rng);
  KMeansParams p;
  p.k = 17;
  p.n_init = 2;
  p.seed = seed;
  KMeansResult a = kmeans_fit(x.data(), n, d, p), b = kmeans_fit(x.data(), n, d, p);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(0, std::memcmp(a.centroids.data(), b.centroids.data(), a.centroids.size() * 4));
  EXPECT_EQ(a.inertia, b.inertia);
  EXPECT_EQ(a.n_iter, b.n_iter);
  p.seed = seed + 1;
  KMeansResult c = kmeans_fit(x.data(), n, d, p);
  EXPECT_NE(a.centroids, c.centroids) << "a different seed should start elsewhere";
}

TEST(KMeansFit, InertiaNeverIncreasesWithMoreIterations) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  std::vector<float> x = random_uniform(4000 * 5, rng);
  KMeansParams p;
  p.k = 20;
  p.tol = 0.0;
  p.seed = seed;
  double last = INFINITY;
  for (int it : {0, 1, 2, 5, 20}) {
    p.max_iter = it;
    KMeansResult r = kmeans_fit(x.data(), 4000, 5, p);
    EXPECT_LE(r.inertia, last * (1 + 1e-12)) << "seed=" << seed << " max_iter=" << it;
    EXPECT_LE(r.n_iter, it);
    last = r.inertia;
  }
}

void expect_same(const KMeansResult& a, const KMeansResult& b, const std::string& cfg) {
  EXPECT_EQ(a.labels, b.labels) << cfg;
  ASSERT_EQ(a.centroids.size(), b.centroids.size()) << cfg;
  EXPECT_EQ(0, std::memcmp(a.centroids.data(), b.centroids.data(), a.centroids.size() * 4)) << cfg;
  EXPECT_EQ(a.inertia, b.inertia) << cfg;
  EXPECT_EQ(a.n_iter, b.n_iter) << cfg;
  EXPECT_EQ(a.best_run, b.best_run) << cfg;
}

TEST(KMeansBatched, EqualsOneByOne) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  for (int d : {5, 520}) {  // fused-loop and SGEMM assignment (kmeans_assign_cpu_method)
    std::vector<std::vector<float>> data;
    std::vector<KMeansProblem> problems;
    for (int p = 0; p < 24; ++p) {
      const std::int64_t n = 200 + std::int64_t(rng() % (d > 100 ? 500 : 1300));
      data.push_back(random_uniform(n * d, rng));
      KMeansProblem pr;
      pr.n = n;
      pr.k = 4 + int(rng() % 29);
      pr.seed = rng();
      problems.push_back(pr);
    }
    for (std::size_t p = 0; p < problems.size(); ++p) problems[p].x = data[p].data();
    KMeansParams params;
    params.n_init = 2;
    params.max_iter = 30;
    std::vector<KMeansResult> batch = kmeans_fit_batched(problems, d, params);
    ASSERT_EQ(batch.size(), problems.size());
    for (std::size_t p = 0; p < problems.size(); ++p) {
      KMeansParams one = params;
      one.k = problems[p].k;
      one.seed = problems[p].seed;
      KMeansResult r = kmeans_fit(problems[p].x, problems[p].n, d, one);
      expect_same(batch[p], r, "seed=" + std::to_string(seed) + " d=" + std::to_string(d) +
                                   " problem=" + std::to_string(p));
    }
  }
}

TEST(KMeansSelectK, SilhouettePeaksAtTrueK) {
  const std::uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> truth;
  std::vector<float> x = make_blobs(6000, 4, 4, rng, &truth);
  KMeansParams p;
  p.n_init = 3;
  p.seed = seed;
  std::vector<KMeansKScore> s = kmeans_select_k(x.data(), 6000, 4, {2, 3, 4, 5, 6}, p, 1500);
  ASSERT_EQ(s.size(), 5u);
  int best = 0;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s[i].k, i + 2);
    if (i > 0) {
      EXPECT_LT(s[i].inertia, s[i - 1].inertia) << "seed=" << seed;
    }
    if (s[i].silhouette > s[best].silhouette) best = i;
  }
  EXPECT_EQ(s[best].k, 4) << "seed=" << seed;
  EXPECT_DOUBLE_EQ(adjusted_rand_index(s[2].result.labels, truth), 1.0) << "seed=" << seed;
}

TEST(ClusterMetrics, MatchScikitLearnOnSmallCases) {
  // Values from sklearn.metrics 1.2.1 (adjusted_rand_score, silhouette_score).
  EXPECT_NEAR(adjusted_rand_index({0, 0, 1, 1, 2, 2}, {0, 0, 1, 2, 2, 2}), 0.4444444444444444, 1e-12);
  EXPECT_DOUBLE_EQ(adjusted_rand_index({3, 3, 7, 7}, {1, 1, 0, 0}), 1.0);
  const float x[] = {0, 0, 0, 1, 1, 0, 5, 5, 5, 6, 6, 5, 9, 0};
  const std::int32_t l1[] = {0, 0, 0, 1, 1, 1, 2}, l2[] = {0, 0, 1, 1, 1, 2, 2};
  EXPECT_NEAR(silhouette_score(x, 7, 2, l1), 0.7124387250580051, 1e-6);
  EXPECT_NEAR(silhouette_score(x, 7, 2, l2), 0.08112414168179483, 1e-6);
}

TEST(KMeansParams, BadValuesAreClearErrors) {
  std::vector<float> x(20, 1.0f);
  KMeansParams p;
  p.k = 2;
  p.init = "kmeans--";
  EXPECT_THROW(kmeans_fit(x.data(), 10, 2, p), Error);
  p.init = "random";
  p.device = "tpu";
  EXPECT_THROW(kmeans_fit(x.data(), 10, 2, p), Error);
  p.device = "cpu";
  p.n_init = 0;
  EXPECT_THROW(kmeans_fit(x.data(), 10, 2, p), Error);
  p.n_init = 1;
  x[5] = NAN;
  try {
    kmeans_fit(x.data(), 10, 2, p);
    FAIL() << "NaN accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("point 2, feature 1"), std::string::npos) << e.what();
  }
}

TEST(KMeansParams, BindsToCommandLineAndYaml) {
  CLI::App app;
  KMeansParams p;
  ParamSet ps(&app, "kmeans");
  add_kmeans_params(ps, p);
  const char* argv[] = {"prog", "--k", "12", "--n-init", "3"};
  app.parse(5, const_cast<char**>(argv));
  ps.apply_yaml(YAML::Load("kmeans: {k: 4, tol: 0.5, device: cuda}"), "inline");
  EXPECT_EQ(p.k, 12);
  EXPECT_EQ(p.n_init, 3);
  EXPECT_DOUBLE_EQ(p.tol, 0.5);
  EXPECT_EQ(p.device, "cuda");
  EXPECT_EQ(p.max_iter, 100);
  EXPECT_EQ(p.init, "kmeans++");
}

}  // namespace
}  // namespace tailor
