// The send policy's view of the synthetic shop: its parameters from a dataset's metadata, the
// replayed context of every logged decision (state, eligible campaigns), the campaign rules at
// inference derived from the Dataset, and the true expected outcome of any action.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/policy/action_space.h"
#include "core/policy/reward.h"

namespace tailor {

/// metadata["source"] == "synth" with metadata["synth_params"].
bool is_synth_dataset(const Dataset& ds);
/// Parses a synth_params YAML document (synth_params_yaml); `what` names it in errors.
SynthParams synth_params_from_yaml(const std::string& yaml, const std::string& what);
/// The parameters of a synthetic-shop dataset; an error if it is not one.
SynthParams synth_params_of_dataset(const Dataset& ds);

/// Per policy campaign: the SynthCampaign of the same name, -1 if there is none.
std::vector<int> synth_campaign_ids(const ActionSpace& space);

/// The context of every logged decision of a synthetic-shop dataset, by re-simulating each
/// customer (SynthCustomerProcess with the shop's seed reproduces the log exactly).
struct SynthLogContext {
  SynthParams params;
  SynthCatalog catalog;
  std::vector<SynthCustomerState> state;  ///< per email-log row
  std::vector<uint32_t> eligible;         ///< per email-log row: mask of SynthCampaigns
};
/// Replays every customer (OpenMP); checks that each row's campaign and hour match the replay
/// (tailor::Error naming the row otherwise: the dataset was changed after generation).
SynthLogContext replay_synth_log(const Dataset& ds, const SynthParams& p);

/// Per email-log row and policy campaign (ActionSpace order): eligible by the replayed rules.
std::vector<uint8_t> policy_eligibility_of_log(const ActionSpace& space,
                                               const SynthLogContext& ctx);

/// The shop's eligible campaigns (mask of SynthCampaigns) for customer `c` on local day `day`
/// (index from start_date) from the Dataset alone: sign-up, purchases (distinct invoices),
/// birthday, calendar, broadcast days. Cart and browse abandonment are never eligible: their
/// triggers are browsing sessions that the Dataset does not hold. `tx_rows` are the customer's
/// transaction rows sorted by time.
uint32_t synth_eligible_from_dataset(const SynthParams& p, const Dataset& ds, int64_t c,
                                     const uint32_t* tx_rows, size_t n_tx_rows, int day);

/// Local day index (from start_date) of UTC time t for a customer with offset tz_offset_min.
int synth_local_day(const SynthParams& p, UnixTime t, int16_t tz_offset_min);

/// The true expected outcome (probabilities, expected revenue) of sending `synth_campaign` at
/// local `hour` in state `s` (campaign -1: no email, all zero).
DecisionOutcome synth_expected_outcome(const SynthResponseModel& model, const SynthCatalog& catalog,
                                       const SynthLatentCustomer& c, const SynthCustomerState& s,
                                       int synth_campaign, int hour);

}  // namespace tailor
