// The template placeholder language (rendering, escaping per part, standalone lines, partials,
// errors with file and line), campaign template files, and the shipped configs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/data/synth_model.h"
#include "core/email/campaign_templates.h"
#include "core/email/eligibility.h"
#include "core/email/email_job.h"
#include "core/email/sender_params.h"
#include "core/email/slot_filling.h"

namespace fs = std::filesystem;

namespace tailor {
namespace {

TemplateSchema toy_schema() {
  using K = TemplateValueKind;
  TemplateSchema s;
  s.fields = {{"name", K::kText, {}},
              {"body", K::kParagraphs, {}},
              {"link", K::kUrl, {}},
              {"items", K::kList, {{"title", K::kText, {}}, {"price", K::kText, {}}}},
              {"flag", K::kText, {}}};
  return s;
}

std::string render(const std::string& text, TemplatePart part, const TemplateValues& v,
                   const TemplatePartials& partials = {}) {
  const TemplateSchema s = toy_schema();
  const Template t =
      Template::parse(text, TemplateSource{"toy.yaml", 10, "html"}, s, part, partials);
  std::string out;
  t.render(v, out);
  return out;
}

TemplateValues toy_values() {
  TemplateValues v(toy_schema());
  v.scalars[0] = "<Zoë & \"Bob\">";
  v.scalars[1] = "Hello <there>\n\nBye";
  v.scalars[2] = "https://shop.example/a?x=1&y=2";
  v.lists[3] = {{"<script>alert(1)</script>", "£3.00"}, {"Mug 'Co'", ""}};
  return v;
}

std::string parse_error(const std::string& text, const TemplatePartials& partials = {}) {
  const TemplateSchema s = toy_schema();
  try {
    Template::parse(text, TemplateSource{"toy.yaml", 10, "html"}, s, TemplatePart::kHtml, partials);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(EmailTemplate, EscapesEveryValueInHtmlAndNothingInText) {
  const TemplateValues v = toy_values();
  const std::string tpl =
      "Hi {{name}}! <a href=\"{{link}}\">x</a>\n{{body}}\n"
      "{{#items}}[{{title}}{{#price}} {{price}}{{/price}}]{{/items}}";
  EXPECT_EQ(
      render(tpl, TemplatePart::kHtml, v),
      "Hi &lt;Zoë &amp; &quot;Bob&quot;&gt;! <a href=\"https://shop.example/a?x=1&amp;y=2\">x</a>\n"
      "<p>Hello &lt;there&gt;</p>\n<p>Bye</p>\n"
      "[&lt;script&gt;alert(1)&lt;/script&gt; £3.00][Mug &#39;Co&#39;]");
  EXPECT_EQ(
      render(tpl, TemplatePart::kText, v),
      "Hi <Zoë & \"Bob\">! <a href=\"https://shop.example/a?x=1&y=2\">x</a>\nHello <there>\n\nBye\n"
      "[<script>alert(1)</script> £3.00][Mug 'Co']");
}

TEST(EmailTemplate, SectionsInvertedCommentsAndStandaloneLines) {
  TemplateValues v = toy_values();
  const std::string tpl =
      "start\n  {{#items}}\n- {{title}}\n  {{/items}}\n{{! a comment }}\n"
      "{{^flag}}\nno flag\n{{/flag}}\n{{#flag}}flag{{/flag}}end";
  EXPECT_EQ(render(tpl, TemplatePart::kText, v),
            "start\n- <script>alert(1)</script>\n- Mug 'Co'\nno flag\nend");
  v.scalars[4] = "yes";
  v.lists[3].clear();
  EXPECT_EQ(render(tpl, TemplatePart::kText, v), "start\nflagend");
}

TEST(EmailTemplate, PartialsExpandInScope) {
  TemplatePartials p;
  p.texts["item"] = {"<li>{{title}}</li>\n",
                     TemplateSource{"partials.yaml", 3, "partials.html.item"}};
  p.texts["loop"] = {"{{#items}}\n{{> item}}\n{{/items}}\n",
                     TemplateSource{"partials.yaml", 7, "partials.html.loop"}};
  EXPECT_EQ(
      render("<ul>\n{{> loop}}\n</ul>", TemplatePart::kHtml, toy_values(), p),
      "<ul>\n<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>\n<li>Mug &#39;Co&#39;</li>\n</ul>");
  // An error inside a partial names the partial's file and line.
  p.texts["bad"] = {"ok\n{{nope}}\n", TemplateSource{"partials.yaml", 20, "partials.html.bad"}};
  const std::string e = parse_error("{{> bad}}", p);
  EXPECT_NE(e.find("partials.yaml:21: unknown placeholder {{nope}}"), std::string::npos) << e;
  p.texts["self"] = {"{{> self}}", TemplateSource{"partials.yaml", 30, "partials.html.self"}};
  EXPECT_NE(parse_error("{{> self}}", p).find("includes itself"), std::string::npos);
}

TEST(EmailTemplate, ErrorsNameFileAndLine) {
  const std::string e1 = parse_error("line 10\nline 11 {{first_nmae}}\n");
  EXPECT_NE(e1.find("toy.yaml:11: unknown placeholder {{first_nmae}}"), std::string::npos) << e1;
  EXPECT_NE(e1.find("known here: name, body"), std::string::npos) << e1;
  const std::string e2 = parse_error("a\nb\n{{#items}}\n{{title}}\n");
  EXPECT_NE(e2.find("toy.yaml:12: {{#items}} is never closed"), std::string::npos) << e2;
  const std::string e3 = parse_error("{{#items}}\n{{/flag}}");
  EXPECT_NE(e3.find("toy.yaml:11: {{/flag}} closes {{#items}} opened at line 10"),
            std::string::npos)
      << e3;
  EXPECT_NE(parse_error("{{items}}").find("is a list"), std::string::npos);
  EXPECT_NE(parse_error("x\n{{name").find("toy.yaml:11: '{{' without a closing"),
            std::string::npos);
  EXPECT_NE(parse_error("{{{name}}}").find("triple braces"), std::string::npos);
  EXPECT_NE(parse_error("{{Name}}").find("bad placeholder"), std::string::npos);
  EXPECT_NE(parse_error("{{title}}").find("unknown placeholder {{title}}"), std::string::npos)
      << "item fields exist only inside their list";
  EXPECT_NE(parse_error("{{#items}}{{#items}}{{/items}}{{/items}}").find("cannot be nested"),
            std::string::npos);
  EXPECT_NE(parse_error("{{> footer}}").find("unknown partial"), std::string::npos);
  EXPECT_EQ(parse_error("{{#items}}{{title}}{{name}}{{/items}}"), "") << "top-level names in items";
}

TEST(SlotFilling, FillsKnownSlotsAndRejectsUnknownOrEmpty) {
  SlotValues v;
  v.first_name = "Zoë";
  v.product = "Mug {large}";
  v.shop = "Shop";
  SlotFillResult r = fill_slots("Hi {first_name}, {product} at {shop} {not a slot} {}", v);
  ASSERT_EQ(r.status, SlotFillStatus::kOk);
  EXPECT_EQ(r.text, "Hi Zoë, Mug {large} at Shop {not a slot} {}") << "values are not re-scanned";
  r = fill_slots("{first_name}: {Product}", v);
  EXPECT_EQ(r.status, SlotFillStatus::kUnknownSlot);
  EXPECT_EQ(r.slot, "Product");
  r = fill_slots("Save {discount}", v);
  EXPECT_EQ(r.status, SlotFillStatus::kUnfillableSlot);
  EXPECT_EQ(r.slot, "discount");
  EXPECT_EQ(unknown_slots("{a} {price} {b_2}"), (std::vector<std::string>{"a", "b_2"}));
}

class CampaignTemplateFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tailor_tpl_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string load_error(const std::string& campaign) {
    try {
      CampaignTemplates::load(dir_.string(), {campaign}, "https://shop.example");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  static std::string good(const std::string& text_part, const std::string& extra = "",
                          const std::string& body_line = "{first_name}") {
    return "campaign: promo\nsubject_fallback: \"Hi {first_name}\"\nbody_fallback: |\n  Hello\n"
           "  " +
           body_line + "\ncta_text: Go\ncta_url: /go\n" + extra + "text: |\n" + text_part +
           "html: |\n  <p>{{body}}</p>\n  {{unsubscribe_url}} {{postal_address}}\n";
  }
  fs::path dir_;
};

TEST_F(CampaignTemplateFiles, LoadsAndRendersAGoodFile) {
  write("promo.yaml", good("  {{body}}\n  {{unsubscribe_url}}\n  {{postal_address}}\n"));
  const CampaignTemplates t =
      CampaignTemplates::load(dir_.string(), {"promo"}, "https://shop.example");
  EXPECT_EQ(t.get("promo").cta_url, "https://shop.example/go");
  EXPECT_EQ(t.get("promo").body_fallback, "Hello\n{first_name}\n");
  EXPECT_EQ(t.get("promo").sha256.size(), 64u);
}

TEST_F(CampaignTemplateFiles, UnknownPlaceholderNamesFileAndLine) {
  // text's block starts on line 9 of the file; the bad placeholder is its second line.
  write("promo.yaml",
        good("  {{body}}\n  {{first_nme}}\n  {{unsubscribe_url}} {{postal_address}}\n"));
  const std::string e = load_error("promo");
  EXPECT_NE(e.find((dir_ / "promo.yaml").string() + ":10: unknown placeholder {{first_nme}}"),
            std::string::npos)
      << e;
}

TEST_F(CampaignTemplateFiles, UnknownSlotUnknownKeyMissingFooterAndBadUrl) {
  write("promo.yaml",
        good("  {{body}} {{unsubscribe_url}} {{postal_address}}\n", "", "{frist_name}"));
  std::string e = load_error("promo");
  EXPECT_NE(e.find("promo.yaml:5: unknown slot {frist_name} in 'body_fallback'"), std::string::npos)
      << e;

  write("promo.yaml", good("  {{body}} {{unsubscribe_url}} {{postal_address}}\n", "colour: red\n"));
  e = load_error("promo");
  EXPECT_NE(e.find("promo.yaml:8: unknown key 'colour'"), std::string::npos) << e;

  write("promo.yaml",
        good("  {{body}}\n  {{#body}}{{unsubscribe_url}}{{/body}} {{postal_address}}\n"));
  e = load_error("promo");
  EXPECT_NE(e.find("must show {{unsubscribe_url}} and {{postal_address}}"), std::string::npos) << e;

  std::string bad_url = good("  {{body}} {{unsubscribe_url}} {{postal_address}}\n");
  bad_url.replace(bad_url.find("cta_url: /go"), 12, "cta_url: javascript:alert(1)");
  write("promo.yaml", bad_url);
  e = load_error("promo");
  EXPECT_NE(e.find("promo.yaml:7: cta_url 'javascript:alert(1)'"), std::string::npos) << e;

  e = load_error("missing");
  EXPECT_NE(e.find("no template for 1 campaign"), std::string::npos) << e;
}

TEST(ShippedConfigs, EveryCampaignTemplateLoadsAndEmailYamlBindsEveryKey) {
  std::vector<std::string> campaigns = synth_campaign_names();
  campaigns.push_back("mens");
  campaigns.push_back("womens");
  const std::string dir = std::string(TAILOR_SOURCE_DIR) + "/configs/templates";
  const CampaignTemplates t = CampaignTemplates::load(dir, campaigns, "https://shop.example");
  for (const auto& c : campaigns) EXPECT_EQ(t.get(c).campaign, c);

  CLI::App app;
  EmailJobParams job;
  SenderParams sender;
  EligibilityParams elig;
  ParamSet pj(&app, "email"), ps(&app, "sender"), pe(&app, "eligibility");
  bind_email_job_params(pj, job);
  bind_sender_params(ps, sender);
  bind_eligibility_params(pe, elig);
  app.parse(std::vector<std::string>{});
  const YAML::Node root = load_yaml_file(std::string(TAILOR_SOURCE_DIR) + "/configs/email.yaml");
  for (ParamSet* p : {&pj, &ps, &pe}) p->apply_yaml(root, "configs/email.yaml");
  // The file holds exactly the defaults.
  const EmailJobParams dj;
  const SenderParams ds;
  const EligibilityParams de;
  EXPECT_EQ(job.batch_size, dj.batch_size);
  EXPECT_EQ(job.now, dj.now);
  EXPECT_EQ(sender.postal_address, ds.postal_address);
  EXPECT_EQ(sender.currency_symbol, ds.currency_symbol);
  EXPECT_EQ(elig.quiet_hours_start, de.quiet_hours_start);
  EXPECT_EQ(elig.quiet_hours_action, de.quiet_hours_action);
  for (ParamSet* p : {&pj, &ps, &pe})
    for (auto it = root[p->section()].begin(); it != root[p->section()].end(); ++it)
      EXPECT_TRUE(p->to_yaml()[it->first.as<std::string>()]) << it->first.as<std::string>();
  EXPECT_EQ(root["email"].size(), pj.to_yaml().size()) << "configs/email.yaml misses an email key";
  EXPECT_EQ(root["sender"].size(), ps.to_yaml().size()) << "configs/email.yaml misses a sender key";
  EXPECT_EQ(root["eligibility"].size(), pe.to_yaml().size());
  check_sender_params(sender);
  check_email_job_params(job);
  check_eligibility_params(elig);
}

}  // namespace
}  // namespace tailor
