// Quoted-printable, base64, RFC 2047 encoded-words and header folding.
#include "core/email/mime_encoding.h"

#include "core/common/error.h"

namespace tailor {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

/// Bytes written literally by quoted-printable (before the end-of-line and line-start rules).
struct QpLiteralTable {
  bool literal[256] = {};
  QpLiteralTable() {
    for (int c = 33; c <= 126; ++c) literal[c] = c != '=';
    literal[' '] = literal['\t'] = true;
  }
};
const QpLiteralTable kQpLiteral;

/// One hard line (no LF) as quoted-printable with soft breaks; appends the final CRLF. Literal
/// unless: '=' or not printable, white space ending the line, or a line start "From " (mbox) or
/// "." (SMTP dot-stuffing).
void append_qp_line(std::string& out, std::string_view line) {
  // Worst case: 3 bytes per input byte and a soft break per 24 input bytes.
  const size_t start = out.size();
  out.resize(start + 3 * line.size() + 3 * (line.size() / 20 + 1) + 2);
  char* o = out.data() + start;
  size_t col = 0;
  const size_t n = line.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == n;
    bool literal = kQpLiteral.literal[c] && !(last && (c == ' ' || c == '\t'));
    const auto guarded = [&] { return c == '.' || (c == 'F' && line.substr(i, 5) == "From "); };
    if (col == 0 && literal && guarded()) literal = false;
    // A soft break needs one column for '='; the line's last token may use all 76.
    const size_t limit = last ? kQuotedPrintableLineLimit : kQuotedPrintableLineLimit - 1;
    if (col + (literal ? 1 : 3) > limit) {
      *o++ = '=';
      *o++ = '\r';
      *o++ = '\n';
      col = 0;
      if (literal && guarded()) literal = false;
    }
    if (literal) {
      *o++ = static_cast<char>(c);
      col += 1;
    } else {
      *o++ = '=';
      *o++ = kHex[c >> 4];
      *o++ = kHex[c & 15];
      col += 3;
    }
  }
  *o++ = '\r';
  *o++ = '\n';
  out.resize(static_cast<size_t>(o - out.data()));
}

bool is_atext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_printable_ascii(std::string_view s) {
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

/// Longest run of non-space characters.
size_t longest_word(std::string_view s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = c == ' ' ? 0 : run + 1;
    best = std::max(best, run);
  }
  return best;
}

/// Length of the UTF-8 character starting with byte `c` (1 for stray continuation bytes).
size_t utf8_char_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

void append_quoted_printable(std::string& out, std::string_view text) {
  size_t pos = 0;
  while (true) {
    const size_t nl = text.find('\n', pos);
    append_qp_line(out, text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

void append_base64(std::string& out, std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  const auto b = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = b(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

std::string rfc2047_encode(std::string_view text) {
  // "=?utf-8?B?" + 48 base64 characters + "?=" = 60 characters: at most 36 bytes (12 groups of
  // 3) of whole UTF-8 characters per word (RFC 2047 allows 75; shorter words keep the first
  // line, "Subject: " included, within 76).
  constexpr size_t kMaxBytesPerWord = 36;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pos;
    while (end < text.size()) {
      const size_t n = utf8_char_length(static_cast<unsigned char>(text[end]));
      if (end + n - pos > kMaxBytesPerWord) break;
      end += std::min(n, text.size() - end);
    }
    if (!out.empty()) out += ' ';
    out += "=?utf-8?B?";
    append_base64(out, text.substr(pos, end - pos));
    out += "?=";
    pos = end;
  }
  return out;
}

std::string encode_unstructured_header(std::string_view text) {
  const bool plain = is_printable_ascii(text) && text.find("=?") == std::string_view::npos &&
                     longest_word(text) <= kHeaderFoldLimit - 12 &&
                     (text.empty() || (text.front() != ' ' && text.back() != ' ')) &&
                     text.find("  ") == std::string_view::npos;
  return plain ? std::string(text) : rfc2047_encode(text);
}

std::string encode_display_name(std::string_view name) {
  if (name.empty()) return "";
  bool atoms = name.front() != ' ' && name.back() != ' ' && name.find("  ") == name.npos &&
               name.find("=?") == name.npos;
  for (char c : name)
    if (c != ' ' && !is_atext(static_cast<unsigned char>(c))) atoms = false;
  if (atoms && longest_word(name) <= kHeaderFoldLimit - 12) return std::string(name);
  if (is_printable_ascii(name) && name.find("=?") == name.npos && name.size() <= 200) {
    std::string q = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  }
  return rfc2047_encode(name);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    TAILOR_CHECK(c >= 0x20 && c != 0x7F,
                 "header " << name << ": control character 0x" << std::hex << int(c)
                           << " in the value (header values must be sanitised)");
  }
  for (char ch : name)
    TAILOR_CHECK(ch > 0x20 && ch < 0x7F && ch != ':', "bad header name '" << name << "'");
  size_t line_len = name.size() + 1;
  out.append(name.data(), name.size());
  out += ':';
  size_t pos = 0;
  while (pos < value.size()) {
    // Next word, with the space before it (the folding point).
    size_t next = value.find(' ', pos + 1);
    if (next == std::string_view::npos) next = value.size();
    std::string_view word = value.substr(pos, next - pos);
    if (pos == 0) {
      out += ' ';
      ++line_len;
    } else if (line_len + word.size() > kHeaderFoldLimit) {
      out += "\r\n";  // the word's leading space becomes the folding white space
      line_len = 0;
    }
    out.append(word.data(), word.size());
    line_len += word.size();
    TAILOR_CHECK(line_len <= kMessageHardLineLimit,
                 "header " << name << ": a line of " << line_len << " characters cannot be folded");
    pos = next;
  }
  out += "\r\n";
}

}  // namespace tailor
