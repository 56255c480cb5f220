// parse_email and its pieces: headers, Content-Type, transfer encodings, RFC 2047, multipart.
#include "core/corpus/mime_message.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/corpus/charset.h"
#include "core/corpus/html_text.h"
#include "core/corpus/text_normalize.h"

namespace tailor {
namespace {

constexpr int kMaxDepth = 20;  // nesting limit of multiparts / embedded messages

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) { return ascii_lower(s); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Next line of s from pos (without its LF / CRLF); pos moves past the terminator.
bool next_line(std::string_view s, size_t& pos, std::string_view* line) {
  if (pos >= s.size()) return false;
  size_t nl = s.find('\n', pos);
  if (nl == std::string_view::npos) nl = s.size();
  std::string_view l = s.substr(pos, nl - pos);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  *line = l;
  pos = nl + 1;
  return true;
}

const std::string* header(const std::vector<MailHeader>& h, const char* name) {
  for (const MailHeader& m : h)
    if (m.name == name) return &m.value;
  return nullptr;
}

}  // namespace

size_t parse_mail_headers(std::string_view raw, std::vector<MailHeader>* headers, int* malformed) {
  headers->clear();
  size_t pos = 0;
  std::string_view line;
  while (true) {
    const size_t line_start = pos;
    if (!next_line(raw, pos, &line)) return raw.size();
    if (line.empty()) return pos;  // the empty line ends the header block
    if ((line[0] == ' ' || line[0] == '\t')) {
      if (!headers->empty()) {  // continuation: unfold
        std::string_view cont = line;
        while (!cont.empty() && (cont[0] == ' ' || cont[0] == '\t')) cont.remove_prefix(1);
        headers->back().value += ' ';
        headers->back().value.append(cont);
      } else if (malformed) {
        ++*malformed;
      }
      continue;
    }
    const size_t colon = line.find(':');
    bool valid = colon != std::string_view::npos && colon > 0;
    for (size_t i = 0; valid && i < colon; ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      valid = c > 32 && c < 127;
    }
    if (!valid) {
      if (line_start == 0 && line.substr(0, 5) == "From ") continue;  // mbox separator
      if (malformed) ++*malformed;
      continue;
    }
    MailHeader h;
    h.name = lower(line.substr(0, colon));
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && (v[0] == ' ' || v[0] == '\t')) v.remove_prefix(1);
    h.value.assign(v);
    headers->push_back(std::move(h));
  }
}

ContentType parse_content_type(std::string_view value, const ContentType& fallback) {
  ContentType ct;
  std::string_view v = trim(value);
  size_t semi = v.find(';');
  std::string_view mime = trim(v.substr(0, semi));
  const size_t slash = mime.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= mime.size()) {
    ct = fallback;
    ct.params.clear();
  } else {
    ct.type = lower(trim(mime.substr(0, slash)));
    std::string_view sub = trim(mime.substr(slash + 1));
    // Some mailers glue parameters with spaces instead of ';' ("text/plain charset=us-ascii").
    const size_t sp = sub.find_first_of(" \t");
    if (sp != std::string_view::npos) {
      if (semi == std::string_view::npos) semi = (sub.data() + sp) - v.data() - 1;
      sub = sub.substr(0, sp);
    }
    ct.subtype = lower(sub);
  }
  // Parameters: name=value or name="quoted value", separated by ';' (tolerating spaces).
  size_t pos = semi == std::string_view::npos ? v.size() : semi + 1;
  while (pos < v.size()) {
    while (pos < v.size() && (is_space(v[pos]) || v[pos] == ';')) ++pos;
    size_t eq = v.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string name = lower(trim(v.substr(pos, eq - pos)));
    pos = eq + 1;
    while (pos < v.size() && is_space(v[pos])) ++pos;
    std::string val;
    if (pos < v.size() && v[pos] == '"') {
      ++pos;
      while (pos < v.size() && v[pos] != '"') {
        if (v[pos] == '\\' && pos + 1 < v.size()) ++pos;
        val.push_back(v[pos++]);
      }
      ++pos;
    } else {
      const size_t end = v.find_first_of("; \t", pos);
      val.assign(v.substr(pos, (end == std::string_view::npos ? v.size() : end) - pos));
      pos = end == std::string_view::npos ? v.size() : end;
    }
    // RFC 2231 "name*=charset''value" and "name*0=" continuations: keep the plain name.
    const size_t star = name.find('*');
    if (star != std::string::npos) {
      name.resize(star);
      const size_t q = val.find("''");
      if (q != std::string::npos) val = val.substr(q + 2);
      if (ct.params.count(name)) {
        ct.params[name] += val;
        continue;
      }
    }
    if (!name.empty() && !ct.params.count(name)) ct.params[name] = val;
  }
  return ct;
}

std::string decode_quoted_printable(std::string_view s, bool header) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_' && header) {
      out.push_back(' ');
    } else if (c == '=') {
      // Soft line break: '=' then optional trailing white space then a line end.
      size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j < s.size() && (s[j] == '\n' || s[j] == '\r')) {
        if (s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ++j;
        i = j;
        continue;
      }
      if (j == s.size()) {  // '=' at the very end
        i = j;
        continue;
      }
      const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
      out.push_back('=');  // malformed: kept as written
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string decode_base64(std::string_view s) {
  static const auto kTable = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(a[i])] = static_cast<int8_t>(i);
    return t;
  }();
  std::string out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : s) {
    if (ch == '=') break;
    const int v = kTable[static_cast<unsigned char>(ch)];
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool decode_header_value(std::string_view value, const std::string& fallback_charset,
                         std::string* out, std::string* reason, std::string* detail) {
  out->clear();
  size_t pos = 0;
  bool last_was_encoded = false;
  std::string pending_space;  // white space after an encoded word (dropped if another follows)
  std::string raw;            // bytes outside encoded words, converted in one go per run
  auto flush_raw = [&]() -> bool {
    if (raw.empty()) return true;
    std::string conv;
    if (!convert_to_utf8(raw, fallback_charset, &conv, reason, detail)) return false;
    *out += conv;
    raw.clear();
    return true;
  };
  while (pos < value.size()) {
    const size_t start = value.find("=?", pos);
    if (start == std::string_view::npos) {
      raw += pending_space;
      pending_space.clear();
      raw.append(value.substr(pos));
      break;
    }
    // Parse =?charset?E?text?=
    const size_t q1 = value.find('?', start + 2);
    const size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    const size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    const bool well_formed = end != std::string_view::npos && q2 == q1 + 2 && q1 > start + 2;
    const std::string_view between = value.substr(pos, start - pos);
    if (!well_formed) {
      raw += pending_space;
      pending_space.clear();
      raw.append(value.substr(pos, start + 2 - pos));
      pos = start + 2;
      last_was_encoded = false;
      continue;
    }
    const bool only_space = trim(between).empty();
    if (!(last_was_encoded && only_space)) {
      raw += pending_space;
      raw.append(between);
    }
    pending_space.clear();
    std::string charset = lower(value.substr(start + 2, q1 - start - 2));
    const size_t star = charset.find('*');  // RFC 2231 language suffix
    if (star != std::string::npos) charset.resize(star);
    const char enc = value[q1 + 1];
    const std::string_view text = value.substr(q2 + 1, end - q2 - 1);
    std::string bytes;
    if (enc == 'B' || enc == 'b') {
      bytes = decode_base64(text);
    } else if (enc == 'Q' || enc == 'q') {
      bytes = decode_quoted_printable(text, true);
    } else {
      raw.append(value.substr(start, end + 2 - start));  // unknown encoding: as written
      pos = end + 2;
      last_was_encoded = false;
      continue;
    }
    if (!flush_raw()) return false;
    std::string conv;
    if (!convert_to_utf8(bytes, charset, &conv, reason, detail)) {
      *detail = "encoded word in " + charset + ": " + *detail;
      return false;
    }
    *out += conv;
    pos = end + 2;
    last_was_encoded = true;
    size_t ws = pos;
    while (ws < value.size() && is_space(value[ws])) ++ws;
    pending_space.assign(value.substr(pos, ws - pos));
    pos = ws;
  }
  if (!flush_raw()) return false;
  return true;
}

namespace {

/// One MIME entity: headers parsed, body as raw bytes.
struct Entity {
  std::vector<MailHeader> headers;
  std::string_view body;
};

/// The text chosen from an entity tree.
struct TextChoice {
  bool found = false;
  bool html = false;
  ContentType ct;
  std::string transfer_encoding;
  std::string_view body;
};

struct Walker {
  ParsedEmail* result;
  std::string problem, detail;  // first structural problem met

  void note_problem(const std::string& r, const std::string& d) {
    if (problem.empty()) {
      problem = r;
      detail = d;
    }
  }

  TextChoice choose(const Entity& e, const ContentType& default_ct, int depth) {
    TextChoice none;
    if (depth > kMaxDepth) {
      note_problem("mime_too_deep", "more than " + std::to_string(kMaxDepth) + " nested parts");
      return none;
    }
    const std::string* ctv = header(e.headers, "content-type");
    const ContentType ct = ctv ? parse_content_type(*ctv, default_ct) : default_ct;
    const std::string* disp = header(e.headers, "content-disposition");
    const bool attachment = disp && lower(trim(*disp)).rfind("attachment", 0) == 0;
    if (ct.type == "multipart") {
      auto it = ct.params.find("boundary");
      if (it == ct.params.end() || it->second.empty()) {
        note_problem("broken_multipart", ct.full() + " without a boundary parameter");
        return none;
      }
      std::vector<std::string_view> parts;
      split_parts(e.body, it->second, &parts);
      if (parts.empty()) {
        note_problem("broken_multipart", ct.full() + ": no part starts with its boundary");
        return none;
      }
      ContentType child_default;
      if (ct.subtype == "digest") child_default.type = "message", child_default.subtype = "rfc822";
      TextChoice first_html;
      for (std::string_view p : parts) {
        Entity child;
        const size_t body_at = parse_mail_headers(p, &child.headers);
        child.body = p.substr(std::min(body_at, p.size()));
        // A part that starts with an empty line has no headers.
        TextChoice c = choose(child, child_default, depth + 1);
        if (!c.found) continue;
        if (ct.subtype == "alternative") {
          if (!c.html) return c;  // text/plain preferred among alternatives
          if (!first_html.found) first_html = c;
        } else {
          return c;  // mixed, related, signed, report, ...: the first part with text
        }
      }
      return first_html;
    }
    if (ct.type == "message" && ct.subtype == "rfc822") {
      Entity inner;
      const size_t body_at = parse_mail_headers(e.body, &inner.headers);
      inner.body = e.body.substr(std::min(body_at, e.body.size()));
      return choose(inner, ContentType(), depth + 1);
    }
    if (attachment || ct.type != "text" || (ct.subtype != "plain" && ct.subtype != "html"))
      return none;
    TextChoice c;
    c.found = true;
    c.html = ct.subtype == "html";
    c.ct = ct;
    const std::string* cte = header(e.headers, "content-transfer-encoding");
    c.transfer_encoding = cte ? lower(trim(*cte)) : "";
    c.body = e.body;
    return c;
  }

  void split_parts(std::string_view body, const std::string& boundary,
                   std::vector<std::string_view>* parts) {
    const std::string delim = "--" + boundary;
    size_t pos = 0;
    size_t part_start = std::string_view::npos;
    bool closed = false;
    std::string_view line;
    while (true) {
      const size_t line_start = pos;
      if (!next_line(body, pos, &line)) break;
      if (line.size() >= delim.size() && line.compare(0, delim.size(), delim) == 0) {
        std::string_view rest = line.substr(delim.size());
        const bool is_close = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
        if (!is_close && !trim(rest).empty()) continue;  // a longer boundary-like line
        if (part_start != std::string_view::npos) {
          // The line end before the delimiter belongs to the delimiter.
          size_t end = line_start;
          if (end > part_start && body[end - 1] == '\n') --end;
          if (end > part_start && body[end - 1] == '\r') --end;
          parts->push_back(body.substr(part_start, end - part_start));
        }
        if (is_close) {
          closed = true;
          break;
        }
        part_start = pos;
      }
    }
    if (!closed && part_start != std::string_view::npos) {
      parts->push_back(body.substr(std::min(part_start, body.size())));
      result->unterminated_multipart = true;
    }
  }
};

bool is_quote_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i < line.size() && line[i] == '>';
}

bool ends_with_ci(std::string_view s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  return lower(s.substr(s.size() - n)) == suffix;
}

bool is_original_message_line(std::string_view line) {
  const std::string l = lower(trim(line));
  if (l.size() < 20 || l[0] != '-' || l.back() != '-') return false;
  std::string core;
  for (char c : l)
    if (c != '-') core.push_back(c);
  return trim(core) == "original message";
}

/// "From: ...", "Sent: ...", "To:", "Cc:", "Subject:", "Date:" lines of a quoted original, and
/// their wrapped continuations (no colon in the first word).
bool is_original_header_line(std::string_view line) {
  const std::string l = lower(trim(line));
  for (const char* k : {"from:", "sent:", "to:", "cc:", "subject:", "date:", "importance:"})
    if (l.rfind(k, 0) == 0) return true;
  return false;
}

bool is_separator_line(std::string_view line) {
  const std::string_view t = trim(line);
  if (t.size() < 5) return false;
  for (char c : t)
    if (c != '_' && c != '-') return false;
  return true;
}

}  // namespace

bool strip_list_tags(std::string* subject) {
  std::string& s = *subject;
  size_t pos = 0;
  bool removed = false;
  for (;;) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
    // Reply / forward prefixes stay; a tag after them goes.
    bool prefix = false;
    for (const char* p : {"re:", "fwd:", "fw:", "aw:"}) {
      const size_t n = std::strlen(p);
      if (s.size() >= pos + n && lower(std::string_view(s).substr(pos, n)) == p) {
        pos += n;
        prefix = true;
        break;
      }
    }
    if (prefix) continue;
    if (pos < s.size() && s[pos] == '[') {
      const size_t close = s.find(']', pos + 1);
      if (close != std::string::npos && close - pos - 1 >= 1 && close - pos - 1 <= 24 &&
          s.find_first_of(" \t", pos + 1) > close) {
        size_t after = close + 1;
        while (after < s.size() && (s[after] == ' ' || s[after] == '\t')) ++after;
        s.erase(pos, after - pos);
        if (pos > 0 && pos < s.size() && s[pos - 1] != ' ') s.insert(pos, " ");
        removed = true;
        continue;
      }
    }
    break;
  }
  return removed;
}

bool looks_like_html(std::string_view text) {
  const std::string head = lower(text.substr(0, 2048));
  for (const char* marker :
       {"<!doctype html", "<html", "<body", "<head>", "<table", "<font ", "<p>", "<div"}) {
    const size_t pos = head.find(marker);
    if (pos == std::string::npos) continue;
    // Only near the start (after white space) or as a real document tag.
    if (std::string(marker) == "<html" || std::string(marker) == "<!doctype html" ||
        std::string(marker) == "<body")
      return true;
    if (trim(std::string_view(head).substr(0, pos)).empty()) return true;
  }
  return false;
}

std::string strip_replies_and_signature(const std::string& text, const EmailParseOptions& options,
                                        ParsedEmail* stats) {
  std::vector<std::string_view> lines;
  {
    size_t pos = 0;
    std::string_view line;
    while (next_line(text, pos, &line)) lines.push_back(line);
  }
  std::vector<bool> keep(lines.size(), true);
  size_t end = lines.size();
  if (options.strip_quoted_replies) {
    bool text_seen = false;
    for (size_t i = 0; i < end; ++i) {
      if (is_original_message_line(lines[i])) {
        stats->original_message_removed = true;
        if (text_seen) {  // a reply above the original: the original goes
          end = i;
          break;
        }
        // Nothing above it (the reply is below, between quotes): drop only the marker and the
        // original's header lines.
        keep[i] = false;
        size_t j = i + 1;
        while (j < end && is_original_header_line(lines[j])) keep[j++] = false;
        i = j - 1;
        continue;
      }
      text_seen |= !trim(lines[i]).empty();
    }
    for (size_t i = 0; i < end; ++i) {
      if (is_quote_line(lines[i])) {
        keep[i] = false;
        ++stats->quoted_lines_removed;
      }
    }
    // "On <date>, <someone> wrote:" right before quoted lines (blank lines between allowed).
    for (size_t i = 0; i < end; ++i) {
      const std::string_view t = trim(lines[i]);
      if (!keep[i] || !(ends_with_ci(t, "wrote:") || ends_with_ci(t, "writes:"))) continue;
      size_t j = i + 1;
      while (j < end && trim(lines[j]).empty()) ++j;
      if (j < end && is_quote_line(lines[j])) keep[i] = false;
    }
  }
  if (options.strip_list_boilerplate) {
    for (size_t i = 0; i < end; ++i) {
      if (!keep[i] || !is_separator_line(lines[i])) continue;
      bool footer = false;
      for (size_t j = i + 1; j < end && j <= i + 6 && !footer; ++j) {
        const std::string l = lower(lines[j]);
        footer = l.find("mailing list") != std::string::npos ||
                 l.find("listinfo") != std::string::npos ||
                 l.find("email is sponsored by") != std::string::npos ||
                 l.find("yahoo! groups") != std::string::npos;
      }
      if (!footer) continue;
      bool text_before = false;
      for (size_t k = 0; k < i && !text_before; ++k)
        text_before = keep[k] && !trim(lines[k]).empty();
      if (text_before) {
        end = i;
        stats->list_footer_removed = true;
      }
      break;
    }
  }
  if (options.strip_signatures) {
    for (size_t i = 0; i < end; ++i) {
      if (!keep[i]) continue;
      if (lines[i] == "-- " || lines[i] == "--") {
        bool text_before = false;
        for (size_t k = 0; k < i && !text_before; ++k)
          text_before = keep[k] && !trim(lines[k]).empty();
        if (text_before) {
          end = i;
          stats->signature_removed = true;
        }
        break;
      }
    }
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < end; ++i) {
    if (!keep[i]) continue;
    out.append(lines[i]);
    out.push_back('\n');
  }
  return out;
}

ParsedEmail parse_email(std::string_view raw, const EmailParseOptions& options) {
  ParsedEmail r;
  Entity top;
  const size_t body_at = parse_mail_headers(raw, &top.headers, &r.malformed_header_lines);
  top.body = raw.substr(std::min(body_at, raw.size()));
  const std::string* ctv = header(top.headers, "content-type");
  const ContentType top_ct = ctv ? parse_content_type(*ctv) : ContentType();
  auto cs = top_ct.params.find("charset");
  const std::string top_charset = cs == top_ct.params.end() ? "" : cs->second;

  if (top.headers.empty()) {
    r.body_problem = "no_headers";
    r.body_detail = "no RFC 822 header block";
    return r;
  }

  Walker w{&r, "", ""};
  const TextChoice c = w.choose(top, ContentType(), 0);
  // Raw 8-bit bytes in the Subject are read in the message's charset: the top-level one, else
  // that of the text part the body comes from.
  std::string subject_charset = top_charset;
  if (subject_charset.empty() && c.found) {
    auto pc = c.ct.params.find("charset");
    if (pc != c.ct.params.end()) subject_charset = pc->second;
  }
  if (const std::string* subject = header(top.headers, "subject")) {
    r.has_subject = true;
    std::string reason, detail;
    if (!decode_header_value(*subject, subject_charset, &r.subject, &reason, &detail)) {
      r.subject_problem = reason;
      r.subject_detail = detail;
      r.subject.clear();
    } else if (options.strip_list_boilerplate) {
      r.list_tag_removed = strip_list_tags(&r.subject);
    }
  }
  if (!c.found) {
    r.body_problem = w.problem.empty() ? "no_text_part" : w.problem;
    r.body_detail =
        w.problem.empty() ? "no text/plain or text/html part (" + top_ct.full() + ")" : w.detail;
    return r;
  }
  std::string bytes;
  const std::string& cte = c.transfer_encoding;
  if (cte.empty() || cte == "7bit" || cte == "8bit" || cte == "binary" || cte == "7-bit" ||
      cte == "8-bit") {
    bytes.assign(c.body);
  } else if (cte == "quoted-printable") {
    bytes = decode_quoted_printable(c.body);
  } else if (cte == "base64") {
    bytes = decode_base64(c.body);
  } else {
    r.body_problem = "unsupported_transfer_encoding";
    r.body_detail = "Content-Transfer-Encoding '" + cte + "'";
    return r;
  }
  auto pcs = c.ct.params.find("charset");
  const std::string charset = pcs == c.ct.params.end() ? "" : pcs->second;
  std::string text, reason, detail;
  if (!convert_to_utf8(bytes, charset, &text, &reason, &detail)) {
    r.body_problem = reason;
    r.body_detail = detail;
    return r;
  }
  // Mailers (and spammers) often label HTML as text/plain: such a body is read as HTML too.
  const bool html = c.html || looks_like_html(text);
  r.plain_part_was_html = html && !c.html;
  if (html) text = html_to_text(text);
  r.body_type = html ? "text/html" : "text/plain";
  r.body = strip_replies_and_signature(text, options, &r);
  r.has_body = true;
  return r;
}

}  // namespace tailor
