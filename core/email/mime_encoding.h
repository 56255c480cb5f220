// Encodings of an RFC 5322 / MIME message: quoted-printable bodies (RFC 2045), base64,
// RFC 2047 encoded-words for non-ASCII header text, and header folding with CRLF line ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tailor {

/// Longest line a folded header aims for: RFC 5322 2.1.1 says 78, RFC 2047 allows 76 on a line
/// with encoded-words; tailor folds every header at 76. A word that cannot be folded (a long
/// URL) may exceed it, never the hard limit of 998.
constexpr size_t kHeaderFoldLimit = 76;
constexpr size_t kMessageHardLineLimit = 998;
/// Longest quoted-printable line, soft break '=' included (RFC 2045 6.7).
constexpr size_t kQuotedPrintableLineLimit = 76;

/// Appends `text` (UTF-8, LF line ends) quoted-printable encoded with CRLF line ends. Lines are
/// at most 76 characters; a line start "From " or "." is encoded (=46 / =2E) so mbox readers and
/// SMTP dot-stuffing never alter the content. Ends with CRLF.
void append_quoted_printable(std::string& out, std::string_view text);

/// Standard base64 (RFC 4648, with padding).
void append_base64(std::string& out, std::string_view bytes);

/// RFC 2047 "B" encoded-words of UTF-8 `text` (charset utf-8) of at most 60 characters (36
/// bytes of text; a word plus "Subject: " fits a 76-column line), never splitting a UTF-8
/// character, joined by single spaces (folding points).
std::string rfc2047_encode(std::string_view text);

/// Header text for an unstructured field (Subject): `text` itself when it is printable ASCII
/// that folds cleanly, else RFC 2047 encoded-words. `text` must already be a sanitised single line.
std::string encode_unstructured_header(std::string_view text);

/// A display name as an RFC 5322 phrase: atoms, a quoted-string, or encoded-words.
std::string encode_display_name(std::string_view name);

/// Appends "Name: value" CRLF, folding at spaces of `value` so lines stay within 76 characters
/// where the value allows it. Throws tailor::Error when a line would exceed 998 characters or
/// when `value` holds CR, LF or another control character (headers are built from sanitised text;
/// this is the last line of defence against injection).
void append_header(std::string& out, std::string_view name, std::string_view value);

}  // namespace tailor
