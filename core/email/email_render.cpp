// Assembly of one email: template values, links, headers, MIME bytes.
#include "core/email/email_render.h"

#include "core/common/error.h"
#include "core/email/email_address.h"
#include "core/email/mime_message.h"
#include "core/email/sha256.h"
#include "core/email/url_check.h"

namespace tailor {

EmailRenderContext make_render_context(const SenderParams& sender, std::string secret,
                                       std::string run_id) {
  check_sender_params(sender);
  TAILOR_CHECK(secret.size() >= 16, "the unsubscribe-token secret must be at least 16 bytes");
  EmailRenderContext ctx;
  ctx.sender = sender;
  ctx.secret = std::move(secret);
  ctx.run_id = std::move(run_id);
  ctx.message_id_domain = sender.message_id_domain.empty() ? email_domain(sender.from_address)
                                                           : sender.message_id_domain;
  return ctx;
}

std::string unsubscribe_token(const std::string& secret, const std::string& customer_id) {
  const Sha256Digest d = hmac_sha256(secret, customer_id);
  return hex_lower(d.data(), 16);
}

std::string unsubscribe_url(const EmailRenderContext& ctx, const std::string& customer_id) {
  std::string url = append_query_param(ctx.sender.unsubscribe_base_url, "c", customer_id);
  return append_query_param(std::move(url), "t", unsubscribe_token(ctx.secret, customer_id));
}

std::string message_id_for(const EmailRenderContext& ctx, const std::string& customer_id,
                           const std::string& campaign) {
  Sha256 h;
  h.update(ctx.run_id);
  h.update("\x1f", 1);
  h.update(customer_id);
  h.update("\x1f", 1);
  h.update(campaign);
  const Sha256Digest d = h.digest();
  return hex_lower(d.data(), 16) + "@" + ctx.message_id_domain;
}

std::string tracked_link(const EmailRenderContext& ctx, const std::string& url,
                         const std::string& campaign) {
  if (ctx.sender.utm_source.empty()) return url;
  std::string u = append_query_param(url, "utm_source", ctx.sender.utm_source);
  u = append_query_param(std::move(u), "utm_medium", "email");
  return append_query_param(std::move(u), "utm_campaign", campaign);
}

std::string product_link(const EmailRenderContext& ctx, const std::string& product_id,
                         const std::string& campaign) {
  const std::string url = tracked_link(
      ctx, join_url(ctx.sender.link_base_url, ctx.sender.product_path + percent_encode(product_id)),
      campaign);
  return is_safe_https_url(url) ? url : std::string();
}

std::string render_email(const EmailRenderContext& ctx, const EmailContent& c, std::string& out,
                         SanitizeStats* stats) {
  TAILOR_CHECK(c.tmpl != nullptr, "render_email: no template");
  const CampaignTemplate& t = *c.tmpl;
  const SenderParams& s = ctx.sender;
  TemplateValues v(email_template_schema());
  v.scalars[kFieldSubject] = sanitize_single_line(c.subject, stats);
  v.scalars[kFieldPreheader] = sanitize_single_line(c.preheader, stats);
  v.scalars[kFieldBody] = sanitize_multi_line(c.body, stats);
  v.scalars[kFieldFirstName] = sanitize_single_line(c.first_name, stats);
  v.scalars[kFieldShopName] = s.shop_name;
  v.scalars[kFieldCampaign] = t.campaign;
  v.scalars[kFieldDiscount] = sanitize_single_line(t.discount);
  v.scalars[kFieldCtaText] = sanitize_single_line(t.cta_text);
  v.scalars[kFieldCtaUrl] = tracked_link(ctx, t.cta_url, t.campaign);
  v.scalars[kFieldShopUrl] = tracked_link(ctx, join_url(s.link_base_url, "/"), t.campaign);
  v.scalars[kFieldUnsubscribeUrl] = unsubscribe_url(ctx, c.customer_id);
  v.scalars[kFieldPostalAddress] = sanitize_multi_line(s.postal_address);
  TAILOR_CHECK(is_safe_https_url(v.scalars[kFieldCtaUrl]) &&
                   is_safe_https_url(v.scalars[kFieldShopUrl]) &&
                   is_safe_https_url(v.scalars[kFieldUnsubscribeUrl]),
               "render_email: a link of campaign " << t.campaign << " is not a safe https URL");
  auto& items = v.lists[kFieldProducts];
  items.reserve(c.products.size());
  for (const ShownProduct& p : c.products) {
    TAILOR_CHECK(is_safe_https_url(p.url), "render_email: product link is not a safe https URL");
    std::vector<std::string> item(kItemFieldCount);
    item[kItemTitle] = sanitize_single_line(p.title, stats);
    item[kItemPrice] = sanitize_single_line(p.price, stats);
    item[kItemUrl] = p.url;
    item[kItemCategory] = sanitize_single_line(p.category, stats);
    items.push_back(std::move(item));
  }

  MimeMessage m;
  m.from_name = s.from_name.empty() ? s.shop_name : s.from_name;
  m.from_address = s.from_address;
  m.reply_to = s.reply_to;
  m.to_address = c.to_address;
  m.to_name = s.to_display_name ? sanitize_single_line(c.to_name, stats) : std::string();
  m.subject = v.scalars[kFieldSubject];
  m.date = c.send_at;
  m.date_offset_min = c.tz_offset_min;
  m.message_id = message_id_for(ctx, c.customer_id, t.campaign);
  m.unsubscribe_url = v.scalars[kFieldUnsubscribeUrl];
  if (!s.unsubscribe_mailto.empty())
    m.unsubscribe_mailto = "mailto:" + s.unsubscribe_mailto + "?subject=" +
                           percent_encode("unsubscribe " + c.customer_id + " " +
                                          unsubscribe_token(ctx.secret, c.customer_id));
  m.text_body.reserve(2048);
  t.text.render(v, m.text_body);
  m.html_body.reserve(4096);
  t.html.render(v, m.html_body);
  append_mime_message(out, m);
  return m.message_id;
}

}  // namespace tailor
