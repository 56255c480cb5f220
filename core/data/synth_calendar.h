// Proleptic Gregorian calendar helpers for the synthetic shop (days since 1970-01-01, UTC).
#pragma once

#include <cstdint>
#include <string>

namespace tailor {

/// Days since 1970-01-01 of y-m-d (Howard Hinnant's days_from_civil).
inline int64_t synth_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct SynthCivilDate {
  int64_t year;
  int month;  ///< 1..12
  int day;    ///< 1..31
};

/// Inverse of synth_days_from_civil.
inline SynthCivilDate synth_civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

inline bool synth_is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int synth_days_in_month(int64_t y, int m) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && synth_is_leap(y) ? 29 : kDays[m - 1];
}

/// Parses YYYY-MM-DD into days since 1970-01-01; returns false when malformed or invalid.
inline bool synth_parse_date(const std::string& s, int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int64_t y = std::stoll(s.substr(0, 4));
  const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1 || d > synth_days_in_month(y, m)) return false;
  *days = synth_days_from_civil(y, m, d);
  return true;
}

}  // namespace tailor
