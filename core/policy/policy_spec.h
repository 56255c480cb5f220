// What a send policy's inputs and outputs mean, independent of the network: action space, state
// feature layout and scaler, masks, reward and campaign-eligibility rules. Stored in the policy
// checkpoint so that inference rebuilds exactly the training inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/data/dataset.h"
#include "core/data/synth.h"
#include "core/policy/action_mask.h"
#include "core/policy/action_space.h"
#include "core/policy/reward.h"
#include "core/policy/state_features.h"
#include "core/segment/feature_scaler.h"

namespace tailor {

struct PolicySpec {
  ActionSpace actions;
  StateFeatureLayout features;
  FeatureScaler scaler;  ///< fitted on the training decisions' raw features
  MaskParams masks;
  RewardParams reward;
  /// Campaign eligibility by the synthetic shop's rules (`synth_params` below).
  bool synth_eligibility = false;
  SynthParams synth_params;  ///< the shop's parameters when synth_eligibility

  int n_actions() const { return actions.size(); }
  int dim() const { return static_cast<int>(features.dim()); }
};

/// Resolves masks.campaign_eligibility ("auto", "synth", "none") for a dataset: whether the
/// synthetic shop's rules apply. "synth" on a dataset that is not a synthetic shop is an error.
bool use_synth_eligibility(const MaskParams& masks, const Dataset& ds);

/// A spec for a dataset: the action space from `actions` and the dataset's campaigns, the
/// eligibility rules resolved, the feature layout from `features` (categories and attribute
/// levels chosen on `train_customers`; empty = all). The scaler is fitted later
/// (fit_policy_scaler), once the training states exist.
PolicySpec make_policy_spec(const Dataset& ds, const ActionSpaceParams& actions,
                            const MaskParams& masks, const RewardParams& reward,
                            const StateFeatureParams& features,
                            const std::vector<int64_t>& train_customers);

/// Fits the spec's robust scaler on raw state rows (n, dim).
void fit_policy_scaler(PolicySpec* spec, const float* states, int64_t n);

/// Stores the spec under meta/spec/ (action space, features, scaler, masks, reward, rules).
void policy_spec_to_checkpoint(const PolicySpec& spec, Checkpoint* ck);
/// Reads what policy_spec_to_checkpoint wrote; errors name the checkpoint and the entry.
PolicySpec policy_spec_from_checkpoint(const Checkpoint& ck);

/// Decision inputs for a batch of customers: raw (unscaled) state rows and action masks.
struct DecisionInputs {
  int64_t n = 0;
  std::vector<float> states;   ///< (n, dim) raw features
  std::vector<uint8_t> masks;  ///< (n, n_actions)
  /// Per policy campaign: its row in Dataset::campaigns (-1: the dataset has no campaign of
  /// that name; its actions are masked).
  std::vector<int16_t> dataset_campaign;
};

/// Row groups of a dataset by customer (transactions and email log) for repeated inference
/// batches; built once per dataset.
struct DatasetCustomerIndex {
  std::vector<int64_t> tx_offsets, email_offsets;
  std::vector<uint32_t> tx_rows, email_rows;  ///< sorted by time within each customer
  size_t n_customers = 0, n_tx = 0, n_email = 0;
};
DatasetCustomerIndex index_dataset_by_customer(const Dataset& ds);

/// States and masks of `customers` (rows of ds.customers) for decisions at UTC time `now`: each
/// customer's history strictly before the local day of `now`; masks from consent, unsubscribes
/// (table flag or a logged unsubscribe), suppression, the frequency cap (sends in the cap window
/// up to `now`), quiet hours and, with synth eligibility, the shop's rules derived from the
/// dataset. OpenMP over customers; the result does not depend on the thread count.
DecisionInputs build_decision_inputs(const PolicySpec& spec, const Dataset& ds,
                                     const DatasetCustomerIndex& index,
                                     const std::vector<int64_t>& customers, UnixTime now);

/// Scales raw rows in place with the spec's scaler.
void scale_states(const PolicySpec& spec, float* states, int64_t n);

}  // namespace tailor
