// An RFC 5322 / MIME marketing message: multipart/alternative (text/plain + text/html, UTF-8,
// quoted-printable), with the headers bulk senders need (RFC 2369 / RFC 8058 one-click
// unsubscribe). The writer is the only place message bytes are produced.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/data/dataset.h"

namespace tailor {

/// What goes into one message. Every string is already sanitised UTF-8 (no CR/LF in headers);
/// the writer re-checks header values and throws rather than emit a control character.
struct MimeMessage {
  std::string from_name, from_address;  ///< From: (display name may be empty)
  std::string to_name, to_address;      ///< To: (display name may be empty)
  std::string reply_to;                 ///< Reply-To: address, "" = none
  std::string subject;                  ///< Subject text (encoded with RFC 2047 when needed)
  UnixTime date = 0;                    ///< Date: instant
  int date_offset_min = 0;              ///< Date: shown at this UTC offset
  std::string message_id;               ///< "id@domain" (without the angle brackets)
  std::string unsubscribe_url;          ///< https URL (List-Unsubscribe, one-click POST target)
  std::string unsubscribe_mailto;       ///< "mailto:..." also listed in List-Unsubscribe, "" none
  /// Further headers (name, value); values must be sanitised single lines.
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string text_body;  ///< text/plain part, LF line ends
  std::string html_body;  ///< text/html part, LF line ends
};

/// Appends the message with CRLF line ends. The multipart boundary is derived from the
/// message id; it contains "=_", which quoted-printable content can never hold.
void append_mime_message(std::string& out, const MimeMessage& m);

}  // namespace tailor
