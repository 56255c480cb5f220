// Seeded random streams of the send-policy code: the synthetic shop's counter-seeded xoshiro256**
// (core/data/synth_rng.h) with purposes of its own, so each (seed, entity, purpose) is an
// independent stream and results never depend on thread scheduling.
#pragma once

#include <cstdint>

#include "core/data/synth_rng.h"

namespace tailor {

/// Purposes of the policy streams (disjoint from SynthStream's values).
enum class PolicyStream : uint64_t {
  kSplit = 101,       ///< train / evaluation split of customers (entity: customer)
  kBootstrap = 102,   ///< OPE bootstrap resample (entity: resample index)
  kDecision = 103,    ///< inference sampling (entity: customer row)
  kBatches = 104,     ///< learner batch sampling (entity: learner step)
  kSimulation = 105,  ///< simulator policy draws (entity: customer)
  kTest = 199,        ///< tests
};

inline SynthRng policy_rng(uint64_t seed, uint64_t entity, PolicyStream purpose) {
  return SynthRng(seed, entity, static_cast<SynthStream>(purpose));
}

/// One uniform in [0, 1) as a pure function of (seed, entity, counter, purpose).
inline double policy_uniform(uint64_t seed, uint64_t entity, uint64_t counter,
                             PolicyStream purpose) {
  const uint64_t z = synth_mix64(synth_mix64(seed ^ 0x5DEECE66DULL) ^
                                 synth_mix64(entity * 0x9E3779B97F4A7C15ULL + counter) ^
                                 synth_mix64(static_cast<uint64_t>(purpose) << 32));
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace tailor
