// Address validation and mailbox formatting (RFC 5321 / 5322 subset).
#include "core/email/email_address.h"

#include "core/email/mime_encoding.h"
#include "core/email/text_sanitize.h"

namespace tailor {
namespace {

bool is_local_char(unsigned char c) {
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
    case '.':
      return true;
    default:
      return false;
  }
}

bool is_valid_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  for (char ch : l) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  }
  return true;
}

}  // namespace

bool is_valid_email_address(std::string_view a) {
  if (a.size() < 3 || a.size() > 254) return false;
  const size_t at = a.find('@');
  if (at == std::string_view::npos || a.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return false;
  for (char c : local)
    if (!is_local_char(static_cast<unsigned char>(c))) return false;
  if (domain.size() > 253) return false;
  size_t labels = 0, pos = 0;
  std::string_view last;
  while (true) {
    const size_t dot = domain.find('.', pos);
    last = domain.substr(pos, dot == std::string_view::npos ? domain.npos : dot - pos);
    if (!is_valid_label(last)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (labels < 2) return false;
  for (char c : last)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

std::string normalize_email_address(std::string_view a) {
  size_t b = 0, e = a.size();
  while (b < e && (a[b] == ' ' || a[b] == '\t')) ++b;
  while (e > b && (a[e - 1] == ' ' || a[e - 1] == '\t' || a[e - 1] == '\r' || a[e - 1] == '\n'))
    --e;
  std::string s(a.substr(b, e - b));
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string email_domain(std::string_view a) {
  const size_t at = a.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(a.substr(at + 1));
}

std::string format_mailbox(std::string_view display_name, std::string_view address) {
  const std::string name = encode_display_name(sanitize_single_line(display_name));
  if (name.empty()) return std::string(address);
  return name + " <" + std::string(address) + ">";
}

}  // namespace tailor
