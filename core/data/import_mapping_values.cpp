// Value parsing for the importer: numbers, booleans, datetimes, and per-row field evaluation.
#include "core/data/import_mapping_values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/common/error.h"

namespace tailor {

namespace {

std::string_view trim_ws(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads between min_digits and max_digits digits at s[*p].
bool read_digits(std::string_view s, size_t* p, int min_digits, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*p < s.size() && n < max_digits && is_digit(s[*p])) {
    v = v * 10 + (s[*p] - '0');
    ++*p;
    ++n;
  }
  *out = v;
  return n >= min_digits;
}

const char* const kMonths[12] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

bool parse_int64(std::string_view s, int64_t* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_bool(std::string_view s, bool* out) {
  static const char* const kTrue[] = {"1", "true", "yes", "t", "y"};
  static const char* const kFalse[] = {"0", "false", "no", "f", "n"};
  for (const char* t : kTrue)
    if (iequals(s, t)) return *out = true, true;
  for (const char* f : kFalse)
    if (iequals(s, f)) return *out = false, true;
  return false;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // H. Hinnant's algorithm (public domain).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string format_utc(int64_t t) {
  if (t == -1) return "";
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  // civil_from_days (H. Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

DatetimeParser::DatetimeParser(const std::string& format) {
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      tokens_.push_back({0, format[i]});
      continue;
    }
    TAILOR_CHECK(i + 1 < format.size(), "datetime format '" << format << "' ends with a lone '%'");
    const char d = format[++i];
    TAILOR_CHECK(std::strchr("YymdHMSIpbBzs%", d) != nullptr,
                 "datetime format '" << format << "': unsupported directive %" << d
                                     << " (supported: %Y %y %m %d %H %M %S %I %p %b %B %z %s %%)");
    if (d == '%')
      tokens_.push_back({0, '%'});
    else
      tokens_.push_back({d, 0});
  }
  TAILOR_CHECK(!tokens_.empty(), "datetime format is empty");
}

bool DatetimeParser::parse(std::string_view s, int64_t* out) const {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, tz_min = 0, v = 0;
  int pm = -1;  // -1: no %p; 0 AM; 1 PM
  bool hour12 = false, epoch = false;
  size_t p = 0;
  for (const Token& t : tokens_) {
    switch (t.directive) {
      case 0:
        if (t.literal == ' ') {  // one or more blanks
          if (p >= s.size() || s[p] != ' ') return false;
          while (p < s.size() && s[p] == ' ') ++p;
        } else {
          if (p >= s.size() || s[p] != t.literal) return false;
          ++p;
        }
        break;
      case 'Y':
        if (!read_digits(s, &p, 4, 4, &year)) return false;
        break;
      case 'y':
        if (!read_digits(s, &p, 2, 2, &v)) return false;
        year = v < 69 ? 2000 + v : 1900 + v;
        break;
      case 'm':
        if (!read_digits(s, &p, 1, 2, &month)) return false;
        break;
      case 'd':
        if (!read_digits(s, &p, 1, 2, &day)) return false;
        break;
      case 'H':
        if (!read_digits(s, &p, 1, 2, &hour)) return false;
        break;
      case 'I':
        if (!read_digits(s, &p, 1, 2, &hour)) return false;
        hour12 = true;
        break;
      case 'M':
        if (!read_digits(s, &p, 1, 2, &minute)) return false;
        break;
      case 'S':
        if (!read_digits(s, &p, 1, 2, &second)) return false;
        break;
      case 'p':
        if (p + 2 > s.size()) return false;
        if (iequals(s.substr(p, 2), "AM"))
          pm = 0;
        else if (iequals(s.substr(p, 2), "PM"))
          pm = 1;
        else
          return false;
        p += 2;
        break;
      case 'b':
      case 'B': {
        size_t q = p;
        while (q < s.size() && ((s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z'))) ++q;
        std::string_view word = s.substr(p, q - p);
        int found = 0;
        for (int k = 0; k < 12 && !found; ++k) {
          std::string_view full = kMonths[k];
          if (iequals(word, full) || (word.size() == 3 && iequals(word, full.substr(0, 3))) ||
              (k == 8 && iequals(word, "sept")))
            found = k + 1;
        }
        if (!found) return false;
        month = found;
        p = q;
        break;
      }
      case 'z': {
        if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
          ++p;
          tz_min = 0;
          break;
        }
        if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
        const int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int64_t hh = 0, mm = 0;
        if (!read_digits(s, &p, 2, 2, &hh)) return false;
        if (p < s.size() && s[p] == ':') ++p;
        if (!read_digits(s, &p, 2, 2, &mm)) return false;
        if (hh > 14 || mm > 59) return false;
        tz_min = sign * (hh * 60 + mm);
        break;
      }
      case 's': {
        size_t q = p;
        if (q < s.size() && s[q] == '-') ++q;
        while (q < s.size() && is_digit(s[q])) ++q;
        if (!parse_int64(s.substr(p, q - p), &v)) return false;
        epoch = true;
        p = q;
        break;
      }
      default:
        return false;
    }
  }
  if (p != s.size()) return false;
  if (epoch) {
    *out = v - tz_min * 60;
    return true;
  }
  if (hour12) {
    if (hour < 1 || hour > 12 || pm < 0) return false;
    hour = hour % 12 + (pm == 1 ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 ||
      day > static_cast<int64_t>(days_in_month(year, static_cast<unsigned>(month))) || hour > 23 ||
      minute > 59 || second > 59)
    return false;
  *out = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second - tz_min * 60;
  return true;
}

FieldReader::FieldReader(const FieldSpec& spec, int column_index, bool trim)
    : spec_(&spec), column_(column_index), trim_(trim) {
  if (spec.type == ValueType::kDatetime) datetime_ = DatetimeParser(spec.format);
}

bool FieldReader::read(const CsvRecord& rec, FieldValue* out, FieldFault* fault) {
  const FieldSpec& sp = *spec_;
  out->present = false;
  std::string_view text;
  switch (sp.source) {
    case SourceKind::kColumn:
      text = rec.fields[static_cast<size_t>(column_)];
      if (trim_) text = trim_ws(text);
      break;
    case SourceKind::kConstant:
      if (!sp.constant) return true;  // null constant: no value
      text = *sp.constant;
      break;
    case SourceKind::kRowNumber:
      row_number_text_ = std::to_string(rec.index);
      text = row_number_text_;
      break;
  }
  if (text.empty()) {
    if (sp.required) {
      fault->reason = "missing_required";
      fault->detail = sp.target + " is required but column '" + sp.column + "' is empty";
      return false;
    }
    return true;
  }
  if (sp.has_map) {
    auto it = sp.value_map.find(std::string(text));
    if (it != sp.value_map.end()) {
      if (!it->second) return true;  // mapped to null: explicitly no value
      text = *it->second;
    } else if (!sp.keep_unmapped) {
      fault->reason = "unmapped_value";
      fault->detail = sp.target + ": value '" + std::string(text) + "' of column '" + sp.column +
                      "' is not in the mapping's value map";
      return false;
    }
    if (text.empty()) return true;
  }
  return convert(text, out, fault);
}

bool FieldReader::convert(std::string_view text, FieldValue* out, FieldFault* fault) {
  const FieldSpec& sp = *spec_;
  auto fail = [&](const char* reason, const std::string& what) {
    // Quote at most 80 bytes, cut on a UTF-8 character boundary.
    size_t n = std::min<size_t>(text.size(), 80);
    while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    fault->reason = reason;
    fault->detail = sp.target + ": cannot parse '" + std::string(text.substr(0, n)) +
                    (n < text.size() ? "..." : "") + "' as " + what;
    return false;
  };
  int64_t i = 0;
  double f = 0;
  bool b = false;
  switch (sp.type) {
    case ValueType::kString:
      out->s = text;
      break;
    case ValueType::kInt:
      if (!parse_int64(text, &i)) return fail("unparsable_number", "an integer");
      break;
    case ValueType::kFloat:
      if (!parse_double(text, &f)) return fail("unparsable_number", "a number");
      break;
    case ValueType::kBool:
      if (!parse_bool(text, &b)) return fail("unparsable_bool", "a boolean (1/0, true/false, yes/no)");
      i = b ? 1 : 0;
      break;
    case ValueType::kDatetime:
      if (have_last_datetime_ && text == last_datetime_text_) {
        i = last_datetime_value_;
      } else {
        if (!datetime_.parse(text, &i))
          return fail("unparsable_date", "a datetime with format '" + sp.format + "'");
        last_datetime_text_.assign(text.data(), text.size());
        last_datetime_value_ = i;
        have_last_datetime_ = true;
      }
      break;
  }
  // Convert to the canonical type (combinations are checked when the mapping is loaded).
  switch (sp.target_type) {
    case ValueType::kString:
      break;
    case ValueType::kInt:
      if (sp.type == ValueType::kFloat) {
        if (!(std::isfinite(f) && f == std::floor(f) && std::fabs(f) < 9.0e15))
          return fail("unparsable_number", "a whole number");
        i = static_cast<int64_t>(f);
      }
      out->i = i;
      break;
    case ValueType::kFloat:
      out->f = sp.type == ValueType::kFloat ? f : static_cast<double>(i);
      break;
    case ValueType::kDatetime:
      out->i = i;
      break;
    case ValueType::kBool:
      out->i = i != 0 ? 1 : 0;
      break;
  }
  out->present = true;
  return true;
}

void validate_field_spec(const FieldSpec& spec, const std::string& source) {
  const std::string where = source + " line " + std::to_string(spec.yaml_line) + ", " + spec.target;
  if (spec.type == ValueType::kDatetime) {
    try {
      DatetimeParser check(spec.format);
    } catch (const Error& e) {
      TAILOR_FAIL(where << ": " << e.what());
    }
  }
  if (spec.source != SourceKind::kConstant || !spec.constant) return;
  // Evaluate the constant once so a bad one fails at load time, not on every row.
  FieldReader reader(spec, -1, true);
  CsvRecord empty;
  FieldValue v;
  FieldFault fault;
  TAILOR_CHECK(reader.read(empty, &v, &fault), where << ": constant '" << *spec.constant
                                                     << "' is not valid: " << fault.detail);
}

}  // namespace tailor
