// K-means on CUDA vs the CPU path: labels equal except ties, centroids close, runs repeatable,
// batched == one by one. Skips without a GPU; in a CPU-only build checks the clear error instead.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/common/error.h"
#include "kernels/cluster_metrics.h"
#include "kernels/device.h"
#include "kernels/kmeans.h"
#include "tests/kernels/test_kmeans_util.h"

namespace tailor {
namespace {

TEST(KMeansCuda, CpuOnlyBuildRefusesCudaClearly) {
  if (cuda_compiled()) GTEST_SKIP() << "tailor was built with CUDA: this checks the CPU-only build";
  std::vector<float> x(40, 0.5f);
  KMeansParams p;
  p.k = 2;
  p.device = "cuda";
  try {
    kmeans_fit(x.data(), 20, 2, p);
    FAIL() << "device cuda accepted by a build without CUDA";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("built without CUDA"), std::string::npos) << e.what();
  }
}

void skip_without_gpu() {
  if (!cuda_compiled()) GTEST_SKIP() << "tailor was built without CUDA (TAILOR_CUDA=OFF)";
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device: " << cuda_device_description(0);
}

struct Shape {
  std::int64_t n;
  int d, k;
};

TEST(KMeansCuda, AssignmentMatchesCpuExceptTies) {
  skip_without_gpu();
  if (IsSkipped()) return;
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  // Fused kernel (small d, odd sizes) and SGEMM tiles (d >= 128, k >= 64).
  for (Shape s : {Shape{1, 1, 1}, Shape{3001, 5, 37}, Shape{1000, 33, 130}, Shape{2049, 160, 70}}) {
    std::vector<float> x = test::random_uniform(s.n * s.d, rng);
    std::vector<float> c = test::random_uniform(std::int64_t(s.k) * s.d, rng);
    KMeansParams p;
    p.k = s.k;
    p.max_iter = 0;  // labels of the given centroids only
    p.device = "cuda";
    KMeansResult gpu = kmeans_fit(x.data(), s.n, s.d, p, c.data());
    std::vector<std::int32_t> ref(s.n);
    std::vector<double> ref_dist(s.n);
    kmeans_assign_reference(x.data(), s.n, s.d, c.data(), s.k, ref.data(), ref_dist.data());
    const std::string cfg = "seed=" + std::to_string(seed) + " n=" + std::to_string(s.n) +
                            " d=" + std::to_string(s.d) + " k=" + std::to_string(s.k);
    double ref_inertia = 0.0;
    for (std::int64_t i = 0; i < s.n; ++i) {
      ASSERT_GE(gpu.labels[i], 0) << cfg;
      ASSERT_LT(gpu.labels[i], s.k) << cfg;
      double got = 0.0;
      for (int t = 0; t < s.d; ++t) {
        double diff = double(x[i * s.d + t]) - c[std::size_t(gpu.labels[i]) * s.d + t];
        got += diff * diff;
      }
      ASSERT_LE(got, ref_dist[i] + 1e-5 * (1.0 + ref_dist[i])) << cfg << " row " << i;
      ref_inertia += ref_dist[i];
    }
    EXPECT_NEAR(gpu.inertia, ref_inertia, 1e-5 * (1.0 + ref_inertia)) << cfg;
  }
}

TEST(KMeansCuda, FitMatchesCpuAndRepeats) {
  skip_without_gpu();
  if (IsSkipped()) return;
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  for (Shape s : {Shape{5000, 3, 8}, Shape{4000, 130, 70}}) {
    std::vector<std::int32_t> truth;
    std::vector<float> x = test::make_blobs(s.n, s.d, s.k, rng, &truth);
    KMeansParams p;
    p.k = s.k;
    p.seed = seed;
    p.n_init = 2;
    KMeansResult cpu = kmeans_fit(x.data(), s.n, s.d, p);
    p.device = "cuda";
    KMeansResult gpu = kmeans_fit(x.data(), s.n, s.d, p), again = kmeans_fit(x.data(), s.n, s.d, p);
    const std::string cfg = "seed=" + std::to_string(seed) + " d=" + std::to_string(s.d);
    EXPECT_DOUBLE_EQ(adjusted_rand_index(gpu.labels, truth), 1.0) << cfg;
    EXPECT_DOUBLE_EQ(adjusted_rand_index(gpu.labels, cpu.labels), 1.0) << cfg;
    EXPECT_NEAR(gpu.inertia, cpu.inertia, 1e-4 * cpu.inertia) << cfg;
    ASSERT_EQ(gpu.centroids.size(), cpu.centroids.size());
    if (gpu.labels == cpu.labels) {  // same partition, same cluster names: centroids comparable
      for (std::size_t i = 0; i < gpu.centroids.size(); ++i)
        ASSERT_NEAR(gpu.centroids[i], cpu.centroids[i], 1e-4 * (1.0 + std::fabs(cpu.centroids[i])))
            << cfg << " element " << i;
    }
    // No atomics: the same run gives the same bits.
    EXPECT_EQ(gpu.labels, again.labels) << cfg;
    EXPECT_EQ(0, std::memcmp(gpu.centroids.data(), again.centroids.data(), gpu.centroids.size() * 4))
        << cfg;
    EXPECT_EQ(gpu.inertia, again.inertia) << cfg;
  }
}

TEST(KMeansCuda, BatchedEqualsOneByOne) {
  skip_without_gpu();
  if (IsSkipped()) return;
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  const int d = 6;
  std::vector<std::vector<float>> data;
  std::vector<KMeansProblem> problems;
  for (int p = 0; p < 50; ++p) {
    const std::int64_t n = 200 + std::int64_t(rng() % 4800);
    data.push_back(test::random_uniform(n * d, rng));
    KMeansProblem pr;
    pr.n = n;
    pr.k = 4 + int(rng() % 29);
    pr.seed = rng();
    problems.push_back(pr);
  }
  for (std::size_t p = 0; p < problems.size(); ++p) problems[p].x = data[p].data();
  KMeansParams params;
  params.device = "cuda";
  params.max_iter = 40;
  std::vector<KMeansResult> batch = kmeans_fit_batched(problems, d, params);
  for (std::size_t p = 0; p < problems.size(); ++p) {
    KMeansParams one = params;
    one.k = problems[p].k;
    one.seed = problems[p].seed;
    KMeansResult r = kmeans_fit(problems[p].x, problems[p].n, d, one);
    const std::string cfg = "seed=" + std::to_string(seed) + " problem=" + std::to_string(p);
    EXPECT_EQ(batch[p].labels, r.labels) << cfg;
    EXPECT_EQ(0, std::memcmp(batch[p].centroids.data(), r.centroids.data(), r.centroids.size() * 4))
        << cfg;
    EXPECT_EQ(batch[p].n_iter, r.n_iter) << cfg;
  }
}

}  // namespace
}  // namespace tailor
