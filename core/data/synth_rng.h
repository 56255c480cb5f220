// Counter-seeded random streams for the synthetic shop: one independent xoshiro256** stream per
// (seed, entity, purpose), with distributions written out here so results never depend on the
// standard library's implementation or on the thread that draws them.
#pragma once

#include <cmath>
#include <cstdint>

namespace tailor {

/// splitmix64 finaliser: a bijective 64-bit mix.
inline uint64_t synth_mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Purposes of the streams; each (seed, entity, purpose) triple is an independent stream.
enum class SynthStream : uint64_t {
  kCustomerLatent = 1,   ///< a customer's latent state (synth_latent_customer)
  kCustomerHistory = 2,  ///< a customer's purchases and email log
  kProduct = 3,          ///< a product's category, price, popularity, title
  kCopy = 4,             ///< a synthetic copy document (core/corpus/synth_copy.h)
};

class SynthRng {
 public:
  SynthRng(uint64_t seed, uint64_t entity, SynthStream purpose) {
    uint64_t x = synth_mix64(seed);
    x = synth_mix64(x ^ synth_mix64(entity + 0x632BE59BD9B4E019ULL));
    x = synth_mix64(x ^ synth_mix64(static_cast<uint64_t>(purpose) * 0xD1B54A32D192ED03ULL));
    for (auto& s : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      s = synth_mix64(x);
    }
  }

  /// xoshiro256**: next 64 random bits.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in (0, 1]: safe for log().
  double uniform_open0() { return 1.0 - uniform(); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n), n > 0 (multiply-shift; bias < n / 2^64).
  int64_t below(int64_t n) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(next()) * static_cast<uint64_t>(n)) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }
  /// Standard normal (Box-Muller, one value per call).
  double normal() {
    const double u1 = uniform_open0(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  /// Log-normal with the given MEAN (not median) and log-space sigma.
  double lognormal_mean(double mean, double sigma) {
    return mean * std::exp(sigma * normal() - 0.5 * sigma * sigma);
  }
  double exponential(double mean) { return -mean * std::log(uniform_open0()); }
  /// Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 via the U^(1/shape) boost).
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform_open0(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform_open0();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  /// Beta(a, b) from two gammas.
  double beta(double a, double b) {
    const double x = gamma(a), y = gamma(b);
    return x / (x + y);
  }
  /// Poisson(mean): inversion by sequential search for mean < 30, rounded normal above.
  int64_t poisson(double mean) {
    if (mean <= 0.0) return 0;
    if (mean >= 30.0) {
      const double x = std::floor(normal(mean, std::sqrt(mean)) + 0.5);
      return x < 0.0 ? 0 : static_cast<int64_t>(x);
    }
    double p = std::exp(-mean), cdf = p;
    const double u = uniform();
    int64_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace tailor
