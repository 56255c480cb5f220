// ActionSpace: index <-> (campaign, local hour) and validation of the configured slots.
#include "core/policy/action_space.h"

#include <algorithm>

#include "core/common/error.h"

namespace tailor {

ActionSpace::ActionSpace(std::vector<std::string> campaign_names, std::vector<int> send_hours)
    : campaign_names_(std::move(campaign_names)), send_hours_(std::move(send_hours)) {
  std::fill(hour_slot_, hour_slot_ + 24, -1);
  for (size_t k = 0; k < send_hours_.size(); ++k) {
    const int h = send_hours_[k];
    TAILOR_CHECK(h >= 0 && h <= 23, "action_space.send_hours: " << h << " is not an hour 0..23");
    TAILOR_CHECK(k == 0 || h > send_hours_[k - 1],
                 "action_space.send_hours must be increasing and distinct, got "
                     << h << " after " << send_hours_[k - 1]);
    hour_slot_[h] = static_cast<int>(k);
  }
  for (size_t i = 0; i < campaign_names_.size(); ++i) {
    TAILOR_CHECK(!campaign_names_[i].empty(), "action space: campaign " << i << " has no name");
    for (size_t j = 0; j < i; ++j)
      TAILOR_CHECK(campaign_names_[i] != campaign_names_[j],
                   "action space: campaign '" << campaign_names_[i] << "' is listed twice");
  }
  TAILOR_CHECK(size() < 32768, "action space: " << size() << " actions is too many");
}

ActionSpace ActionSpace::from_params(const ActionSpaceParams& p,
                                     const std::vector<std::string>& dataset_campaigns) {
  if (p.campaigns.empty()) return ActionSpace(dataset_campaigns, p.send_hours);
  for (const std::string& c : p.campaigns)
    TAILOR_CHECK(
        std::find(dataset_campaigns.begin(), dataset_campaigns.end(), c) != dataset_campaigns.end(),
        "action_space.campaigns: '" << c << "' is not a campaign of the dataset");
  return ActionSpace(p.campaigns, p.send_hours);
}

int ActionSpace::hour_of(int a) const {
  if (a <= 0 || send_hours_.empty()) return -1;
  return send_hours_[static_cast<size_t>(slot_of(a))];
}

int ActionSpace::action_of(int campaign, int hour) const {
  if (campaign < 0) return 0;
  if (campaign >= campaigns()) return -1;
  int slot = 0;
  if (has_hours()) {
    if (hour < 0 || hour > 23 || hour_slot_[hour] < 0) return -1;
    slot = hour_slot_[hour];
  }  // without an hour choice, a logged send at any hour is that campaign's action
  return 1 + campaign * slots() + slot;
}

std::string ActionSpace::label(int a) const {
  if (a <= 0) return "none";
  std::string s = campaign_names_[static_cast<size_t>(campaign_of(a))];
  if (has_hours()) s += " " + std::to_string(hour_of(a)) + "h";
  return s;
}

}  // namespace tailor
