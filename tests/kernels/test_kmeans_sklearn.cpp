// K-means against scikit-learn's Lloyd from the same initial centroids: inertia within 1e-4
// relative. Runs tests/scripts/kmeans_sklearn_lloyd.py with /usr/bin/python3; skips without sklearn.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "kernels/cluster_metrics.h"
#include "kernels/kmeans.h"
#include "tests/kernels/test_kmeans_util.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

const char* kPython = "/usr/bin/python3";

bool sklearn_available() {
  std::string cmd = std::string(kPython) + " -c 'import sklearn' > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

template <class T>
void write_bin(const fs::path& p, const std::vector<T>& v) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  ASSERT_TRUE(out.good()) << "cannot write " << p;
}

/// Runs the script and returns its stdout (one JSON line).
std::string run_script(const std::string& args) {
  // tests/data may not exist: go up lexically, not through the file system.
  const fs::path script =
      fs::path(TAILOR_TEST_DATA_DIR).parent_path() / "scripts" / "kmeans_sklearn_lloyd.py";
  std::string cmd = std::string(kPython) + " " + script.string() + " " + args;
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) out += buf;
  pclose(f);
  return out;
}

double json_number(const std::string& json, const std::string& key) {
  auto pos = json.find("\"" + key + "\":");
  if (pos == std::string::npos) return NAN;
  return std::strtod(json.c_str() + pos + key.size() + 3, nullptr);
}

TEST(KMeansSklearn, InertiaMatchesLloydFromSameInit) {
  if (!sklearn_available()) GTEST_SKIP() << "scikit-learn is not importable by " << kPython;
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  fs::path dir = fs::temp_directory_path() / ("tailor_kmeans_sklearn_" + std::to_string(seed));
  fs::create_directories(dir);
  struct Shape { std::int64_t n; int d, k; };
  for (Shape s : {Shape{3000, 3, 7}, Shape{2500, 40, 25}, Shape{1200, 130, 9}}) {
    std::vector<std::int32_t> truth;
    std::vector<float> x = test::make_blobs(s.n, s.d, s.k / 2 + 1, rng, &truth);
    for (auto& v : x) v += std::normal_distribution<float>(0.0f, 3.0f)(rng);  // overlapping blobs
    KMeansParams p;
    p.k = s.k;
    p.seed = rng();
    p.tol = 0.0;  // both run to a fixed point (no label changes)
    p.max_iter = 300;
    // Initial centroids: the k-means++ seeding of tailor (0 iterations), passed to both.
    KMeansParams seed_only = p;
    seed_only.max_iter = 0;
    std::vector<float> init = kmeans_fit(x.data(), s.n, s.d, seed_only).centroids;
    KMeansResult ours = kmeans_fit(x.data(), s.n, s.d, p, init.data());
    write_bin(dir / "x.bin", x);
    write_bin(dir / "init.bin", init);
    const std::string cfg = "seed=" + std::to_string(seed) + " n=" + std::to_string(s.n) +
                            " d=" + std::to_string(s.d) + " k=" + std::to_string(s.k);
    std::string json = run_script(dir.string() + " " + std::to_string(s.n) + " " +
                                  std::to_string(s.d) + " " + std::to_string(s.k) + " 300 0");
    const double sk_inertia = json_number(json, "inertia");
    ASSERT_TRUE(std::isfinite(sk_inertia)) << cfg << " script output: " << json;
    EXPECT_TRUE(ours.converged) << cfg;
    EXPECT_NEAR(ours.inertia, sk_inertia, 1e-4 * sk_inertia) << cfg << " sklearn n_iter "
                                                             << json_number(json, "n_iter")
                                                             << " ours " << ours.n_iter;
    std::vector<std::int32_t> sk_labels(s.n);
    std::ifstream in(dir / "labels.bin", std::ios::binary);
    in.read(reinterpret_cast<char*>(sk_labels.data()), std::streamsize(s.n * 4));
    ASSERT_TRUE(in.good()) << cfg;
    EXPECT_GT(adjusted_rand_index(ours.labels, sk_labels), 0.99) << cfg;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tailor
