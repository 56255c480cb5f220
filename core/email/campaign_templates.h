// Campaign templates as data: configs/templates/<campaign>.yaml (copy fallbacks, discount, CTA,
// product count, the text and HTML layouts) and configs/templates/partials.yaml (shared blocks),
// loaded and checked once per run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/email/email_template.h"

namespace tailor {

/// Fields of the email template schema, in TemplateValues order.
enum EmailTemplateField : int {
  kFieldSubject = 0,     ///< final subject (text)
  kFieldPreheader,       ///< preview text (text)
  kFieldBody,            ///< generated (or fallback) body (paragraphs)
  kFieldFirstName,       ///< first name or the fallback (text)
  kFieldShopName,        ///< sender.shop_name (text)
  kFieldCampaign,        ///< campaign name (text)
  kFieldDiscount,        ///< the campaign's discount, "" none (text)
  kFieldCtaText,         ///< call-to-action label (text)
  kFieldCtaUrl,          ///< call-to-action link (url)
  kFieldShopUrl,         ///< the shop's home page (url)
  kFieldUnsubscribeUrl,  ///< per-customer unsubscribe link (url)
  kFieldPostalAddress,   ///< sender.postal_address (lines)
  kFieldProducts,        ///< recommended items (list)
  kEmailTemplateFieldCount
};
/// Fields of one item of `products`.
enum EmailTemplateItemField : int {
  kItemTitle = 0,
  kItemPrice,
  kItemUrl,
  kItemCategory,
  kItemFieldCount
};

/// The schema every campaign template is parsed against.
const TemplateSchema& email_template_schema();

struct CampaignTemplate {
  std::string campaign;
  std::string file;    ///< path it was loaded from
  std::string sha256;  ///< of the file's bytes (audit records)
  /// Copy used when the model's draft is rejected (slots allowed).
  std::string subject_fallback, body_fallback;
  /// Preview text (slots allowed; "" = none).
  std::string preheader;
  /// The {discount} slot and {{discount}} ("" = the campaign has no discount: {discount} cannot
  /// be filled).
  std::string discount;
  /// Recommended items shown (0..20).
  int max_products = 3;
  /// Skip the customer ("no_products") when there is no item to show.
  bool requires_products = false;
  std::string cta_text;
  std::string cta_url;  ///< absolute https URL (paths are joined to sender.link_base_url)
  Template text, html;
};

class CampaignTemplates {
 public:
  /// Loads `dir`/<campaign>.yaml for every campaign in `campaigns` (and `dir`/partials.yaml when
  /// present). Throws tailor::Error "file:line: ..." for unknown keys, unknown placeholders or
  /// slots, a missing legal footer ({{unsubscribe_url}} and {{postal_address}} outside sections in
  /// both parts), bad URLs and missing files. `link_base_url` resolves relative CTA links.
  static CampaignTemplates load(const std::string& dir, const std::vector<std::string>& campaigns,
                                const std::string& link_base_url);

  /// The template of `campaign`; throws when it was not loaded.
  const CampaignTemplate& get(const std::string& campaign) const;
  /// SHA-256 over every file loaded (part of a run's fingerprint).
  const std::string& fingerprint() const { return fingerprint_; }
  /// Largest max_products over the campaigns.
  int max_products() const;

 private:
  std::map<std::string, CampaignTemplate> templates_;
  std::string fingerprint_;
};

}  // namespace tailor
