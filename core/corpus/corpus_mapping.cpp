// Loads and validates corpus mappings (format: docs/corpus.md "Your own corpus").
#include "core/corpus/corpus_mapping.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/corpus/copy_slots.h"

namespace tailor {

std::vector<const FieldSpec*> CorpusMapping::fields() const {
  std::vector<const FieldSpec*> out;
  for (const auto* f : {&id, &subject, &body, &campaign, &category, &open_rate, &click_rate, &sends,
                        &opens, &clicks, &split})
    if (*f) out.push_back(&**f);
  return out;
}

CorpusMapping parse_corpus_mapping(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& ex) {
    TAILOR_FAIL("corpus mapping " << source << " is not valid YAML: line " << ex.mark.line + 1
                                  << ": " << ex.msg);
  }
  TAILOR_CHECK(root.IsMap(), "corpus mapping " << source << " must be a YAML map");
  check_mapping_keys(root, source, "mapping", {"name", "description", "format", "corpus"});
  CorpusMapping m;
  m.yaml_text = yaml_text;
  auto at = [&](const YAML::Node& n) {
    return source + " line " + std::to_string(n.Mark().line + 1);
  };
  auto scalar = [&](const YAML::Node& n, const std::string& key) {
    TAILOR_CHECK(n.IsScalar(), at(n) << ": '" << key << "' must be a single value");
    return n.Scalar();
  };
  if (root["name"]) m.name = scalar(root["name"], "name");
  if (root["description"]) m.description = scalar(root["description"], "description");
  if (const YAML::Node f = root["format"]) parse_mapping_format(f, source, &m.csv, &m.trim);
  const YAML::Node c = root["corpus"];
  TAILOR_CHECK(c, "corpus mapping " << source << " has no 'corpus' section");
  check_mapping_keys(
      c, source, "corpus",
      {"source", "id", "subject", "body", "body_format", "campaign", "category", "open_rate",
       "click_rate", "sends", "opens", "clicks", "split", "merge_tags"});
  if (c["source"]) m.source = scalar(c["source"], "corpus.source");
  auto field = [&](const char* key, ValueType t, std::optional<FieldSpec>* dst) {
    if (c[key]) *dst = parse_mapping_field(c[key], source, std::string("corpus.") + key, t);
  };
  field("id", ValueType::kString, &m.id);
  field("subject", ValueType::kString, &m.subject);
  field("body", ValueType::kString, &m.body);
  field("campaign", ValueType::kString, &m.campaign);
  field("category", ValueType::kString, &m.category);
  field("open_rate", ValueType::kFloat, &m.open_rate);
  field("click_rate", ValueType::kFloat, &m.click_rate);
  field("sends", ValueType::kInt, &m.sends);
  field("opens", ValueType::kInt, &m.opens);
  field("clicks", ValueType::kInt, &m.clicks);
  field("split", ValueType::kString, &m.split);
  TAILOR_CHECK(m.subject || m.body,
               at(c) << ": corpus needs a 'subject' or a 'body' field (or both)");
  if (c["body_format"]) {
    const std::string f = scalar(c["body_format"], "corpus.body_format");
    TAILOR_CHECK(f == "text" || f == "html", at(c["body_format"])
                                                 << ": corpus.body_format must be text or html");
    m.body_is_html = f == "html";
  }
  TAILOR_CHECK(
      !(m.open_rate && m.opens) && !(m.click_rate && m.clicks),
      at(c)
          << ": give outcomes either as rates (open_rate, click_rate) or as counts (sends, opens, "
             "clicks), not both");
  TAILOR_CHECK(!(m.opens || m.clicks) || m.sends,
               at(c) << ": opens / clicks counts need a 'sends' count to make rates");
  TAILOR_CHECK(!m.sends || m.opens || m.clicks,
               at(c) << ": 'sends' is only used with opens / clicks");
  if (const YAML::Node t = c["merge_tags"]) {
    TAILOR_CHECK(t.IsMap(), at(t) << ": corpus.merge_tags must be a map of \"tag\": slot");
    const auto& slots = copy_slot_names();
    for (auto it = t.begin(); it != t.end(); ++it) {
      const std::string tag = it->first.as<std::string>();
      const std::string slot = scalar(it->second, "corpus.merge_tags");
      TAILOR_CHECK(!tag.empty(), at(it->first) << ": empty merge tag");
      TAILOR_CHECK(
          std::find(slots.begin(), slots.end(), slot) != slots.end(),
          at(it->second)
              << ": merge tag '" << tag << "' maps to '" << slot
              << "', which is not a slot (first_name, product, category, price, discount, shop)");
      m.merge_tags.emplace_back(tag, slot);
    }
    // Longer tags first, so that a tag containing another is replaced whole.
    std::stable_sort(m.merge_tags.begin(), m.merge_tags.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  if (m.source.empty() && !m.name.empty()) m.source = "csv/" + m.name;
  for (const FieldSpec* f : m.fields()) {
    TAILOR_CHECK(f->source != SourceKind::kColumn || m.csv.header ||
                     std::all_of(f->column.begin(), f->column.end(),
                                 [](char ch) { return ch >= '0' && ch <= '9'; }),
                 source << " line " << f->yaml_line << ": " << f->target
                        << ": without a header, columns are named by position \"1\", \"2\", ...");
  }
  return m;
}

CorpusMapping load_corpus_mapping(const std::string& path) {
  std::ifstream in(path);
  TAILOR_CHECK(in.good(), "cannot open corpus mapping '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  CorpusMapping m = parse_corpus_mapping(ss.str(), "'" + path + "'");
  m.path = path;
  if (m.name.empty()) {
    std::string stem = path.substr(path.find_last_of('/') + 1);
    m.name = stem.substr(0, stem.find('.'));
  }
  if (m.source.empty()) m.source = "csv/" + m.name;
  return m;
}

}  // namespace tailor
