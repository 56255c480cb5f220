// Loading of campaign template files: YAML with line-accurate errors, the schema, compliance
// checks (the legal footer in both parts) and slot checks of the fallback copy.
#include "core/email/campaign_templates.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/email/sha256.h"
#include "core/email/slot_filling.h"
#include "core/email/url_check.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  TAILOR_CHECK(in.good(), "cannot read template file '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A parsed YAML file with its raw lines, for line numbers of block scalars.
struct YamlFile {
  std::string path, bytes;
  std::vector<std::string> lines;
  YAML::Node root;

  explicit YamlFile(std::string p) : path(std::move(p)), bytes(read_file_bytes(path)) {
    std::istringstream ls(bytes);
    for (std::string l; std::getline(ls, l);) lines.push_back(l);
    try {
      root = YAML::Load(bytes);
    } catch (const YAML::Exception& ex) {
      TAILOR_FAIL(path << ":" << ex.mark.line + 1 << ": not valid YAML: " << ex.msg);
    }
    TAILOR_CHECK(root.IsMap(), path << ": a template file is a YAML map");
  }

  /// 1-based line of the first character of `node`'s value: the line after "key: |" for a
  /// literal block, the node's own line otherwise.
  int value_line(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    if (m.line >= 0 && static_cast<size_t>(m.line) < lines.size()) {
      const std::string& l = lines[m.line];
      if (m.column >= 0 && static_cast<size_t>(m.column) < l.size() && l[m.column] == '|')
        return m.line + 2;
    }
    return m.line + 1;
  }
  bool is_literal_block(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    return m.line >= 0 && static_cast<size_t>(m.line) < lines.size() && m.column >= 0 &&
           static_cast<size_t>(m.column) < lines[m.line].size() && lines[m.line][m.column] == '|';
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    TAILOR_CHECK(n.IsScalar(),
                 path << ":" << n.Mark().line + 1 << ": '" << key << "' must be a string");
    return n.as<std::string>();
  }
  /// A multi-line text field must be a literal block so that error lines are exact.
  std::string block(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    TAILOR_CHECK(
        s.find('\n') == std::string::npos || s.find('\n') + 1 == s.size() || is_literal_block(n),
        path << ":" << n.Mark().line + 1 << ": '" << key
             << "' spans lines: write it as a literal block ('" << key << ": |')");
    return s;
  }
};

void check_slots(const YamlFile& f, const YAML::Node& n, const std::string& key,
                 const std::string& text) {
  const std::vector<std::string> bad = unknown_slots(text);
  if (bad.empty()) return;
  // Point at the line holding the first unknown slot.
  int line = f.value_line(n);
  const size_t at = text.find("{" + bad[0] + "}");
  if (at != std::string::npos && f.is_literal_block(n))
    for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
  std::ostringstream known;
  for (const auto& s : known_slot_names()) known << " {" << s << "}";
  TAILOR_FAIL(f.path << ":" << line << ": unknown slot {" << bad[0] << "} in '" << key
                     << "' (known:" << known.str() << ")");
}

bool is_safe_campaign_name(const std::string& c) {
  if (c.empty() || c.size() > 64) return false;
  for (char ch : c)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
      return false;
  return true;
}

}  // namespace

const TemplateSchema& email_template_schema() {
  static const TemplateSchema schema = [] {
    using K = TemplateValueKind;
    TemplateSchema s;
    s.fields = {{"subject", K::kText, {}},
                {"preheader", K::kText, {}},
                {"body", K::kParagraphs, {}},
                {"first_name", K::kText, {}},
                {"shop_name", K::kText, {}},
                {"campaign", K::kText, {}},
                {"discount", K::kText, {}},
                {"cta_text", K::kText, {}},
                {"cta_url", K::kUrl, {}},
                {"shop_url", K::kUrl, {}},
                {"unsubscribe_url", K::kUrl, {}},
                {"postal_address", K::kLines, {}},
                {"products",
                 K::kList,
                 {{"title", K::kText, {}},
                  {"price", K::kText, {}},
                  {"url", K::kUrl, {}},
                  {"category", K::kText, {}}}}};
    return s;
  }();
  return schema;
}

CampaignTemplates CampaignTemplates::load(const std::string& dir,
                                          const std::vector<std::string>& campaigns,
                                          const std::string& link_base_url) {
  CampaignTemplates set;
  Sha256 fp;
  const TemplateSchema& schema = email_template_schema();

  // Partials: `text:` and `html:` maps of name -> literal block.
  TemplatePartials partials[2];
  const std::string partials_path = (fs::path(dir) / "partials.yaml").string();
  if (fs::exists(partials_path)) {
    YamlFile f(partials_path);
    fp.update("partials.yaml\n" + sha256_hex(f.bytes) + "\n");
    for (auto it = f.root.begin(); it != f.root.end(); ++it) {
      const std::string part = it->first.as<std::string>();
      TAILOR_CHECK(part == "text" || part == "html",
                   partials_path << ":" << it->first.Mark().line + 1 << ": unknown key '" << part
                                 << "' (partials.yaml holds 'text' and 'html' maps)");
      TAILOR_CHECK(it->second.IsMap(), partials_path << ":" << it->second.Mark().line + 1 << ": '"
                                                     << part << "' must be a map of partials");
      TemplatePartials& p = partials[part == "html"];
      for (auto jt = it->second.begin(); jt != it->second.end(); ++jt) {
        const std::string name = jt->first.as<std::string>();
        const std::string key = "partials." + part + "." + name;
        p.texts[name] = {f.block(jt->second, key),
                         TemplateSource{partials_path, f.value_line(jt->second), key}};
      }
    }
  }

  std::vector<std::string> missing;
  for (const std::string& c : campaigns) {
    if (set.templates_.count(c)) continue;
    TAILOR_CHECK(is_safe_campaign_name(c),
                 "campaign name '" << c << "' cannot name a template file (use [a-z0-9_-])");
    const std::string path = (fs::path(dir) / (c + ".yaml")).string();
    if (!fs::exists(path)) {
      missing.push_back(path);
      continue;
    }
    YamlFile f(path);
    fp.update(c + ".yaml\n" + sha256_hex(f.bytes) + "\n");
    CampaignTemplate t;
    t.campaign = c;
    t.file = path;
    t.sha256 = sha256_hex(f.bytes);
    static const std::set<std::string> kKeys = {
        "campaign",     "subject_fallback",  "body_fallback", "preheader", "discount",
        "max_products", "requires_products", "cta_text",      "cta_url",   "text",
        "html"};
    for (auto it = f.root.begin(); it != f.root.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      TAILOR_CHECK(kKeys.count(k), path << ":" << it->first.Mark().line + 1 << ": unknown key '"
                                        << k
                                        << "' (known: campaign, subject_fallback, "
                                           "body_fallback, preheader, discount, max_products, "
                                           "requires_products, cta_text, cta_url, text, html)");
    }
    const YAML::Node& root = f.root;
    for (const char* k :
         {"campaign", "subject_fallback", "body_fallback", "cta_text", "cta_url", "text", "html"})
      TAILOR_CHECK(root[k], path << ": missing key '" << k << "'");
    TAILOR_CHECK(f.scalar(root["campaign"], "campaign") == c,
                 path << ":" << root["campaign"].Mark().line + 1 << ": campaign '"
                      << root["campaign"].as<std::string>() << "' does not match the file name");
    t.subject_fallback = f.scalar(root["subject_fallback"], "subject_fallback");
    TAILOR_CHECK(t.subject_fallback.find('\n') == std::string::npos && !t.subject_fallback.empty(),
                 path << ":" << root["subject_fallback"].Mark().line + 1
                      << ": subject_fallback must be one non-empty line");
    check_slots(f, root["subject_fallback"], "subject_fallback", t.subject_fallback);
    t.body_fallback = f.block(root["body_fallback"], "body_fallback");
    check_slots(f, root["body_fallback"], "body_fallback", t.body_fallback);
    if (root["preheader"]) {
      t.preheader = f.scalar(root["preheader"], "preheader");
      check_slots(f, root["preheader"], "preheader", t.preheader);
    }
    if (root["discount"]) t.discount = f.scalar(root["discount"], "discount");
    if (root["max_products"]) {
      try {
        t.max_products = root["max_products"].as<int>();
      } catch (const YAML::Exception&) {
        TAILOR_FAIL(path << ":" << root["max_products"].Mark().line + 1
                         << ": max_products must be an integer");
      }
      TAILOR_CHECK(t.max_products >= 0 && t.max_products <= 20,
                   path << ":" << root["max_products"].Mark().line + 1
                        << ": max_products must be in [0, 20], got " << t.max_products);
    }
    if (root["requires_products"]) {
      try {
        t.requires_products = root["requires_products"].as<bool>();
      } catch (const YAML::Exception&) {
        TAILOR_FAIL(path << ":" << root["requires_products"].Mark().line + 1
                         << ": requires_products must be true or false");
      }
    }
    t.cta_text = f.scalar(root["cta_text"], "cta_text");
    const std::string cta = f.scalar(root["cta_url"], "cta_url");
    t.cta_url = !cta.empty() && cta[0] == '/' ? join_url(link_base_url, cta) : cta;
    TAILOR_CHECK(is_safe_https_url(t.cta_url),
                 path << ":" << root["cta_url"].Mark().line + 1 << ": cta_url '" << cta
                      << "' is neither a path ('/...') nor a safe https URL");
    for (int part = 0; part < 2; ++part) {
      const char* key = part ? "html" : "text";
      const YAML::Node n = root[key];  // const lookup: never inserts
      Template tp =
          Template::parse(f.block(n, key), TemplateSource{path, f.value_line(n), key}, schema,
                          part ? TemplatePart::kHtml : TemplatePart::kText, partials[part]);
      TAILOR_CHECK(
          tp.always_renders(kFieldUnsubscribeUrl) && tp.always_renders(kFieldPostalAddress),
          path << ":" << n.Mark().line + 1 << ": the " << key
               << " part must show {{unsubscribe_url}} and {{postal_address}} outside "
                  "every section (the legal footer; partials count)");
      (part ? t.html : t.text) = std::move(tp);
    }
    set.templates_.emplace(c, std::move(t));
  }
  if (!missing.empty()) {
    std::ostringstream os;
    for (const auto& m : missing) os << "\n  " << m;
    TAILOR_FAIL("no template for " << missing.size() << " campaign(s) of the dataset:" << os.str());
  }
  set.fingerprint_ = hex_lower(fp.digest());
  return set;
}

const CampaignTemplate& CampaignTemplates::get(const std::string& campaign) const {
  const auto it = templates_.find(campaign);
  TAILOR_CHECK(it != templates_.end(), "no template loaded for campaign '" << campaign << "'");
  return it->second;
}

int CampaignTemplates::max_products() const {
  int m = 0;
  for (const auto& [name, t] : templates_) m = std::max(m, t.max_products);
  return m;
}

}  // namespace tailor
