// ActionMasker: consent / unsubscribe / suppression, frequency cap, quiet hours and campaign
// eligibility as a 0/1 mask over the action space.
#include "core/policy/action_mask.h"

#include <algorithm>
#include <cstring>

#include "core/common/error.h"

namespace tailor {

void check_mask_params(const MaskParams& p) {
  TAILOR_CHECK(p.frequency_window_days >= 1,
               "masks.frequency_window_days must be >= 1, got " << p.frequency_window_days);
  for (int h : p.quiet_hours)
    TAILOR_CHECK(h >= 0 && h <= 23, "masks.quiet_hours: " << h << " is not an hour 0..23");
  TAILOR_CHECK(p.campaign_eligibility == "auto" || p.campaign_eligibility == "synth" ||
                   p.campaign_eligibility == "none",
               "masks.campaign_eligibility must be auto, synth or none, got '"
                   << p.campaign_eligibility << "'");
}

ActionMasker::ActionMasker(const ActionSpace& space, const MaskParams& p)
    : n_actions_(space.size()), campaigns_(space.campaigns()), slots_(space.slots()), p_(p) {
  check_mask_params(p);
  slot_quiet_.assign(static_cast<size_t>(space.slots()), 0);
  if (space.has_hours())
    for (int k = 0; k < space.slots(); ++k) {
      const int h = space.send_hours()[static_cast<size_t>(k)];
      slot_quiet_[static_cast<size_t>(k)] =
          std::find(p.quiet_hours.begin(), p.quiet_hours.end(), h) != p.quiet_hours.end();
    }
}

void ActionMasker::fill(const MaskInputs& in, uint8_t* mask) const {
  std::memset(mask, 0, static_cast<size_t>(n_actions_));
  mask[0] = 1;
  if (!in.consent || in.unsubscribed || in.suppressed) return;
  if (p_.frequency_cap >= 0 && in.sends_in_window >= p_.frequency_cap) return;
  const int slots = slots_;
  for (int c = 0; c < campaigns_; ++c) {
    if (in.campaign_eligible && !in.campaign_eligible[c]) continue;
    for (int k = 0; k < slots; ++k)
      if (!slot_quiet_[static_cast<size_t>(k)]) mask[1 + c * slots + k] = 1;
  }
}

bool ActionMasker::only_no_email(const uint8_t* mask, int n_actions) {
  for (int a = 1; a < n_actions; ++a)
    if (mask[a]) return false;
  return true;
}

}  // namespace tailor
