// One email from its parts: template values (escaped per part), links (https, percent-encoded,
// utm parameters), the per-customer unsubscribe URL with its HMAC token, the Message-ID, and the
// MIME bytes.
#pragma once

#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/email/campaign_templates.h"
#include "core/email/sender_params.h"
#include "core/email/text_sanitize.h"

namespace tailor {

/// Per-run values shared by every email.
struct EmailRenderContext {
  SenderParams sender;
  std::string secret;  ///< HMAC key of unsubscribe tokens (never written anywhere)
  std::string run_id;
  std::string message_id_domain;  ///< resolved (sender.message_id_domain or From's domain)
};

/// A recommended item as shown in the product block.
struct ShownProduct {
  std::string product_id;  ///< external id
  std::string title;       ///< sanitised single line
  std::string price;       ///< formatted, "" unknown
  std::string category;
  std::string url;  ///< checked https URL
  float score = 0;
};

/// Everything specific to one customer's email. Text fields are sanitised again inside.
struct EmailContent {
  const CampaignTemplate* tmpl = nullptr;
  std::string customer_id;               ///< external id
  std::string to_address;                ///< valid address
  std::string to_name;                   ///< display name in To: ("" none)
  std::string first_name;                ///< {{first_name}} (fallback applied)
  std::string subject, body, preheader;  ///< slots already filled
  std::vector<ShownProduct> products;
  UnixTime send_at = 0;
  int16_t tz_offset_min = 0;
};

EmailRenderContext make_render_context(const SenderParams& sender, std::string secret,
                                       std::string run_id);

/// 32 hex digits: the first 128 bits of HMAC-SHA256(secret, customer external id).
std::string unsubscribe_token(const std::string& secret, const std::string& customer_id);
/// unsubscribe_base_url?c=<customer id>&t=<token>.
std::string unsubscribe_url(const EmailRenderContext& ctx, const std::string& customer_id);
/// "<32 hex of SHA-256(run id, customer id, campaign)>@<domain>" (no angle brackets).
std::string message_id_for(const EmailRenderContext& ctx, const std::string& customer_id,
                           const std::string& campaign);
/// Adds utm_source / utm_medium=email / utm_campaign when the sender sets utm_source.
std::string tracked_link(const EmailRenderContext& ctx, const std::string& url,
                         const std::string& campaign);
/// The product page of `product_id`, tracked; "" when it is not a safe URL.
std::string product_link(const EmailRenderContext& ctx, const std::string& product_id,
                         const std::string& campaign);

/// Appends the MIME message of `c` to `out` and returns its Message-ID.
std::string render_email(const EmailRenderContext& ctx, const EmailContent& c, std::string& out,
                         SanitizeStats* stats = nullptr);

}  // namespace tailor
