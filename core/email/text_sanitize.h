// Makes untrusted text (customer names, catalogue titles, generated copy) safe for an email:
// valid UTF-8, no control characters in headers, no bidi overrides, HTML-escaped for HTML.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tailor {

/// What sanitising changed; the job sums these into its summary ("events").
struct SanitizeStats {
  int64_t invalid_utf8 = 0;   ///< malformed UTF-8 sequences replaced by U+FFFD
  int64_t control_chars = 0;  ///< C0/C1 controls and DEL removed (or turned into a space)
  int64_t line_breaks = 0;    ///< CR/LF removed from single-line text (headers, titles)
  int64_t bidi_controls = 0;  ///< U+202A..U+202E, U+2066..U+2069 removed

  void add(const SanitizeStats& o) {
    invalid_utf8 += o.invalid_utf8;
    control_chars += o.control_chars;
    line_breaks += o.line_breaks;
    bidi_controls += o.bidi_controls;
  }
  int64_t total() const { return invalid_utf8 + control_chars + line_breaks + bidi_controls; }
};

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Single-line text for a header or an inline field: valid UTF-8; CR, LF, TAB and other
/// controls become one space; runs of white space collapse to one space; trimmed. Safe to hand
/// to the header encoder whatever the input was.
std::string sanitize_single_line(std::string_view s, SanitizeStats* stats = nullptr);

/// Multi-line text (an email body): valid UTF-8, CRLF and CR become LF, TAB is kept, other
/// controls are removed, trailing spaces of lines and trailing blank lines are dropped.
std::string sanitize_multi_line(std::string_view s, SanitizeStats* stats = nullptr);

/// Escapes & < > " ' for HTML text and attribute values. Appends to `out`.
void append_html_escaped(std::string& out, std::string_view s);
std::string html_escape(std::string_view s);

/// Plain text as HTML: escaped, blank-line-separated paragraphs in <p>, single newlines as <br>.
void append_html_paragraphs(std::string& out, std::string_view text);

}  // namespace tailor
