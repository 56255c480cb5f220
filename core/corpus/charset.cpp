// Charset conversion to UTF-8 (built-in single-byte tables, iconv for the rest).
#include "core/corpus/charset.h"

#include <iconv.h>

#include <cerrno>
#include <vector>

#include "core/corpus/text_normalize.h"
#include "core/io/csv_reader.h"

namespace tailor {
namespace {

/// windows-1252 0x80..0x9F (0 = undefined -> the C1 control of the same value).
const uint16_t kCp1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string decode_cp1252(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0xA0) {
      const uint16_t cp = kCp1252High[c - 0x80];
      append_utf8(out, cp ? cp : c);
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

std::string canonical_charset(std::string_view label) {
  std::string s;
  for (char c : label) {
    if (c == '"' || c == '\'' || c == ' ' || c == '\t') continue;
    s.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  for (char& c : s)
    if (c == '_') c = '-';
  if (s.empty() || s == "default" || s == "default-charset" || s == "unknown-8bit" ||
      s == "x-unknown" || s == "unknown" || s == "x-user-defined")
    return "";
  if (s == "us-ascii" || s == "ascii" || s == "ansi-x3.4-1968" || s == "iso646-us")
    return "us-ascii";
  if (s == "utf-8" || s == "utf8") return "utf-8";
  if (s == "iso-8859-1" || s == "iso8859-1" || s == "latin1" || s == "latin-1" || s == "l1" ||
      s == "iso-8859-1:1987" || s == "cp819" || s == "iso-ir-100")
    return "iso-8859-1";
  if (s == "windows-1252" || s == "cp1252" || s == "x-cp1252") return "windows-1252";
  if (s == "chinesebig5" || s == "big-5" || s == "x-x-big5") return "big5";
  if (s == "gb2312-charset" || s == "x-gbk") return s == "x-gbk" ? "gbk" : "gb2312";
  if (s == "ks-c-5601-1987" || s == "ks-c-5601" || s == "ksc5601") return "cp949";
  if (s == "x-sjis" || s == "shift-jis" || s == "sjis") return "shift_jis";
  if (s == "x-mac-roman" || s == "macintosh") return "macintosh";
  return s;
}

bool convert_to_utf8(std::string_view bytes, const std::string& charset, std::string* out,
                     std::string* reason, std::string* detail) {
  const std::string cs = canonical_charset(charset);
  // 7-bit encodings (escape sequences in ASCII bytes) and UTF-16/32 are never "just ASCII".
  const bool seven_bit_encoding = cs.rfind("iso-2022", 0) == 0 || cs == "utf-7" ||
                                  cs.rfind("hz", 0) == 0 || cs.rfind("utf-16", 0) == 0 ||
                                  cs.rfind("utf-32", 0) == 0;
  if (is_ascii(bytes) && !seven_bit_encoding) {
    out->assign(bytes);
    return true;
  }
  if (cs.empty() || cs == "us-ascii") {
    if (is_valid_utf8(bytes)) {
      out->assign(bytes);
    } else {
      *out = decode_cp1252(bytes);
    }
    return true;
  }
  if (cs == "utf-8") {
    size_t bad = 0;
    if (!is_valid_utf8(bytes, &bad)) {
      *reason = "undecodable_text";
      *detail = "invalid UTF-8 at byte " + std::to_string(bad) + " of a utf-8 part";
      return false;
    }
    out->assign(bytes);
    return true;
  }
  if (cs == "iso-8859-1" || cs == "windows-1252") {
    *out = decode_cp1252(bytes);
    return true;
  }
  iconv_t cd = iconv_open("UTF-8", cs.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    *reason = "unknown_charset";
    *detail = "charset '" + std::string(charset) + "' is not known to iconv";
    return false;
  }
  std::string result;
  std::vector<char> buf(4096);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  bool ok = true;
  while (in_left > 0) {
    char* o = buf.data();
    size_t o_left = buf.size();
    const size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    result.append(buf.data(), buf.size() - o_left);
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      ok = false;
      *reason = "undecodable_text";
      *detail = std::string(errno == EILSEQ ? "invalid" : "incomplete") + " " + cs +
                " sequence at byte " + std::to_string(bytes.size() - in_left);
      break;
    }
  }
  if (ok) {  // flush shift state (iso-2022-jp)
    char* o = buf.data();
    size_t o_left = buf.size();
    iconv(cd, nullptr, nullptr, &o, &o_left);
    result.append(buf.data(), buf.size() - o_left);
  }
  iconv_close(cd);
  if (!ok) return false;
  if (!is_valid_utf8(result)) {
    *reason = "undecodable_text";
    *detail = "iconv produced invalid UTF-8 from " + cs;
    return false;
  }
  *out = std::move(result);
  return true;
}

}  // namespace tailor
