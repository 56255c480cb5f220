// https-only URL checks and percent-encoding for the links of an email.
#include "core/email/url_check.h"

namespace tailor {
namespace {

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_unreserved(unsigned char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_hex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_safe_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > kMaxUrlLength || url.substr(0, kScheme.size()) != kScheme) return false;
  size_t i = kScheme.size();
  // Host: LDH labels separated by dots, optional :port.
  const size_t host_start = i;
  while (i < url.size() && (is_alnum(url[i]) || url[i] == '-' || url[i] == '.')) ++i;
  const std::string_view host = url.substr(host_start, i - host_start);
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.' ||
      host.find("..") != std::string_view::npos)
    return false;
  if (i < url.size() && url[i] == ':') {
    const size_t p = ++i;
    while (i < url.size() && url[i] >= '0' && url[i] <= '9') ++i;
    if (i == p || i - p > 5) return false;
  }
  if (i < url.size() && url[i] != '/' && url[i] != '?' && url[i] != '#') return false;
  for (; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (is_unreserved(c)) continue;
    if (c == '%') {
      if (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) return false;
      i += 2;
      continue;
    }
    switch (c) {
      case ':':
      case '/':
      case '?':
      case '#':
      case '[':
      case ']':
      case '@':
      case '!':
      case '$':
      case '&':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
        continue;
      default:
        return false;  // quotes, '<', '>', '\', white space, controls, non-ASCII
    }
  }
  return true;
}

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (path.empty() || path.front() != '/') out += '/';
  out.append(path.data(), path.size());
  return out;
}

std::string append_query_param(std::string url, std::string_view key, std::string_view value) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += percent_encode(key);
  url += '=';
  url += percent_encode(value);
  return url;
}

}  // namespace tailor
