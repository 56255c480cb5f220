// The send policy's discrete actions: "no email", or campaign c sent at local hour slot h. Action
// 0 is no email; action 1 + c * H + k sends campaign c at send_hours[k] (H = number of slots).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

/// Parameters of the action space (YAML section `action_space`, configs/policy.yaml).
struct ActionSpaceParams {
  /// Local send hours (0..23) the policy chooses among, one slot each. Empty: no hour choice
  /// (the email job's own send time; hour -1), as for Hillstrom, whose log has no send hours.
  std::vector<int> send_hours = {8, 10, 12, 14, 17, 20};
  /// Campaigns the policy may choose, by name; empty: every campaign of the dataset.
  std::vector<std::string> campaigns;
};

class ActionSpace {
 public:
  ActionSpace() = default;
  /// `campaign_names`: the policy's campaigns in action order. `send_hours`: sorted, distinct,
  /// each in 0..23 (empty = one slot with hour -1). Throws tailor::Error otherwise.
  ActionSpace(std::vector<std::string> campaign_names, std::vector<int> send_hours);

  /// The policy's campaigns for a dataset's campaign list: all of them, or the listed ones (an
  /// unknown name is an error naming it).
  static ActionSpace from_params(const ActionSpaceParams& p,
                                 const std::vector<std::string>& dataset_campaigns);

  int size() const { return 1 + campaigns() * slots(); }
  int campaigns() const { return static_cast<int>(campaign_names_.size()); }
  /// Hour slots (1 when there is no hour choice).
  int slots() const { return send_hours_.empty() ? 1 : static_cast<int>(send_hours_.size()); }
  bool has_hours() const { return !send_hours_.empty(); }

  /// Campaign index (into campaign_names) of action a; -1 for no email.
  int campaign_of(int a) const { return a <= 0 ? -1 : (a - 1) / slots(); }
  /// Slot of action a; -1 for no email.
  int slot_of(int a) const { return a <= 0 ? -1 : (a - 1) % slots(); }
  /// Local send hour of action a; -1 for no email or when there is no hour choice.
  int hour_of(int a) const;
  /// The action sending campaign `campaign` at local `hour`; -1 when that (campaign, hour) is
  /// not in the space. campaign -1 is action 0. Without an hour choice any hour (-1 included)
  /// maps to the campaign's one action.
  int action_of(int campaign, int hour) const;
  /// "none", "mens", "new_arrivals 10h" (no "@": outputs are checked for email addresses).
  std::string label(int a) const;

  const std::vector<std::string>& campaign_names() const { return campaign_names_; }
  const std::vector<int>& send_hours() const { return send_hours_; }

 private:
  std::vector<std::string> campaign_names_;
  std::vector<int> send_hours_;
  int hour_slot_[24];  ///< slot of each local hour, -1 if not a send hour
};

}  // namespace tailor
