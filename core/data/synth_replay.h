// Replays one synthetic customer's logged email decisions with their full context, for off-policy
// evaluation and simulators: the state, the eligible campaigns (some triggers come from browsing
// sessions that the Dataset does not hold) and the logging policy's action and propensity.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"

namespace tailor {

/// One logged decision, in the order of the customer's rows in Dataset::email_log.
struct SynthDecision {
  SynthCustomerState state;  ///< what the shop knew at the decision
  uint32_t eligible = 0;     ///< bit mask of eligible campaigns (the action set)
  SynthAction action;        ///< logged action and its propensity
};

/// Re-simulates customer `customer` exactly as generate_synthetic_shop did (same params, the
/// catalogue from build_synth_catalog(params)) and returns its decisions.
std::vector<SynthDecision> synth_replay_decisions(const SynthParams& p, const SynthCatalog& catalog,
                                                  int64_t customer);

}  // namespace tailor
