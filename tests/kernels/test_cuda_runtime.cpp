// Row-norm primitives (kernels/row_norms.h): CPU twins against a double reference, GPU against
// the CPU twins on random odd shapes (CUDA runtime kernel, Thrust sum, cuBLAS sgemm), and clear
// errors where no GPU can run them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "kernels/device.h"
#include "kernels/row_norms.h"

namespace tailor {
namespace {

// Replayable seed: TAILOR_TEST_SEED overrides the default; every assertion prints it.
uint32_t test_seed() {
  const char* env = std::getenv("TAILOR_TEST_SEED");
  return env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20240611u;
}

struct Shape {
  int64_t n, m, d;
  std::string str() const {
    std::ostringstream os;
    os << "n=" << n << " m=" << m << " d=" << d << " seed=" << test_seed();
    return os.str();
  }
};

// Odd, non-power-of-two shapes, including d < 32 (partial warps) and d = 0.
std::vector<Shape> random_shapes(std::mt19937& rng, int count) {
  std::vector<Shape> shapes = {{1, 1, 1}, {3, 5, 0}, {7, 3, 31}, {33, 17, 33}};
  std::uniform_int_distribution<int64_t> nd(1, 700), md(1, 97), dd(1, 300);
  for (int i = 0; i < count; ++i) shapes.push_back({nd(rng), md(rng), dd(rng)});
  return shapes;
}

std::vector<float> random_matrix(std::mt19937& rng, int64_t rows, int64_t cols, bool integer) {
  std::vector<float> v(static_cast<size_t>(rows * cols));
  std::uniform_real_distribution<float> real(-1.0f, 1.0f);
  std::uniform_int_distribution<int> small(-4, 4);
  for (float& x : v) x = integer ? static_cast<float>(small(rng)) : real(rng);
  return v;
}

// |got - ref| <= atol + rtol * |ref|
bool close(double got, double ref, double atol, double rtol) {
  return std::fabs(got - ref) <= atol + rtol * std::fabs(ref);
}

bool gpu_available(std::string* why) {
  if (!cuda_compiled()) {
    *why = "tailor was built without CUDA";
    return false;
  }
  if (cuda_device_count() == 0) {
    *why = "no CUDA device: " + cuda_device_description(0);
    return false;
  }
  return true;
}

TEST(RowNormsCpu, MatchesDoubleReference) {
  std::mt19937 rng(test_seed());
  for (const Shape& s : random_shapes(rng, 8)) {
    std::vector<float> x = random_matrix(rng, s.n, s.d, false);
    std::vector<float> out(static_cast<size_t>(s.n));
    double total = row_sq_norms_cpu(x.data(), s.n, s.d, out.data());
    double ref_total = 0.0;
    for (int64_t i = 0; i < s.n; ++i) {
      double ref = 0.0;
      for (int64_t j = 0; j < s.d; ++j) ref += double(x[i * s.d + j]) * x[i * s.d + j];
      ref_total += ref;
      ASSERT_TRUE(close(out[i], ref, 1e-5, 1e-5)) << s.str() << " row " << i << ": " << out[i] << " vs " << ref;
    }
    EXPECT_TRUE(close(total, ref_total, 1e-4, 1e-6)) << s.str() << ": " << total << " vs " << ref_total;
  }
}

TEST(RowNormsCpu, InnerProductsMatchDoubleReference) {
  std::mt19937 rng(test_seed() + 1);
  for (const Shape& s : random_shapes(rng, 6)) {
    std::vector<float> x = random_matrix(rng, s.n, s.d, false);
    std::vector<float> y = random_matrix(rng, s.m, s.d, false);
    std::vector<float> out(static_cast<size_t>(s.n * s.m), -1.0f);
    row_inner_products_cpu(x.data(), s.n, y.data(), s.m, s.d, out.data());
    for (int64_t i = 0; i < s.n; ++i)
      for (int64_t k = 0; k < s.m; ++k) {
        double ref = 0.0;
        for (int64_t j = 0; j < s.d; ++j) ref += double(x[i * s.d + j]) * y[k * s.d + j];
        ASSERT_TRUE(close(out[i * s.m + k], ref, 1e-4, 1e-5))
            << s.str() << " (" << i << ", " << k << "): " << out[i * s.m + k] << " vs " << ref;
      }
  }
}

TEST(RowNormsGpu, MatchesCpuTwinOnRandomOddShapes) {
  std::string why;
  if (!gpu_available(&why)) GTEST_SKIP() << why;
  std::mt19937 rng(test_seed() + 2);
  for (const Shape& s : random_shapes(rng, 12)) {
    for (bool integer : {true, false}) {
      std::vector<float> x = random_matrix(rng, s.n, s.d, integer);
      std::vector<float> cpu(static_cast<size_t>(s.n)), gpu(static_cast<size_t>(s.n), -1.0f);
      double cpu_total = row_sq_norms_cpu(x.data(), s.n, s.d, cpu.data());
      double gpu_total = row_sq_norms_gpu(x.data(), s.n, s.d, gpu.data());
      for (int64_t i = 0; i < s.n; ++i) {
        if (integer)  // integer-valued inputs: every partial sum is exact in float
          ASSERT_EQ(gpu[i], cpu[i]) << s.str() << " integer row " << i;
        else
          ASSERT_TRUE(close(gpu[i], cpu[i], 1e-5, 1e-4)) << s.str() << " row " << i << ": " << gpu[i] << " vs " << cpu[i];
      }
      if (integer)
        EXPECT_EQ(gpu_total, cpu_total) << s.str();
      else
        EXPECT_TRUE(close(gpu_total, cpu_total, 1e-4, 1e-6)) << s.str() << ": " << gpu_total << " vs " << cpu_total;
    }
  }
}

TEST(RowNormsGpu, InnerProductsMatchCpuTwinAndGramDiagonalIsTheNorms) {
  std::string why;
  if (!gpu_available(&why)) GTEST_SKIP() << why;
  std::mt19937 rng(test_seed() + 3);
  for (const Shape& s : random_shapes(rng, 8)) {
    std::vector<float> x = random_matrix(rng, s.n, s.d, true);
    std::vector<float> y = random_matrix(rng, s.m, s.d, true);
    std::vector<float> cpu(static_cast<size_t>(s.n * s.m)), gpu(cpu.size(), -1.0f);
    row_inner_products_cpu(x.data(), s.n, y.data(), s.m, s.d, cpu.data());
    row_inner_products_gpu(x.data(), s.n, y.data(), s.m, s.d, gpu.data());
    for (size_t i = 0; i < cpu.size(); ++i) ASSERT_EQ(gpu[i], cpu[i]) << s.str() << " entry " << i;

    // Gram matrix X X^T: its diagonal is the row squared norms of the kernel.
    const int64_t n = std::min<int64_t>(s.n, 64);
    std::vector<float> gram(static_cast<size_t>(n * n)), norms(static_cast<size_t>(n));
    row_inner_products_gpu(x.data(), n, x.data(), n, s.d, gram.data());
    row_sq_norms_gpu(x.data(), n, s.d, norms.data());
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(gram[i * n + i], norms[i]) << s.str() << " row " << i;
  }
}

TEST(RowNormsGpu, WithoutAGpuTheEntriesFailClearly) {
  std::string why;
  if (gpu_available(&why)) GTEST_SKIP() << "a GPU is present; the comparison tests cover it";
  const std::string expected = cuda_compiled() ? "no CUDA device usable" : "built without CUDA";
  std::vector<float> x(6, 1.0f), out(6);
  try {
    row_sq_norms_gpu(x.data(), 2, 3, out.data());
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  try {
    row_inner_products_gpu(x.data(), 2, x.data(), 2, 3, out.data());
    FAIL() << "expected tailor::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tailor
