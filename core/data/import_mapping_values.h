// Parsing of single CSV values for the importer: integers, floats, booleans and datetimes with a
// strptime-like format, plus the per-row evaluation of a mapped field (FieldReader).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/import_mapping.h"
#include "core/io/csv_reader.h"

namespace tailor {

/// Whole-string parses (no trailing garbage). Return false when `s` is not a valid value.
bool parse_int64(std::string_view s, int64_t* out);
bool parse_double(std::string_view s, double* out);  ///< also "nan", "inf"
/// 1/0, true/false, yes/no, t/f, y/n (any case).
bool parse_bool(std::string_view s, bool* out);

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/// "YYYY-MM-DD HH:MM:SS" (UTC) of Unix seconds; "" for -1.
std::string format_utc(int64_t t);

/// A compiled datetime format. Directives: %Y (4-digit year), %y (2-digit, 69-99 -> 19xx),
/// %m %d %H %M %S (1 or 2 digits), %I with %p (12-hour clock, AM/PM), %b / %B (English month
/// name or abbreviation, any case), %z (+HHMM, +HH:MM or Z), %s (Unix seconds), %% (a '%').
/// Any other character must match itself. Times without %z are taken as UTC.
class DatetimeParser {
 public:
  DatetimeParser() = default;
  /// Throws tailor::Error for unknown directives.
  explicit DatetimeParser(const std::string& format);
  /// Unix seconds, or false if `s` does not match or names an impossible date/time.
  bool parse(std::string_view s, int64_t* out) const;

 private:
  struct Token {
    char directive;  // 0 = literal
    char literal;
  };
  std::vector<Token> tokens_;
};

/// A parsed value of one field in one row.
struct FieldValue {
  bool present = false;  ///< false: empty cell, null constant or mapped to null
  int64_t i = 0;         ///< kInt, kBool (0/1), kDatetime (Unix seconds)
  double f = 0;          ///< kFloat
  std::string_view s;    ///< kString; valid until the next row
};

/// A row-level fault found while evaluating a field.
struct FieldFault {
  std::string reason;  ///< "missing_required", "unparsable_number", "unparsable_date", ...
  std::string detail;
};

/// Evaluates one FieldSpec on rows: column lookup, trimming, value map, type parse and conversion
/// to the canonical type. Caches the last datetime text (consecutive rows often share it).
class FieldReader {
 public:
  /// `column_index` is the position of spec.column in the record (ignored for other sources).
  FieldReader(const FieldSpec& spec, int column_index, bool trim);
  /// Fills `out`; returns false and fills `fault` when the row must be rejected.
  bool read(const CsvRecord& rec, FieldValue* out, FieldFault* fault);
  const FieldSpec& spec() const { return *spec_; }
  int column_index() const { return column_; }

 private:
  bool convert(std::string_view text, FieldValue* out, FieldFault* fault);

  const FieldSpec* spec_;
  int column_;
  bool trim_;
  DatetimeParser datetime_;
  std::string row_number_text_;
  std::string last_datetime_text_;
  int64_t last_datetime_value_ = 0;
  bool have_last_datetime_ = false;
};

/// Checks a spec on its own (datetime format compiles, constant parses); throws tailor::Error
/// naming `source` and the mapping line.
void validate_field_spec(const FieldSpec& spec, const std::string& source);

}  // namespace tailor
