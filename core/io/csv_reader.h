// RFC 4180 CSV parser over LineReader (plain, .gz, .xz): quoted fields with embedded delimiters,
// quotes and newlines, LF / CRLF / CR line ends, per-record physical line numbers, UTF-8 checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/line_reader.h"

namespace tailor {

struct CsvOptions {
  char delimiter = ',';     ///< field separator
  char quote = '"';         ///< quote character; '\0' = fields are never quoted
  bool header = true;       ///< first record holds the column names
  bool validate_utf8 = true;  ///< check every field; a broken field is a record fault
};

/// A row-level problem found while parsing; the record is still returned (with its raw text).
enum class CsvFault { kNone, kBrokenUtf8, kBadQuoting, kUnterminatedQuote };

/// Stable name of a fault, used as the reason code in rejects files: "broken_utf8", ...
const char* csv_fault_name(CsvFault f);

/// One record. The views stay valid until the next call to CsvReader::next.
struct CsvRecord {
  int64_t line = 0;   ///< physical line (1-based) where the record starts
  int64_t index = 0;  ///< 1-based number of the data record (header and blank lines excluded)
  std::vector<std::string_view> fields;  ///< unquoted field contents
  std::string_view raw;                  ///< the record's bytes as in the file, no line terminator
  CsvFault fault = CsvFault::kNone;
  int fault_field = -1;      ///< 0-based field of the fault, -1 if not field-specific
  std::string fault_detail;  ///< human-readable description

  size_t size() const { return fields.size(); }
  std::string_view operator[](size_t i) const { return fields[i]; }
};

/// Streams records from a CSV file. Blank lines are skipped (and counted). A UTF-8 byte-order
/// mark at the start is dropped. Problems of the file as a whole (unreadable, empty, broken header)
/// throw tailor::Error naming the file; problems of one record are reported in CsvRecord::fault.
class CsvReader {
 public:
  CsvReader(const std::string& path, CsvOptions options = {});

  /// Column names (empty when options.header is false).
  const std::vector<std::string>& header() const { return header_; }
  /// Reads the next data record; false at end of file.
  bool next(CsvRecord& rec);

  /// Index of each named column in the header. Throws a clear error naming the file when a column
  /// is missing, and says the delimiter is probably wrong when the header has a single column
  /// while several are expected. `who` names the requester in messages (e.g. "mapping 'x.yaml'").
  /// Without a header, columns are named "1", "2", ... by position (first record decides count).
  std::vector<int> column_indices(const std::vector<std::string>& names, const std::string& who);

  /// Number of columns: the header's, or without a header the first record's.
  size_t column_count() const { return opt_.header ? header_.size() : peeked_.fields.size(); }
  const std::string& path() const { return path_; }
  int64_t blank_lines() const { return blank_lines_; }
  int64_t records_read() const { return records_; }
  const LineReader& input() const { return in_; }

 private:
  bool parse_record(CsvRecord& rec);
  bool fill();
  void end_field();
  void check_utf8(CsvRecord& rec) const;

  std::string path_;
  CsvOptions opt_;
  LineReader in_;
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false, pending_cr_ = false;
  bool special_[256] = {};  // bytes that end an unquoted field
  int64_t line_ = 1, records_ = 0, blank_lines_ = 0;
  std::vector<std::string> header_;
  std::string fields_;               // contents of the current record's fields, back to back
  std::vector<size_t> field_ends_;   // end offset of each field in fields_
  std::string raw_;                  // the current record's raw bytes
  bool have_peeked_ = false;         // header: false -> first record kept for next()
  CsvRecord peeked_;
  std::string peeked_fields_, peeked_raw_;
};

/// Returns true if `s` is valid UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
/// On failure `*bad_offset` is the offset of the first invalid byte.
bool is_valid_utf8(std::string_view s, size_t* bad_offset = nullptr);

/// Quotes `s` for a CSV field when it contains the delimiter, a quote, CR or LF.
std::string csv_escape(std::string_view s, char delimiter = ',', char quote = '"');

}  // namespace tailor
