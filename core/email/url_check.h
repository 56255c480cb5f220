// Links in emails: only absolute https URLs of a restricted character set are emitted (no
// javascript:, data:, quotes or white space), and path/query parts built from data are
// percent-encoded.
#pragma once

#include <string>
#include <string_view>

namespace tailor {

/// Longest URL tailor puts in a message (it must fit one header line with room to spare).
constexpr size_t kMaxUrlLength = 900;

/// True for "https://host[:port][/...]" where host is a DNS name, and every other character is
/// an RFC 3986 unreserved, reserved or '%'-escape character except quotes and '\'.
bool is_safe_https_url(std::string_view url);

/// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view s);

/// `base` (a safe https URL, no trailing '/') + `path` (starts with '/'; may hold a query).
std::string join_url(std::string_view base, std::string_view path);

/// Appends "?key=value" or "&key=value" to `url` (value percent-encoded).
std::string append_query_param(std::string url, std::string_view key, std::string_view value);

}  // namespace tailor
