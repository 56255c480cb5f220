// Civil-time arithmetic (Howard Hinnant's days_from_civil / civil_from_days) and date formats.
#include "core/email/rfc5322_date.h"

#include <cstdio>

#include "core/common/error.h"

namespace tailor {
namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime civil_time(UnixTime t, int offset_min) {
  const int64_t local = t + int64_t(offset_min) * 60;
  const int64_t days = floor_div(local, 86400);
  const int64_t secs = local - days * 86400;
  CivilTime c;
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2));
  return c;
}

std::string format_rfc5322_date(UnixTime t, int offset_min) {
  const CivilTime c = civil_time(t, offset_min);
  const int a = offset_min < 0 ? -offset_min : offset_min;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", kWeekdays[c.weekday],
                c.day, kMonths[c.month - 1], c.year, c.hour, c.minute, c.second,
                offset_min < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

std::string format_iso8601(UnixTime t, int offset_min, bool utc_as_z) {
  const CivilTime c = civil_time(t, offset_min);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day,
                        c.hour, c.minute, c.second);
  if (offset_min == 0 && utc_as_z) {
    std::snprintf(buf + n, sizeof buf - n, "Z");
  } else {
    const int a = offset_min < 0 ? -offset_min : offset_min;
    std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60,
                  a % 60);
  }
  return buf;
}

std::string format_mbox_date(UnixTime t) {
  const CivilTime c = civil_time(t, 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %s %2d %02d:%02d:%02d %04d", kWeekdays[c.weekday],
                kMonths[c.month - 1], c.day, c.hour, c.minute, c.second, c.year);
  return buf;
}

UnixTime parse_iso8601(std::string_view s, std::string_view what) {
  const std::string str(s);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  const auto bad = [&](const char* why) {
    TAILOR_FAIL(what << ": '" << str << "' is not an ISO 8601 time (" << why
                     << "); use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  };
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10)
    bad("no YYYY-MM-DD date");
  size_t pos = 10;
  if (pos < str.size() && (str[pos] == 'T' || str[pos] == ' ')) {
    ++pos;
    int n = 0;
    if (std::sscanf(str.c_str() + pos, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) bad("bad time");
    pos += 5;
    if (pos < str.size() && str[pos] == ':') {
      if (std::sscanf(str.c_str() + pos, ":%2d%n", &sec, &n) != 1 || n != 3) bad("bad seconds");
      pos += 3;
    }
  }
  int offset_min = 0;
  if (pos < str.size()) {
    if (str[pos] == 'Z' && pos + 1 == str.size()) {
      ++pos;
    } else if ((str[pos] == '+' || str[pos] == '-') && str.size() == pos + 6 &&
               str[pos + 3] == ':') {
      int oh = 0, om = 0, n = 0;
      if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
        bad("bad UTC offset");
      offset_min = (str[pos] == '-' ? -1 : 1) * (oh * 60 + om);
      pos = str.size();
    } else {
      bad("trailing characters");
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    bad("field out of range");
  const CivilTime check = civil_time(days_from_civil(y, mo, d) * 86400, 0);
  if (check.day != d || check.month != mo) bad("no such day");
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - int64_t(offset_min) * 60;
}

}  // namespace tailor
