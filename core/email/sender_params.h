// The sender's identity and formats (configs/email.yaml, section `sender`): shop name, From and
// Reply-To addresses, postal address, link and unsubscribe URLs, the unsubscribe-token secret and
// how prices are written.
#pragma once

#include <string>

#include "core/config/param_set.h"

namespace tailor {

/// Every parameter of the sender identity (configs/email.yaml holds them with these defaults).
struct SenderParams {
  /// Shop name: the {shop} slot, {{shop_name}} in templates, the From display name by default.
  std::string shop_name = "Tailor Demo Shop";
  /// From address (must be a valid address on a domain the retailer controls).
  std::string from_address = "news@shop.example";
  /// From display name; "" = shop_name.
  std::string from_name = "";
  /// Reply-To address; "" = no Reply-To header.
  std::string reply_to = "";
  /// Postal address printed in both footers (CAN-SPAM / ePrivacy); lines separated by "\n".
  std::string postal_address =
      "Tailor Demo Shop Ltd\n1 Example Street\nLondon EC1A 1AA\nUnited Kingdom";
  /// Base of every shop link (https only, no trailing slash needed).
  std::string link_base_url = "https://shop.example";
  /// Product pages: link_base_url + this + the percent-encoded product external id.
  std::string product_path = "/products/";
  /// One-click unsubscribe endpoint (https); the job adds ?c=<customer id>&t=<token>.
  std::string unsubscribe_base_url = "https://shop.example/unsubscribe";
  /// Address for mailto: unsubscribes, also listed in List-Unsubscribe; "" = https only.
  std::string unsubscribe_mailto = "";
  /// Domain of Message-IDs; "" = the domain of from_address.
  std::string message_id_domain = "";
  /// Environment variable holding the unsubscribe-token secret (HMAC-SHA256 key, >= 16 bytes).
  std::string secret_env = "TAILOR_EMAIL_SECRET";
  /// File holding the secret instead (first line); "" = use secret_env.
  std::string secret_file = "";
  /// Currency symbol of formatted prices ({price}, product blocks).
  std::string currency_symbol = "£";
  /// Write the symbol after the amount ("12,50 €") instead of before ("£12.50").
  bool currency_symbol_after = false;
  /// Decimal separator of prices.
  std::string decimal_separator = ".";
  /// Thousands separator of prices ("" = none).
  std::string thousands_separator = ",";
  /// {first_name} when the customer's first name is empty.
  std::string first_name_fallback = "there";
  /// Put the customer's first name as display name in To:.
  bool to_display_name = true;
  /// utm_source of shop links (utm_medium=email, utm_campaign=<campaign>); "" = no utm parameters.
  std::string utm_source = "tailor";
};

void bind_sender_params(ParamSet& ps, SenderParams& p);
/// Checks addresses, URLs (https only) and formats; throws tailor::Error naming the field.
void check_sender_params(const SenderParams& p);
/// Reads the secret from secret_file or $secret_env; throws when missing or shorter than 16 bytes.
/// The secret is never logged or written to any output.
std::string resolve_sender_secret(const SenderParams& p);

/// "£1,234.50" style price with the sender's currency format; "" when not finite or negative.
std::string format_price(double amount, const SenderParams& p);

}  // namespace tailor
