// The MIME writer: headers in a fixed order, folded; both parts quoted-printable.
#include "core/email/mime_message.h"

#include "core/common/error.h"
#include "core/email/email_address.h"
#include "core/email/mime_encoding.h"
#include "core/email/rfc5322_date.h"
#include "core/email/sha256.h"

namespace tailor {

void append_mime_message(std::string& out, const MimeMessage& m) {
  TAILOR_CHECK(is_valid_email_address(m.from_address), "MIME: invalid From address");
  TAILOR_CHECK(is_valid_email_address(m.to_address), "MIME: invalid To address");
  TAILOR_CHECK(m.reply_to.empty() || is_valid_email_address(m.reply_to), "MIME: invalid Reply-To");
  TAILOR_CHECK(m.message_id.find('@') != std::string::npos, "MIME: Message-ID needs a domain");
  TAILOR_CHECK(!m.unsubscribe_url.empty(), "MIME: List-Unsubscribe needs an https URL");
  const std::string boundary = "=_tailor_" + sha256_hex(m.message_id).substr(0, 24);

  append_header(out, "Date", format_rfc5322_date(m.date, m.date_offset_min));
  append_header(out, "From", format_mailbox(m.from_name, m.from_address));
  if (!m.reply_to.empty()) append_header(out, "Reply-To", m.reply_to);
  append_header(out, "To", format_mailbox(m.to_name, m.to_address));
  append_header(out, "Subject", encode_unstructured_header(m.subject));
  append_header(out, "Message-ID", "<" + m.message_id + ">");
  append_header(out, "MIME-Version", "1.0");
  std::string unsubscribe = "<" + m.unsubscribe_url + ">";
  if (!m.unsubscribe_mailto.empty()) unsubscribe += ", <" + m.unsubscribe_mailto + ">";
  append_header(out, "List-Unsubscribe", unsubscribe);
  append_header(out, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  for (const auto& [name, value] : m.extra_headers) append_header(out, name, value);
  append_header(out, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += "\r\n";

  const auto part = [&](const char* type, const std::string& body) {
    out += "--";
    out += boundary;
    out += "\r\nContent-Type: ";
    out += type;
    out += "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    append_quoted_printable(out, body);
  };
  part("text/plain", m.text_body);
  part("text/html", m.html_body);
  out += "--";
  out += boundary;
  out += "--\r\n";
}

}  // namespace tailor
