// Calendar conversions for the email job: RFC 5322 Date headers, ISO 8601 times in the manifest,
// mbox "From " line dates, and parsing the run time given in a config.
#pragma once

#include <string>
#include <string_view>

#include "core/data/dataset.h"

namespace tailor {

/// Broken-down civil time (proleptic Gregorian).
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int weekday = 4;  ///< 0 = Sunday
};

/// `t` seconds after the epoch, shifted by `offset_min` minutes (local time when the offset is
/// the customer's UTC offset).
CivilTime civil_time(UnixTime t, int offset_min = 0);

/// "Sat, 01 Jun 2024 10:00:00 +0200": the instant `t` shown at UTC offset `offset_min`.
std::string format_rfc5322_date(UnixTime t, int offset_min);

/// "2024-06-01T10:00:00+02:00" ("Z" for offset 0 when `utc_as_z`).
std::string format_iso8601(UnixTime t, int offset_min, bool utc_as_z = true);

/// asctime-style "Sat Jun  1 08:00:00 2024" (UTC) for mbox "From " lines.
std::string format_mbox_date(UnixTime t);

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or "+HH:MM"/"-HH:MM" (a date or a
/// time without zone is UTC). Throws tailor::Error naming `what` when malformed.
UnixTime parse_iso8601(std::string_view s, std::string_view what);

/// Days since 1970-01-01 of a civil date.
int64_t days_from_civil(int y, int m, int d);

}  // namespace tailor
