// Text in a declared MIME charset to UTF-8: built-in decoders for us-ascii, utf-8, iso-8859-1 and
// windows-1252 (latin-1 labels decode as windows-1252, as browsers do), glibc iconv for others.
#pragma once

#include <string>
#include <string_view>

namespace tailor {

/// The canonical name of a charset label ("ISO_8859-1" -> "iso-8859-1", "latin1" ->
/// "iso-8859-1", "cp1252" -> "windows-1252", "chinesebig5" -> "big5", ...); labels that say
/// nothing ("", "default", "unknown-8bit", "x-unknown") -> "".
std::string canonical_charset(std::string_view label);

/// Converts `bytes` in `charset` to UTF-8. Returns false with `reason` ("unknown_charset",
/// "undecodable_text") and `detail` when it cannot. Rules (docs/corpus.md):
///  - pure ASCII bytes are accepted under any label;
///  - "" (unlabelled) and us-ascii with 8-bit bytes: valid UTF-8 is taken as is, anything else
///    is decoded as windows-1252;
///  - utf-8 must be valid UTF-8;
///  - iso-8859-1 / windows-1252: every byte maps (the five bytes windows-1252 leaves undefined
///    map to the C1 controls, which the cleaner then drops);
///  - other charsets go through iconv; an unknown name or an invalid sequence is a failure.
bool convert_to_utf8(std::string_view bytes, const std::string& charset, std::string* out,
                     std::string* reason, std::string* detail);

}  // namespace tailor
