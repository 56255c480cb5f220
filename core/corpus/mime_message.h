// RFC 822 / MIME e-mail to subject + plain-text body: header unfolding, RFC 2047 encoded words,
// multipart recursion (text/plain preferred, else text/html as text), quoted-printable and
// base64, charsets to UTF-8, and removal of quoted replies and signatures. Rules: docs/corpus.md.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tailor {

/// One header field, unfolded (continuation lines joined, CR/LF removed).
struct MailHeader {
  std::string name;   ///< lower-cased
  std::string value;  ///< raw bytes after the colon, leading whitespace trimmed
};

/// Splits a message (or MIME entity) at the first empty line. Returns the offset of the body
/// (raw.size() when there is no empty line) and fills `headers`. Lines without a colon (an mbox
/// "From " line, garbage) are skipped and counted in `*malformed` when given.
size_t parse_mail_headers(std::string_view raw, std::vector<MailHeader>* headers,
                          int* malformed = nullptr);

/// A parsed Content-Type: type/subtype lower-cased, parameter names lower-cased, values unquoted.
struct ContentType {
  std::string type = "text";
  std::string subtype = "plain";
  std::map<std::string, std::string> params;
  std::string full() const { return type + "/" + subtype; }
};
/// Parses a Content-Type value; an empty or unparsable value gives `fallback`.
ContentType parse_content_type(std::string_view value, const ContentType& fallback = ContentType());

/// Quoted-printable: "=XX" bytes, soft line breaks ("=" at a line end); a malformed "=" stays.
/// With `header` (RFC 2047 "Q"), '_' is a space.
std::string decode_quoted_printable(std::string_view s, bool header = false);
/// Base64, skipping characters outside the alphabet; stops at padding.
std::string decode_base64(std::string_view s);

/// Decodes a header value with RFC 2047 encoded words (=?charset?B|Q?text?=) to UTF-8; white
/// space between adjacent encoded words is dropped. Bytes outside encoded words are converted
/// from `fallback_charset` (convert_to_utf8 rules: valid UTF-8 stays, else windows-1252 when
/// unlabelled). Returns false with reason/detail when an encoded word or the raw bytes cannot be
/// decoded. A malformed encoded word is kept as written.
bool decode_header_value(std::string_view value, const std::string& fallback_charset,
                         std::string* out, std::string* reason, std::string* detail);

struct EmailParseOptions {
  bool strip_quoted_replies = true;    ///< see CorpusCleanParams::strip_quoted_replies
  bool strip_signatures = true;        ///< see CorpusCleanParams::strip_signatures
  bool strip_list_boilerplate = true;  ///< see CorpusCleanParams::strip_list_boilerplate
};

/// What parse_email found. The subject and body are UTF-8 but not yet whitespace-normalised.
struct ParsedEmail {
  bool has_subject = false;
  std::string subject;
  std::string subject_problem, subject_detail;  ///< subject present but undecodable
  bool has_body = false;
  std::string body;
  std::string body_type;  ///< "text/plain" or "text/html" (the part the body came from)
  std::string body_problem, body_detail;  ///< no usable text part: the reason
  int quoted_lines_removed = 0;
  bool signature_removed = false;
  bool list_footer_removed = false;
  bool list_tag_removed = false;
  bool original_message_removed = false;
  bool plain_part_was_html = false;     ///< a text/plain part whose content is HTML
  bool unterminated_multipart = false;  ///< a multipart without its closing boundary (tolerated)
  int malformed_header_lines = 0;
};

/// Parses one raw message. Never throws on bad input: problems are reported in the result.
ParsedEmail parse_email(std::string_view raw,
                        const EmailParseOptions& options = EmailParseOptions());

/// True when text labelled text/plain is really HTML: an <html>, <body> or <!doctype html> tag in
/// its first 2 KiB, or a block tag (<table>, <div>, <p>, <font>, <head>) as its first content.
bool looks_like_html(std::string_view text);

/// Removes mailing-list tags ("[ILUG]", "[SAtalk]": brackets of 1..24 characters without spaces)
/// at the start of a subject, also after "Re:" / "Fwd:" prefixes. Returns true if one was removed.
bool strip_list_tags(std::string* subject);

/// The reply, signature and list-footer rules on plain text ('\n' line ends); counts go to
/// `stats`. A list footer is a line of 5+ '_' or '-' followed within 6 lines by "mailing list",
/// "listinfo", "email is sponsored by" or "yahoo! groups" (any case): it goes with all below it.
std::string strip_replies_and_signature(const std::string& text, const EmailParseOptions& options,
                                        ParsedEmail* stats);

}  // namespace tailor
