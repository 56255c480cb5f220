// Who may be emailed in a run, checked by the job itself whatever the policy's masks say:
// consent, unsubscribes (dataset flag or email log), suppression (flag and an optional list file),
// usable and unique addresses, a frequency cap from the email log, and quiet hours in the
// customer's time zone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/config/param_set.h"
#include "core/data/dataset.h"
#include "core/email/skip_reasons.h"

namespace tailor {

/// Every parameter of the eligibility checks (configs/email.yaml, section `eligibility`).
struct EligibilityParams {
  /// Suppression-list file ("" = none): one entry per line, either an address or the lower-case
  /// hex SHA-256 of the normalised (trimmed, lower-cased) address; '#' starts a comment.
  std::string suppression_list = "";
  /// At most this many emails (email_log rows with a campaign) in the last frequency_cap_days
  /// days before the run; 0 = no cap.
  int frequency_cap_emails = 3;
  /// Window of the frequency cap in days.
  int frequency_cap_days = 7;
  /// Quiet hours in the customer's local time: from quiet_hours_start:00 to quiet_hours_end:00
  /// (may wrap midnight); start == end = none.
  int quiet_hours_start = 21;
  int quiet_hours_end = 8;
  /// A send hour in quiet hours: "defer" (to quiet_hours_end:00) or "skip" (reason quiet_hours).
  std::string quiet_hours_action = "defer";
  /// Local hour used when the policy names none (decision hour -1).
  int default_send_hour = 10;
};

void bind_eligibility_params(ParamSet& ps, EligibilityParams& p);
void check_eligibility_params(const EligibilityParams& p);

/// A suppression list of addresses and address hashes.
class SuppressionList {
 public:
  SuppressionList() = default;
  /// Reads `path`; a line that is neither a valid address nor 64 hex digits is an error naming
  /// the file and line.
  static SuppressionList load(const std::string& path);
  /// `normalized`: normalize_email_address() of the address.
  bool contains(const std::string& normalized) const;
  size_t size() const { return plain_.size() + hashed_.size(); }
  bool has_hashes() const { return !hashed_.empty(); }
  const std::string& file_sha256() const { return sha256_; }

 private:
  std::unordered_set<std::string> plain_, hashed_;
  std::string sha256_;
};

/// When an email goes out.
struct SendSchedule {
  bool ok = true;        ///< false: skipped (quiet hours, action skip)
  UnixTime send_at = 0;  ///< UTC
  int16_t tz_offset_min = 0;
  bool deferred = false;  ///< moved out of quiet hours
};

/// Per-run eligibility state, computed once from the whole dataset (so that duplicates and the
/// cap are the same whichever shard asks).
class EligibilityChecker {
 public:
  /// `list` may be null (no suppression list). O(customers + email log + customers log customers).
  EligibilityChecker(const Dataset& ds, const EligibilityParams& p, UnixTime now,
                     const SuppressionList* list);
  /// The first reason (kNoConsent .. kFrequencyCap) that bars `customer`, or kNone.
  SkipReason check(int64_t customer) const;
  /// Emails in the cap window (audit).
  int emails_in_window(int64_t customer) const { return window_emails_[customer]; }
  /// Whether an unsubscribe was logged in the email log (audit: consent basis).
  bool unsubscribed_in_log(int64_t customer) const { return log_unsubscribed_[customer] != 0; }
  /// The send time for local hour `hour` (-1 = default_send_hour): its next occurrence at or
  /// after the run time, then quiet hours applied.
  SendSchedule schedule(int64_t customer, int hour) const;
  bool in_quiet_hours(int local_hour) const;
  /// The trimmed address the email goes to.
  std::string_view address(int64_t customer) const;

 private:
  const Dataset& ds_;
  EligibilityParams p_;
  UnixTime now_;
  std::vector<int32_t> window_emails_;
  std::vector<uint8_t> log_unsubscribed_;
  std::vector<uint8_t> address_reason_;  ///< SkipReason of the address checks, per customer
};

}  // namespace tailor
