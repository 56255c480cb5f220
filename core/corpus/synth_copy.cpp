// generate_synth_copy: phrase-bank e-mails for the synthetic shop, one independent random stream
// per document so the result depends only on the seed and the document index.
#include "core/corpus/synth_copy.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/corpus/copy_slots.h"
#include "core/corpus/embedded_data.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/data/synth_rng.h"

namespace tailor {

const char* copy_tone_name(CopyTone t) {
  switch (t) {
    case CopyTone::kSavings:
      return "savings";
    case CopyTone::kExclusive:
      return "exclusive";
    default:
      return "neutral";
  }
}

const std::vector<std::string>& copy_phrase_parts() {
  static const std::vector<std::string> kParts = {"subject", "opening", "product", "offer",
                                                  "call_to_action"};
  return kParts;
}

namespace {

std::string at(const std::string& source, const YAML::Node& n) {
  return source + " line " + std::to_string(n.Mark().line + 1);
}

YAML::Node need(const std::string& source, const YAML::Node& parent, const std::string& key,
                const std::string& where) {
  const YAML::Node n = parent[key];
  TAILOR_CHECK(n, "phrase bank " << source << ": missing '" << where << (where.empty() ? "" : ".")
                                 << key << "'");
  return n;
}

/// A non-empty list of phrases that use only the copy slots.
std::vector<std::string> phrases(const std::string& source, const YAML::Node& n,
                                 const std::string& key) {
  TAILOR_CHECK(n.IsSequence() && n.size() > 0,
               at(source, n) << ": '" << key << "' must be a non-empty list of phrases");
  std::vector<std::string> out;
  for (const YAML::Node& p : n) {
    TAILOR_CHECK(p.IsScalar(), at(source, p) << ": '" << key << "' entries must be text");
    const std::string s = p.Scalar();
    TAILOR_CHECK(!s.empty(), at(source, p) << ": empty phrase in '" << key << "'");
    TAILOR_CHECK(only_known_slots(s),
                 at(source, p) << ": phrase '" << s << "' in '" << key
                               << "' uses a brace that is not one of the slots {first_name}, "
                                  "{product}, {category}, {price}, {discount}, {shop}");
    out.push_back(s);
  }
  return out;
}

std::vector<std::vector<std::string>> per_tone(const std::string& source, const YAML::Node& n,
                                               const std::string& key) {
  TAILOR_CHECK(n.IsMap(), at(source, n)
                              << ": '" << key
                              << "' must map each tone (neutral, savings, exclusive) to phrases");
  std::vector<std::vector<std::string>> out;
  for (int t = 0; t < kCopyToneCount; ++t) {
    const char* tone = copy_tone_name(static_cast<CopyTone>(t));
    out.push_back(phrases(source, need(source, n, tone, key), key + "." + tone));
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    TAILOR_CHECK(k == "neutral" || k == "savings" || k == "exclusive",
                 at(source, it->first)
                     << ": unknown tone '" << key << "." << k << "' (neutral, savings, exclusive)");
  }
  return out;
}

double number(const std::string& source, const YAML::Node& n, const std::string& key) {
  try {
    return n.as<double>();
  } catch (const YAML::Exception&) {
    TAILOR_FAIL(at(source, n) << ": '" << key << "' must be a number");
  }
}

const std::string& pick(const std::vector<std::string>& v, SynthRng& rng) {
  return v[static_cast<size_t>(rng.below(static_cast<int64_t>(v.size())))];
}

}  // namespace

CopyPhraseBank parse_copy_phrase_bank(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& ex) {
    TAILOR_FAIL("phrase bank " << source << " is not valid YAML: line " << ex.mark.line + 1 << ": "
                               << ex.msg);
  }
  TAILOR_CHECK(root.IsMap(), "phrase bank " << source << " must be a YAML map");
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    TAILOR_CHECK(k == "tones" || k == "offer_probability" || k == "greeting" || k == "sign_off" ||
                     k == "campaigns",
                 at(source, it->first)
                     << ": unknown key '" << k
                     << "' (tones, offer_probability, greeting, sign_off, campaigns)");
  }
  CopyPhraseBank b;
  b.source = source;
  const YAML::Node tones = need(source, root, "tones", "");
  b.min_price_sensitivity = number(source,
                                   need(source, need(source, tones, "savings", "tones"),
                                        "min_price_sensitivity", "tones.savings"),
                                   "tones.savings.min_price_sensitivity");
  b.min_activity_ratio = number(source,
                                need(source, need(source, tones, "exclusive", "tones"),
                                     "min_activity_ratio", "tones.exclusive"),
                                "tones.exclusive.min_activity_ratio");
  const YAML::Node offer = need(source, root, "offer_probability", "");
  for (int t = 0; t < kCopyToneCount; ++t) {
    const char* tone = copy_tone_name(static_cast<CopyTone>(t));
    const double v = number(source, need(source, offer, tone, "offer_probability"),
                            std::string("offer_probability.") + tone);
    TAILOR_CHECK(v >= 0 && v <= 1, at(source, offer[tone])
                                       << ": offer_probability." << tone << " must be in [0, 1]");
    b.offer_probability.push_back(v);
  }
  b.greeting = per_tone(source, need(source, root, "greeting", ""), "greeting");
  b.sign_off = per_tone(source, need(source, root, "sign_off", ""), "sign_off");
  const YAML::Node campaigns = need(source, root, "campaigns", "");
  TAILOR_CHECK(campaigns.IsMap(), at(source, campaigns) << ": 'campaigns' must be a map");
  const std::vector<std::string>& names = synth_campaign_names();
  for (auto it = campaigns.begin(); it != campaigns.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    TAILOR_CHECK(std::find(names.begin(), names.end(), k) != names.end(),
                 at(source, it->first)
                     << ": '" << k << "' is not a campaign of the synthetic shop");
  }
  for (const std::string& name : names) {
    const YAML::Node c = need(source, campaigns, name, "campaigns");
    std::vector<std::vector<std::vector<std::string>>> parts;
    for (const std::string& part : copy_phrase_parts())
      parts.push_back(per_tone(source, need(source, c, part, "campaigns." + name),
                               "campaigns." + name + "." + part));
    for (auto it = c.begin(); it != c.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      const auto& known = copy_phrase_parts();
      TAILOR_CHECK(std::find(known.begin(), known.end(), k) != known.end(),
                   at(source, it->first) << ": unknown part 'campaigns." << name << "." << k
                                         << "' (subject, opening, product, offer, call_to_action)");
    }
    b.campaigns.push_back(std::move(parts));
  }
  return b;
}

CopyPhraseBank load_copy_phrase_bank(const std::string& path) {
  if (path == "builtin")
    return parse_copy_phrase_bank(embedded_synth_copy_phrase_bank(),
                                  "builtin (configs/synth_copy.yaml)");
  std::ifstream in(path);
  TAILOR_CHECK(in.good(), "cannot open phrase bank '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_copy_phrase_bank(ss.str(), "'" + path + "'");
}

CopyTone copy_tone_of(const CopyPhraseBank& bank, double price_sensitivity, double activity_ratio) {
  if (price_sensitivity >= bank.min_price_sensitivity) return CopyTone::kSavings;
  if (activity_ratio >= bank.min_activity_ratio) return CopyTone::kExclusive;
  return CopyTone::kNeutral;
}

std::map<std::string, int64_t> generate_synth_copy(const SynthParams& p,
                                                   const SynthCatalog& catalog,
                                                   const CopyPhraseBank& bank, Dataset& ds) {
  std::map<std::string, int64_t> counts;
  if (p.copy_documents <= 0) return counts;
  const CustomerTable& c = ds.customers;
  // Only customers the shop may e-mail (opted in, not unsubscribed, not suppressed) get copy.
  std::vector<int64_t> emailable;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.consent[i] && !c.unsubscribed[i] && !c.suppressed[i])
      emailable.push_back(static_cast<int64_t>(i));
  TAILOR_CHECK(!emailable.empty(),
               "synth: copy_documents > 0 but no customer may be e-mailed (consent_rate too low?)");
  const int K = static_cast<int>(catalog.category_names.size());
  const auto& campaigns = synth_campaign_names();
  TextCorpusTable& k = ds.corpus;
  int64_t next_id = 0;
  for (int64_t d : k.document) next_id = std::max(next_id, d + 1);
  const size_t n = static_cast<size_t>(p.copy_documents);
  for (auto* v : {&k.source, &k.text, &k.campaign, &k.category}) v->reserve(v->size() + 2 * n);

  for (int64_t doc = 0; doc < p.copy_documents; ++doc) {
    SynthRng rng(p.seed, static_cast<uint64_t>(doc), SynthStream::kCopy);
    const int64_t cust =
        emailable[static_cast<size_t>(rng.below(static_cast<int64_t>(emailable.size())))];
    const SynthLatentCustomer latent = synth_latent_customer(p, cust);
    // Campaign: uniform; birthday mail only to customers whose birthday is known.
    int campaign = static_cast<int>(rng.below(kSynthCampaignCount));
    while (campaign == kBirthday && c.birthday[static_cast<size_t>(cust)] == -1)  // -1 = unknown
      campaign = static_cast<int>(rng.below(kSynthCampaignCount));
    const CopyTone tone =
        copy_tone_of(bank, latent.price_sensitivity, latent.activity / p.purchases_per_year);
    const int t = static_cast<int>(tone);
    // Product: a category drawn from the customer's tastes, then a product by popularity.
    double total = 0;
    for (int j = 0; j < K; ++j) total += latent.taste[static_cast<size_t>(j)];
    double u = rng.uniform() * total;
    int cat = K - 1;
    for (int j = 0; j < K; ++j) {
      u -= latent.taste[static_cast<size_t>(j)];
      if (u < 0) {
        cat = j;
        break;
      }
    }
    const int32_t product = catalog.draw_product(cat, rng);

    const auto& parts = bank.campaigns[static_cast<size_t>(campaign)];
    const std::string& subject = pick(parts[0][static_cast<size_t>(t)], rng);
    std::string body = pick(bank.greeting[static_cast<size_t>(t)], rng);
    body += "\n\n";
    body += pick(parts[1][static_cast<size_t>(t)], rng);
    body += ' ';
    body += pick(parts[2][static_cast<size_t>(t)], rng);
    if (rng.uniform() < bank.offer_probability[static_cast<size_t>(t)]) {
      body += ' ';
      body += pick(parts[3][static_cast<size_t>(t)], rng);
    }
    body += "\n\n";
    body += pick(parts[4][static_cast<size_t>(t)], rng);
    body += "\n\n";
    body += pick(bank.sign_off[static_cast<size_t>(t)], rng);
    const double s = rng.uniform();
    const uint8_t split = static_cast<uint8_t>(s < 0.8   ? CorpusSplit::kTrain
                                               : s < 0.9 ? CorpusSplit::kDev
                                                         : CorpusSplit::kTest);

    for (int row = 0; row < 2; ++row) {
      k.document.push_back(next_id + doc);
      k.source.push_back("synth");
      k.field.push_back(static_cast<uint8_t>(row == 0 ? TextField::kSubject : TextField::kBody));
      k.split.push_back(split);
      k.text.push_back(row == 0 ? subject : body);
      k.campaign.push_back(campaigns[static_cast<size_t>(campaign)]);
      k.category.push_back(catalog.category_names[static_cast<size_t>(cat)]);
      k.customer.push_back(cust);
      k.product.push_back(product);
      k.spam.push_back(-1);
      k.open_rate.push_back(NAN);
      k.click_rate.push_back(NAN);
    }
    ++counts["campaign:" + campaigns[static_cast<size_t>(campaign)]];
    ++counts[std::string("tone:") + copy_tone_name(tone)];
    ++counts[std::string("split:") + (split == 0 ? "train" : split == 1 ? "dev" : "test")];
  }
  return counts;
}

}  // namespace tailor
