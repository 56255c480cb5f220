// CsvReader: a byte-level RFC 4180 state machine over big decompressed chunks.
#include "core/io/csv_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/common/error.h"

namespace tailor {

namespace {
constexpr size_t kChunkBytes = size_t(1) << 20;

std::string printable(std::string_view s, size_t max_len = 120) {
  std::string out;
  for (char c : s.substr(0, max_len)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char tmp[8];
      std::snprintf(tmp, sizeof tmp, "\\x%02X", u);
      out += tmp;
    } else {
      out += c;
    }
  }
  if (s.size() > max_len) out += "...";
  return out;
}
}  // namespace

const char* csv_fault_name(CsvFault f) {
  switch (f) {
    case CsvFault::kBrokenUtf8: return "broken_utf8";
    case CsvFault::kBadQuoting: return "bad_quoting";
    case CsvFault::kUnterminatedQuote: return "unterminated_quote";
    default: return "none";
  }
}

bool is_valid_utf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        if (bad_offset) *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

std::string csv_escape(std::string_view s, char delimiter, char quote) {
  bool needs = false;
  for (char c : s) {
    if (c == delimiter || c == quote || c == '\n' || c == '\r') {
      needs = true;
      break;
    }
  }
  if (!needs) return std::string(s);
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (char c : s) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

CsvReader::CsvReader(const std::string& path, CsvOptions options)
    : path_(path), opt_(options), in_(path, kChunkBytes), buf_(kChunkBytes) {
  TAILOR_CHECK(opt_.delimiter != '\n' && opt_.delimiter != '\r' && opt_.delimiter != '\0',
               "CSV delimiter must be a visible character or a tab");
  TAILOR_CHECK(opt_.quote != opt_.delimiter, "CSV quote and delimiter must differ");
  special_[static_cast<unsigned char>(opt_.delimiter)] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[static_cast<unsigned char>('\r')] = true;
  // Drop a UTF-8 byte-order mark.
  if (fill() && end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  CsvRecord first;
  if (!parse_record(first)) {
    TAILOR_CHECK(!opt_.header, "'" << path_ << "' is empty: expected a header line");
    return;
  }
  if (opt_.header) {
    TAILOR_CHECK(first.fault == CsvFault::kNone,
                 "'" << path_ << "', header line " << first.line << ": " << first.fault_detail);
    header_.assign(first.fields.begin(), first.fields.end());
    records_ = 0;
  } else {
    peeked_ = first;
    peeked_fields_ = fields_;
    peeked_raw_ = raw_;
    have_peeked_ = true;
  }
}

bool CsvReader::fill() {
  if (eof_) return false;
  pos_ = 0;
  end_ = in_.read(buf_.data(), buf_.size());
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

void CsvReader::end_field() { field_ends_.push_back(fields_.size()); }

bool CsvReader::next(CsvRecord& rec) {
  if (have_peeked_) {
    have_peeked_ = false;
    rec = peeked_;
    // Re-point the views at the peeked copies.
    size_t start = 0;
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      size_t len = peeked_.fields[i].size();
      rec.fields[i] = std::string_view(peeked_fields_).substr(start, len);
      start += len;
    }
    rec.raw = peeked_raw_;
    return true;
  }
  return parse_record(rec);
}

bool CsvReader::parse_record(CsvRecord& rec) {
  const char delim = opt_.delimiter;
  const int quote = opt_.quote == '\0' ? -1 : static_cast<unsigned char>(opt_.quote);
  const bool* special = special_;

  for (;;) {  // loops only over blank lines
    if (pending_cr_) {  // the LF of a CRLF that straddled two chunks
      if (pos_ == end_) fill();
      if (pos_ < end_ && buf_[pos_] == '\n') ++pos_;
      pending_cr_ = false;
    }
    fields_.clear();
    field_ends_.clear();
    raw_.clear();
    rec.fault = CsvFault::kNone;
    rec.fault_field = -1;
    rec.fault_detail.clear();
    rec.line = line_;
    const int64_t start_line = line_;

    enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
    State state = kFieldStart;
    size_t raw_start = pos_;
    bool consumed_any = false, terminated = false;

    while (!terminated) {
      if (pos_ == end_) {
        raw_.append(buf_.data() + raw_start, end_ - raw_start);
        if (!fill()) break;
        raw_start = 0;
      }
      consumed_any = true;
      const char* b = buf_.data();
      switch (state) {
        case kFieldStart:
          if (static_cast<unsigned char>(b[pos_]) == quote) {
            ++pos_;
            state = kQuoted;
            break;
          }
          state = kUnquoted;
          [[fallthrough]];
        case kUnquoted: {
          size_t p = pos_;
          while (p < end_ && !special[static_cast<unsigned char>(b[p])]) ++p;
          fields_.append(b + pos_, p - pos_);
          pos_ = p;
          if (p == end_) break;
          const char c = b[p];
          ++pos_;
          end_field();
          if (c == delim) {
            state = kFieldStart;
          } else {  // CR or LF ends the record
            raw_.append(b + raw_start, p - raw_start);
            ++line_;
            if (c == '\r') {
              if (pos_ == end_) {
                pending_cr_ = true;
              } else if (b[pos_] == '\n') {
                ++pos_;
              }
            }
            terminated = true;
          }
          break;
        }
        case kQuoted: {
          const char* q = static_cast<const char*>(
              std::memchr(b + pos_, quote, end_ - pos_));
          size_t p = q ? static_cast<size_t>(q - b) : end_;
          line_ += std::count(b + pos_, b + p, '\n');
          fields_.append(b + pos_, p - pos_);
          pos_ = p;
          if (q) {
            ++pos_;
            state = kQuoteInQuoted;
          }
          break;
        }
        case kQuoteInQuoted: {
          const char c = b[pos_];
          if (static_cast<unsigned char>(c) == quote) {  // "" inside quotes
            fields_ += c;
            ++pos_;
            state = kQuoted;
          } else if (c == delim || c == '\n' || c == '\r') {
            state = kUnquoted;  // the unquoted scan ends the field at once
          } else {
            if (rec.fault == CsvFault::kNone) {
              rec.fault = CsvFault::kBadQuoting;
              rec.fault_field = static_cast<int>(field_ends_.size());
              rec.fault_detail = std::string("unexpected character '") + printable(std::string_view(&c, 1)) +
                                 "' after the closing quote of field " +
                                 std::to_string(field_ends_.size() + 1);
            }
            state = kUnquoted;
          }
          break;
        }
      }
    }
    if (!terminated) {  // end of file
      if (!consumed_any && field_ends_.empty()) return false;
      if (state == kQuoted && rec.fault == CsvFault::kNone) {
        rec.fault = CsvFault::kUnterminatedQuote;
        rec.fault_field = static_cast<int>(field_ends_.size());
        rec.fault_detail = "quoted field " + std::to_string(field_ends_.size() + 1) +
                           " opened on line " + std::to_string(start_line) +
                           " is never closed (the file ends inside it)";
      }
      end_field();
    }
    // A blank line is one empty unquoted field with no raw bytes: skip it.
    if (raw_.empty() && field_ends_.size() == 1 && fields_.empty()) {
      ++blank_lines_;
      continue;
    }
    break;
  }

  rec.fields.resize(field_ends_.size());
  size_t start = 0;
  for (size_t i = 0; i < field_ends_.size(); ++i) {
    rec.fields[i] = std::string_view(fields_).substr(start, field_ends_[i] - start);
    start = field_ends_[i];
  }
  rec.raw = raw_;
  rec.index = ++records_;
  if (opt_.validate_utf8 && rec.fault == CsvFault::kNone) check_utf8(rec);
  return true;
}

void CsvReader::check_utf8(CsvRecord& rec) const {
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    size_t bad = 0;
    if (!is_valid_utf8(rec.fields[i], &bad)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(rec.fields[i][bad]));
      rec.fault = CsvFault::kBrokenUtf8;
      rec.fault_field = static_cast<int>(i);
      rec.fault_detail = "field " + std::to_string(i + 1) + " is not valid UTF-8 (byte " + hex +
                         " at offset " + std::to_string(bad) + ")";
      return;
    }
  }
}

std::vector<int> CsvReader::column_indices(const std::vector<std::string>& names,
                                           const std::string& who) {
  std::vector<std::string> cols = header_;
  if (!opt_.header) {
    size_t n = have_peeked_ ? peeked_.fields.size() : 0;
    for (size_t i = 0; i < n; ++i) cols.push_back(std::to_string(i + 1));
  }
  std::string expected;
  for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
  if (cols.size() == 1 && names.size() > 1) {
    std::string first = cols.empty() ? "" : cols[0];
    std::string hint;
    for (char c : {';', '\t', '|', ','}) {
      if (c != opt_.delimiter && first.find(c) != std::string::npos) {
        hint = std::string(" The header contains ") + (c == '\t' ? "tabs" : std::string("'") + c + "'") +
               ": set format.delimiter to that.";
        break;
      }
    }
    TAILOR_FAIL("'" << path_ << "': the header has a single column ('" << printable(first)
                    << "') but " << who << " expects " << names.size() << " columns (" << expected
                    << ") separated by '" << printable(std::string(1, opt_.delimiter))
                    << "': wrong delimiter?" << hint);
  }
  std::vector<int> idx;
  for (const auto& n : names) {
    auto it = std::find(cols.begin(), cols.end(), n);
    if (it == cols.end()) {
      std::string have;
      for (const auto& c : cols) have += (have.empty() ? "" : ", ") + printable(c, 60);
      TAILOR_FAIL("'" << path_ << "': column '" << n << "' required by " << who
                      << " is not in the header (columns: " << have << ")");
    }
    TAILOR_CHECK(std::count(cols.begin(), cols.end(), n) == 1,
                 "'" << path_ << "': column '" << n << "' (used by " << who
                     << ") appears more than once in the header");
    idx.push_back(static_cast<int>(it - cols.begin()));
  }
  return idx;
}

}  // namespace tailor
