// Why a customer of a run gets no email: every customer ends with exactly one outcome, either
// an email or the first of these reasons that applies (docs/email.md lists the order).
#pragma once

#include <array>
#include <cstdint>

namespace tailor {

enum class SkipReason : uint8_t {
  kNone = 0,             ///< an email was written
  kNoConsent,            ///< customers.consent == 0
  kUnsubscribed,         ///< customers.unsubscribed, or an unsubscribe in the email log
  kSuppressed,           ///< customers.suppressed
  kInvalidAddress,       ///< empty or unusable address
  kSuppressionList,      ///< the address is on the configured suppression list
  kAddressBlocked,       ///< another customer with the same address unsubscribed / is suppressed
  kDuplicateAddress,     ///< an earlier customer row has the same address
  kCustomerIdNotOpaque,  ///< the external id looks like an address (it goes into links)
  kFrequencyCap,         ///< cap of emails in the last N days reached
  kPolicyNoEmail,        ///< the policy chose not to send
  kNoProducts,           ///< the campaign requires products and there is none to show
  kQuietHours,           ///< the send hour falls in quiet hours (quiet_hours_action: skip)
  kCopyUnknownSlot,      ///< the draft has an unknown slot (and no usable fallback)
  kCopyUnfillableSlot,   ///< the draft has a slot without value (and no usable fallback)
  kCopySpamScore,        ///< the draft's spam score is above the limit (and no usable fallback)
  kCopyEmpty,            ///< the draft's subject or body is empty (and no usable fallback)
  kCount
};

/// lower_snake_case name of a reason ("invalid_address" ...).
inline const char* skip_reason_name(SkipReason r) {
  static constexpr const char* kNames[] = {"none",
                                           "no_consent",
                                           "unsubscribed",
                                           "suppressed",
                                           "invalid_address",
                                           "suppression_list",
                                           "address_blocked",
                                           "duplicate_address",
                                           "customer_id_not_opaque",
                                           "frequency_cap",
                                           "policy_no_email",
                                           "no_products",
                                           "quiet_hours",
                                           "copy_unknown_slot",
                                           "copy_unfillable_slot",
                                           "copy_spam_score",
                                           "copy_empty"};
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(SkipReason::kCount));
  return kNames[static_cast<int>(r)];
}

using SkipCounts = std::array<int64_t, static_cast<size_t>(SkipReason::kCount)>;

}  // namespace tailor
