// SenderParams: ParamSet binding (section `sender`), checks, the secret and price formatting.
#include "core/email/sender_params.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/common/error.h"
#include "core/email/email_address.h"
#include "core/email/text_sanitize.h"
#include "core/email/url_check.h"

namespace tailor {

void bind_sender_params(ParamSet& ps, SenderParams& p) {
  ps.add("shop_name", &p.shop_name, "shop name ({shop} slot, {{shop_name}}, From display name)");
  ps.add("from_address", &p.from_address, "From address");
  ps.add("from_name", &p.from_name, "From display name (empty = shop_name)");
  ps.add("reply_to", &p.reply_to, "Reply-To address (empty = none)");
  ps.add("postal_address", &p.postal_address,
         "postal address in every footer (lines split by \\n)");
  ps.add("link_base_url", &p.link_base_url, "base https URL of shop links");
  ps.add("product_path", &p.product_path, "path of product pages, before the product id");
  ps.add("unsubscribe_base_url", &p.unsubscribe_base_url, "one-click unsubscribe https endpoint");
  ps.add("unsubscribe_mailto", &p.unsubscribe_mailto, "mailto: unsubscribe address (empty = none)");
  ps.add("message_id_domain", &p.message_id_domain, "Message-ID domain (empty = From domain)");
  ps.add("secret_env", &p.secret_env, "environment variable holding the unsubscribe-token secret");
  ps.add("secret_file", &p.secret_file, "file holding the secret (empty = use secret_env)");
  ps.add("currency_symbol", &p.currency_symbol, "currency symbol of prices");
  ps.add("currency_symbol_after", &p.currency_symbol_after, "symbol after the amount");
  ps.add("decimal_separator", &p.decimal_separator, "decimal separator of prices");
  ps.add("thousands_separator", &p.thousands_separator, "thousands separator of prices");
  ps.add("first_name_fallback", &p.first_name_fallback, "{first_name} for customers without one");
  ps.add("to_display_name", &p.to_display_name, "first name as To: display name");
  ps.add("utm_source", &p.utm_source, "utm_source of links (empty = no utm parameters)");
}

void check_sender_params(const SenderParams& p) {
  const auto single_line = [](const std::string& v, const char* field) {
    TAILOR_CHECK(sanitize_single_line(v) == v && !v.empty(),
                 "sender." << field
                           << " must be a non-empty single line without control "
                              "characters or repeated spaces");
  };
  single_line(p.shop_name, "shop_name");
  if (!p.from_name.empty()) single_line(p.from_name, "from_name");
  TAILOR_CHECK(is_valid_email_address(p.from_address),
               "sender.from_address '" << p.from_address << "' is not a valid address");
  TAILOR_CHECK(p.reply_to.empty() || is_valid_email_address(p.reply_to),
               "sender.reply_to '" << p.reply_to << "' is not a valid address");
  TAILOR_CHECK(p.unsubscribe_mailto.empty() || is_valid_email_address(p.unsubscribe_mailto),
               "sender.unsubscribe_mailto '" << p.unsubscribe_mailto << "' is not a valid address");
  TAILOR_CHECK(!sanitize_multi_line(p.postal_address).empty(), "sender.postal_address is empty");
  TAILOR_CHECK(is_safe_https_url(p.link_base_url),
               "sender.link_base_url '" << p.link_base_url << "' is not a safe https URL");
  TAILOR_CHECK(is_safe_https_url(join_url(p.link_base_url, p.product_path + "x")),
               "sender.product_path '" << p.product_path << "' does not give a safe https URL");
  TAILOR_CHECK(is_safe_https_url(p.unsubscribe_base_url) &&
                   p.unsubscribe_base_url.find('#') == std::string::npos,
               "sender.unsubscribe_base_url '" << p.unsubscribe_base_url
                                               << "' is not a safe https URL without fragment");
  const std::string domain =
      p.message_id_domain.empty() ? email_domain(p.from_address) : p.message_id_domain;
  TAILOR_CHECK(is_valid_email_address("x@" + domain),
               "sender.message_id_domain '" << domain << "' is not a valid domain");
  TAILOR_CHECK(!p.secret_env.empty() || !p.secret_file.empty(),
               "sender: set secret_env or secret_file (the unsubscribe-token secret)");
  for (const auto& [v, f] : {std::pair{&p.currency_symbol, "currency_symbol"},
                             std::pair{&p.decimal_separator, "decimal_separator"},
                             std::pair{&p.thousands_separator, "thousands_separator"}})
    TAILOR_CHECK(sanitize_single_line(*v) == *v && v->size() <= 8,
                 "sender." << f << " must be a short single line, got '" << *v << "'");
  TAILOR_CHECK(!p.decimal_separator.empty(), "sender.decimal_separator is empty");
  single_line(p.first_name_fallback, "first_name_fallback");
  TAILOR_CHECK(sanitize_single_line(p.utm_source) == p.utm_source,
               "sender.utm_source must be a single line");
}

std::string resolve_sender_secret(const SenderParams& p) {
  std::string secret;
  if (!p.secret_file.empty()) {
    std::ifstream in(p.secret_file, std::ios::binary);
    TAILOR_CHECK(in.good(), "sender.secret_file '" << p.secret_file
                                                   << "' cannot be read: " << std::strerror(errno));
    std::getline(in, secret);
    while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
    TAILOR_CHECK(secret.size() >= 16, "sender.secret_file '"
                                          << p.secret_file
                                          << "': the secret must be at least 16 bytes");
  } else {
    const char* v = std::getenv(p.secret_env.c_str());
    TAILOR_CHECK(v != nullptr && std::strlen(v) >= 16,
                 "sender: the unsubscribe-token secret is missing: set $"
                     << p.secret_env << " (at least 16 bytes) or sender.secret_file");
    secret = v;
  }
  return secret;
}

std::string format_price(double amount, const SenderParams& p) {
  if (!std::isfinite(amount) || amount < 0 || amount >= 1e12) return "";
  const long long cents = std::llround(amount * 100.0);
  const std::string whole = std::to_string(cents / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += p.thousands_separator;
    grouped += whole[i];
  }
  char frac[8];
  std::snprintf(frac, sizeof frac, "%02lld", cents % 100);
  const std::string number = grouped + p.decimal_separator + frac;
  return p.currency_symbol_after ? number + " " + p.currency_symbol : p.currency_symbol + number;
}

}  // namespace tailor
