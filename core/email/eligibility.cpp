// Eligibility checks of the email job and send-time scheduling around quiet hours.
#include "core/email/eligibility.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "core/common/error.h"
#include "core/email/email_address.h"
#include "core/email/sha256.h"

namespace tailor {
namespace {

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string_view trim_view(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return s.substr(b, e - b);
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void bind_eligibility_params(ParamSet& ps, EligibilityParams& p) {
  ps.add("suppression_list", &p.suppression_list,
         "suppression-list file: addresses or SHA-256 hex of normalised addresses (empty = none)");
  ps.add("frequency_cap_emails", &p.frequency_cap_emails,
         "at most this many emails in the last frequency_cap_days days (0 = no cap)");
  ps.add("frequency_cap_days", &p.frequency_cap_days, "window of the frequency cap (days)");
  ps.add("quiet_hours_start", &p.quiet_hours_start, "local hour quiet hours start (0-23)");
  ps.add("quiet_hours_end", &p.quiet_hours_end, "local hour quiet hours end (0-23; = start: none)");
  ps.add("quiet_hours_action", &p.quiet_hours_action,
         "send hour in quiet hours: defer (to quiet_hours_end) or skip");
  ps.add("default_send_hour", &p.default_send_hour, "local send hour when the policy names none");
}

void check_eligibility_params(const EligibilityParams& p) {
  TAILOR_CHECK(p.frequency_cap_emails >= 0,
               "eligibility.frequency_cap_emails must be >= 0, got " << p.frequency_cap_emails);
  TAILOR_CHECK(p.frequency_cap_days >= 1 && p.frequency_cap_days <= 3650,
               "eligibility.frequency_cap_days must be in [1, 3650], got " << p.frequency_cap_days);
  for (const auto& [v, name] : {std::pair{p.quiet_hours_start, "quiet_hours_start"},
                                std::pair{p.quiet_hours_end, "quiet_hours_end"},
                                std::pair{p.default_send_hour, "default_send_hour"}})
    TAILOR_CHECK(v >= 0 && v <= 23, "eligibility." << name << " must be in [0, 23], got " << v);
  TAILOR_CHECK(
      p.quiet_hours_action == "defer" || p.quiet_hours_action == "skip",
      "eligibility.quiet_hours_action must be defer or skip, got '" << p.quiet_hours_action << "'");
}

SuppressionList SuppressionList::load(const std::string& path) {
  SuppressionList s;
  s.sha256_ = sha256_file_hex(path);
  std::ifstream in(path, std::ios::binary);
  TAILOR_CHECK(in.good(), "cannot read suppression list '" << path << "'");
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    const size_t hash = line.find('#');
    std::string_view entry = trim_view(std::string_view(line).substr(0, hash));
    if (entry.empty()) continue;
    const std::string norm = normalize_email_address(entry);
    if (is_hex64(norm) && norm.find('@') == std::string::npos) {
      s.hashed_.insert(norm);
    } else {
      TAILOR_CHECK(is_valid_email_address(norm),
                   path << ":" << n
                        << ": neither an address nor a SHA-256 hex digest (64 "
                           "hex digits) of one");
      s.plain_.insert(norm);
    }
  }
  return s;
}

bool SuppressionList::contains(const std::string& normalized) const {
  if (plain_.count(normalized)) return true;
  return !hashed_.empty() && hashed_.count(sha256_hex(normalized)) > 0;
}

EligibilityChecker::EligibilityChecker(const Dataset& ds, const EligibilityParams& p, UnixTime now,
                                       const SuppressionList* list)
    : ds_(ds), p_(p), now_(now) {
  check_eligibility_params(p);
  const CustomerTable& ct = ds.customers;
  const size_t n = ct.size();
  TAILOR_CHECK(ct.email.size() == n && ct.consent.size() == n && ct.unsubscribed.size() == n &&
                   ct.suppressed.size() == n && ct.tz_offset_min.size() == n,
               "dataset: customer columns have different lengths");
  window_emails_.assign(n, 0);
  log_unsubscribed_.assign(n, 0);
  const EmailLogTable& log = ds.email_log;
  const UnixTime window_start = now - int64_t(p.frequency_cap_days) * 86400;
  for (size_t r = 0; r < log.size(); ++r) {
    const int64_t c = log.customer[r];
    if (c < 0 || static_cast<size_t>(c) >= n) continue;
    if (log.campaign[r] >= 0 && log.time[r] >= window_start) ++window_emails_[c];
    if (r < log.unsubscribed.size() && log.unsubscribed[r]) log_unsubscribed_[c] = 1;
  }

  // Address checks. Groups of customers sharing a normalised address: the group is blocked when
  // any member unsubscribed or is suppressed; otherwise its first consenting row is the one
  // emailed and the others are duplicates.
  address_reason_.assign(n, static_cast<uint8_t>(SkipReason::kNone));
  std::vector<std::pair<uint64_t, int64_t>> keyed;
  keyed.reserve(n);
  for (size_t c = 0; c < n; ++c) {
    const std::string_view a = trim_view(ct.email[c]);
    if (!is_valid_email_address(a)) {
      address_reason_[c] = static_cast<uint8_t>(SkipReason::kInvalidAddress);
      continue;
    }
    const std::string norm = normalize_email_address(a);
    if (list && list->contains(norm)) {
      address_reason_[c] = static_cast<uint8_t>(SkipReason::kSuppressionList);
      continue;
    }
    keyed.emplace_back(fnv1a64(norm), static_cast<int64_t>(c));
  }
  std::sort(keyed.begin(), keyed.end());
  const auto barred = [&](int64_t c) {
    return ct.unsubscribed[c] || log_unsubscribed_[c] || ct.suppressed[c];
  };
  for (size_t a = 0; a < keyed.size();) {
    size_t b = a + 1;
    while (b < keyed.size() && keyed[b].first == keyed[a].first) ++b;
    if (b - a > 1) {
      // Same hash: group by the actual address (a collision must not merge two people).
      std::map<std::string, std::vector<int64_t>> groups;
      for (size_t k = a; k < b; ++k)
        groups[normalize_email_address(trim_view(ct.email[keyed[k].second]))].push_back(
            keyed[k].second);
      for (const auto& [addr, rows] : groups) {
        bool blocked = false;
        int64_t first = -1;
        for (int64_t c : rows) {  // rows ascend: keyed is sorted by (hash, row)
          blocked = blocked || barred(c);
          if (first < 0 && ct.consent[c]) first = c;
        }
        for (int64_t c : rows) {
          if (blocked)
            address_reason_[c] = static_cast<uint8_t>(SkipReason::kAddressBlocked);
          else if (c != first)
            address_reason_[c] = static_cast<uint8_t>(SkipReason::kDuplicateAddress);
        }
      }
    }
    a = b;
  }
}

SkipReason EligibilityChecker::check(int64_t c) const {
  const CustomerTable& ct = ds_.customers;
  if (!ct.consent[c]) return SkipReason::kNoConsent;
  if (ct.unsubscribed[c] || log_unsubscribed_[c]) return SkipReason::kUnsubscribed;
  if (ct.suppressed[c]) return SkipReason::kSuppressed;
  if (address_reason_[c] != static_cast<uint8_t>(SkipReason::kNone))
    return static_cast<SkipReason>(address_reason_[c]);
  if (ct.external_id[c].find('@') != std::string::npos) return SkipReason::kCustomerIdNotOpaque;
  if (p_.frequency_cap_emails > 0 && window_emails_[c] >= p_.frequency_cap_emails)
    return SkipReason::kFrequencyCap;
  return SkipReason::kNone;
}

bool EligibilityChecker::in_quiet_hours(int h) const {
  const int s = p_.quiet_hours_start, e = p_.quiet_hours_end;
  if (s == e) return false;
  return s < e ? (h >= s && h < e) : (h >= s || h < e);
}

SendSchedule EligibilityChecker::schedule(int64_t c, int hour) const {
  SendSchedule out;
  out.tz_offset_min = ds_.customers.tz_offset_min[c];
  if (hour < 0) hour = p_.default_send_hour;
  TAILOR_CHECK(hour <= 23, "send hour " << hour << " out of range");
  const int64_t offset_s = int64_t(out.tz_offset_min) * 60;
  const auto next_at_or_after = [](int64_t local_t, int h) {
    const int64_t day = (local_t >= 0 ? local_t / 86400 : (local_t - 86399) / 86400) * 86400;
    int64_t t = day + int64_t(h) * 3600;
    if (t < local_t) t += 86400;
    return t;
  };
  int64_t local = next_at_or_after(now_ + offset_s, hour);
  if (in_quiet_hours(hour)) {
    if (p_.quiet_hours_action == "skip") {
      out.ok = false;
      return out;
    }
    local = next_at_or_after(local, p_.quiet_hours_end);
    out.deferred = true;
  }
  out.send_at = local - offset_s;
  return out;
}

std::string_view EligibilityChecker::address(int64_t c) const {
  return trim_view(ds_.customers.email[c]);
}

}  // namespace tailor
