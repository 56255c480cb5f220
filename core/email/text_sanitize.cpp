// UTF-8 validation and control-character removal for untrusted text; HTML escaping.
#include "core/email/text_sanitize.h"

namespace tailor {
namespace {

/// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when malformed (cp unset).
size_t decode_utf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c0 = b(i);
  if (c0 < 0x80) {
    *cp = c0;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if ((c0 & 0xE0) == 0xC0) {
    len = 2, v = c0 & 0x1F, min = 0x80;
  } else if ((c0 & 0xF0) == 0xE0) {
    len = 3, v = c0 & 0x0F, min = 0x800;
  } else if ((c0 & 0xF8) == 0xF0) {
    len = 4, v = c0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i + k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

bool is_bidi_control(uint32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool is_c1_or_del(uint32_t cp) { return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

bool is_valid_utf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    const size_t n = decode_utf8(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_single_line(std::string_view s, SanitizeStats* stats) {
  SanitizeStats local;
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = decode_utf8(s, i, &cp);
    if (n == 0) {
      ++local.invalid_utf8;
      n = 1;
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += kReplacement;
      i += n;
      continue;
    }
    const size_t start = i;
    i += n;
    if (cp == '\r' || cp == '\n') {
      ++local.line_breaks;
      pending_space = true;
      continue;
    }
    if (cp == ' ' || cp == '\t') {
      pending_space = true;
      continue;
    }
    if (cp < 0x20 || is_c1_or_del(cp)) {
      ++local.control_chars;
      pending_space = true;
      continue;
    }
    if (is_bidi_control(cp)) {
      ++local.bidi_controls;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(s.data() + start, n);
  }
  if (stats) stats->add(local);
  return out;
}

std::string sanitize_multi_line(std::string_view s, SanitizeStats* stats) {
  SanitizeStats local;
  std::string out;
  out.reserve(s.size());
  uint32_t cp;
  const auto trim_line_end = [&] {
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  };
  for (size_t i = 0; i < s.size();) {
    size_t n = decode_utf8(s, i, &cp);
    if (n == 0) {
      ++local.invalid_utf8;
      out += kReplacement;
      ++i;
      continue;
    }
    const size_t start = i;
    i += n;
    if (cp == '\r') {
      if (i < s.size() && s[i] == '\n') ++i;
      trim_line_end();
      out += '\n';
      continue;
    }
    if (cp == '\n') {
      trim_line_end();
      out += '\n';
      continue;
    }
    if (cp == '\t') {
      out += '\t';
      continue;
    }
    if (cp < 0x20 || is_c1_or_del(cp)) {
      ++local.control_chars;
      continue;
    }
    if (is_bidi_control(cp)) {
      ++local.bidi_controls;
      continue;
    }
    out.append(s.data() + start, n);
  }
  trim_line_end();
  while (!out.empty() && out.back() == '\n') out.pop_back();
  size_t lead = 0;
  while (lead < out.size() && out[lead] == '\n') ++lead;
  out.erase(0, lead);
  if (stats) stats->add(local);
  return out;
}

void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_html_escaped(out, s);
  return out;
}

void append_html_paragraphs(std::string& out, std::string_view text) {
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view para = text.substr(pos, end - pos);
    pos = end;
    while (pos < text.size() && text[pos] == '\n') ++pos;
    if (para.empty()) continue;
    if (!first) out += '\n';
    first = false;
    out += "<p>";
    size_t a = 0;
    while (true) {
      const size_t b = para.find('\n', a);
      append_html_escaped(out, para.substr(a, b == std::string_view::npos ? para.npos : b - a));
      if (b == std::string_view::npos) break;
      out += "<br>\n";
      a = b + 1;
    }
    out += "</p>";
  }
}

}  // namespace tailor
