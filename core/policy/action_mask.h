// Hard masks of the send policy: which actions are allowed for one decision. Masked actions are
// never chosen, never sampled and never given probability (they are not penalties).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/policy/action_space.h"

namespace tailor {

/// Parameters of the masks (YAML section `masks`, configs/policy.yaml).
struct MaskParams {
  /// At most this many emails in any `frequency_window_days` consecutive local days (the decision
  /// day included); a customer at the cap gets only "no email". < 0: no cap.
  int frequency_cap = 3;
  /// Length of the frequency-cap window in local days (>= 1).
  int frequency_window_days = 7;
  /// Local hours at which no email is ever sent (actions at these hours are masked). Does not
  /// apply to an action space without hour choice (the email job's own quiet hours do).
  std::vector<int> quiet_hours = {22, 23, 0, 1, 2, 3, 4, 5, 6};
  /// Campaign eligibility: "auto" (the synthetic shop's rules on synthetic-shop data, none
  /// otherwise), "synth" (require the synthetic shop's rules) or "none" (every campaign is
  /// eligible whenever an email is allowed).
  std::string campaign_eligibility = "auto";
};

/// Checks the fields; throws tailor::Error naming the bad one.
void check_mask_params(const MaskParams& p);

/// What the masks look at for one decision.
struct MaskInputs {
  bool consent = false;       ///< opted in to marketing email
  bool unsubscribed = false;  ///< unsubscribed at decision time (overrides consent)
  bool suppressed = false;    ///< on a suppression list
  /// Emails already sent in the cap window (the window_days - 1 local days before the decision
  /// day and the decision day up to the decision).
  int sends_in_window = 0;
  /// Per policy campaign (ActionSpace order): eligible now. nullptr: every campaign is eligible.
  const uint8_t* campaign_eligible = nullptr;
};

/// Precomputed mask rules for an action space.
class ActionMasker {
 public:
  ActionMasker(const ActionSpace& space, const MaskParams& p);
  /// Writes mask[a] = 1 for allowed actions, 0 for masked ones (space.size() entries). "No email"
  /// is always allowed; every send is masked without consent, when unsubscribed or suppressed,
  /// or at the frequency cap; sends at quiet hours and of ineligible campaigns are masked.
  void fill(const MaskInputs& in, uint8_t* mask) const;
  /// True when mask allows nothing but "no email".
  static bool only_no_email(const uint8_t* mask, int n_actions);

 private:
  int n_actions_ = 1, campaigns_ = 0, slots_ = 1;
  MaskParams p_;
  std::vector<uint8_t> slot_quiet_;  ///< per hour slot: its hour is a quiet hour
};

}  // namespace tailor
