// Whitespace and control-character normalisation of corpus text (UTF-8), shared by every corpus
// source, plus the small UTF-8 helpers the corpus code uses. Rules: docs/corpus.md "Cleaning".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tailor {

/// Appends code point `cp` as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

/// Decodes the code point at s[i] and advances i. Invalid bytes decode as U+FFFD (one byte).
uint32_t next_code_point(std::string_view s, size_t& i);

/// Number of code points of valid UTF-8 text.
size_t utf8_length(std::string_view s);

/// Whitespace as Python's str.split() sees it (ASCII whitespace, U+001C..U+001F, U+0085, U+00A0,
/// U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
bool is_unicode_space(uint32_t cp);

/// Code points dropped from corpus text: C0/C1 controls other than whitespace, DEL, zero-width
/// characters (U+200B..U+200D, U+2060, U+FEFF) and the soft hyphen U+00AD.
bool is_dropped_code_point(uint32_t cp);

/// One-line text (subjects, product names): every run of whitespace (line breaks included)
/// becomes one space, dropped code points are removed, the ends are trimmed.
std::string normalize_line(std::string_view s);

/// Multi-line text (bodies): line ends become "\n"; within each line runs of whitespace become
/// one space and the line is trimmed; runs of blank lines become one blank line (a paragraph
/// break); leading and trailing blank lines are removed.
std::string normalize_block(std::string_view s);

/// ASCII lower-case of s (other bytes unchanged).
std::string ascii_lower(std::string_view s);

}  // namespace tailor
