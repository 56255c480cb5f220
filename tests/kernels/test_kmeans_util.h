// Shared helpers of the K-means tests: replayable seeds, random data and well-separated blobs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace tailor::test {

/// A fresh seed per test (TAILOR_TEST_SEED replays one), printed so a failure can be replayed.
inline std::uint64_t test_seed() {
  std::uint64_t seed;
  if (const char* s = std::getenv("TAILOR_TEST_SEED")) {
    seed = std::strtoull(s, nullptr, 10);
  } else {
    seed = std::random_device{}();
  }
  std::printf("[ seed     ] TAILOR_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

inline std::vector<float> random_uniform(std::int64_t count, std::mt19937_64& rng, float lo = -1.0f,
                                         float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(count);
  for (auto& f : v) f = u(rng);
  return v;
}

/// n points (n x d) around `centers` far-apart centres (spread 1, centres >= 20 apart); truth
/// gets each point's centre.
inline std::vector<float> make_blobs(std::int64_t n, int d, int centers, std::mt19937_64& rng,
                                     std::vector<std::int32_t>* truth) {
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> c(std::size_t(centers) * d, 0.0f);
  for (int j = 0; j < centers; ++j) c[std::size_t(j) * d + (j % d)] = 20.0f * float(1 + j / d);
  std::vector<float> x(std::size_t(n) * d);
  truth->resize(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const int j = int(i % centers);
    (*truth)[i] = j;
    for (int t = 0; t < d; ++t) x[i * d + t] = c[std::size_t(j) * d + t] + g(rng);
  }
  return x;
}

}  // namespace tailor::test
