// Loads and validates YAML import mappings (format: docs/import.md).
#include "core/data/import_mapping.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/data/import_mapping_values.h"

namespace tailor {

const char* value_type_name(ValueType t) {
  switch (t) {
    case ValueType::kInt: return "int";
    case ValueType::kFloat: return "float";
    case ValueType::kDatetime: return "datetime";
    case ValueType::kBool: return "bool";
    default: return "string";
  }
}

namespace {

constexpr const char* kDefaultDatetimeFormat = "%Y-%m-%d %H:%M:%S";

struct Ctx {
  std::string source;
  std::string at(const YAML::Node& n) const {
    return source + " line " + std::to_string(n.Mark().line + 1);
  }
};

std::string scalar(const Ctx& c, const YAML::Node& n, const std::string& key) {
  TAILOR_CHECK(n.IsScalar(), c.at(n) << ": '" << key << "' must be a single value");
  return n.Scalar();
}

bool boolean(const Ctx& c, const YAML::Node& n, const std::string& key) {
  bool b = false;
  TAILOR_CHECK(n.IsScalar() && parse_bool(n.Scalar(), &b),
               c.at(n) << ": '" << key << "' must be true or false");
  return b;
}

void check_keys(const Ctx& c, const YAML::Node& n, const std::string& section,
                const std::vector<std::string>& allowed) {
  TAILOR_CHECK(n.IsMap(), c.at(n) << ": '" << section << "' must be a map");
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      TAILOR_FAIL(c.at(it->first) << ": unknown key '" << section << "." << k << "' (known: " << list
                                  << ")");
    }
  }
}

ValueType parse_type_name(const Ctx& c, const YAML::Node& n) {
  const std::string t = scalar(c, n, "type");
  if (t == "string") return ValueType::kString;
  if (t == "int") return ValueType::kInt;
  if (t == "float") return ValueType::kFloat;
  if (t == "datetime") return ValueType::kDatetime;
  if (t == "bool") return ValueType::kBool;
  TAILOR_FAIL(c.at(n) << ": unknown type '" << t << "' (int, float, string, datetime, bool)");
}

bool type_allowed(ValueType parse, ValueType target) {
  switch (target) {
    case ValueType::kString: return parse == ValueType::kString;
    case ValueType::kInt:
      return parse == ValueType::kInt || parse == ValueType::kFloat || parse == ValueType::kBool;
    case ValueType::kFloat: return parse != ValueType::kString;
    case ValueType::kDatetime: return parse == ValueType::kDatetime || parse == ValueType::kInt;
    case ValueType::kBool: return parse == ValueType::kBool || parse == ValueType::kInt;
  }
  return false;
}

FieldSpec parse_field(const Ctx& c, const YAML::Node& n, const std::string& target,
                      const std::string& name, ValueType target_type) {
  FieldSpec f;
  f.target = target;
  f.name = name;
  f.target_type = target_type;
  f.type = target_type;
  f.yaml_line = n.Mark().line + 1;
  if (n.IsScalar()) {  // shorthand: the column name
    f.column = n.Scalar();
  } else {
    check_keys(c, n, target,
               {"column", "constant", "row_number", "type", "format", "required", "map", "unmapped"});
    int sources = 0;
    if (n["column"]) {
      f.column = scalar(c, n["column"], target + ".column");
      ++sources;
    }
    if (n["constant"]) {
      f.source = SourceKind::kConstant;
      const YAML::Node k = n["constant"];
      if (k.IsNull())
        f.constant.reset();
      else
        f.constant = scalar(c, k, target + ".constant");
      ++sources;
    }
    if (n["row_number"]) {
      TAILOR_CHECK(boolean(c, n["row_number"], target + ".row_number"),
                   c.at(n) << ": " << target << ".row_number can only be true");
      f.source = SourceKind::kRowNumber;
      ++sources;
    }
    TAILOR_CHECK(sources == 1, c.at(n) << ": " << target
                                       << " needs exactly one of 'column', 'constant', 'row_number'");
    if (n["type"]) f.type = parse_type_name(c, n["type"]);
    if (n["format"]) f.format = scalar(c, n["format"], target + ".format");
    if (n["required"]) f.required = boolean(c, n["required"], target + ".required");
    if (n["map"]) {
      const YAML::Node m = n["map"];
      TAILOR_CHECK(m.IsMap(), c.at(m) << ": " << target << ".map must be a map of value: replacement");
      f.has_map = true;
      for (auto it = m.begin(); it != m.end(); ++it) {
        std::optional<std::string> to;
        if (!it->second.IsNull()) to = scalar(c, it->second, target + ".map");
        f.value_map[it->first.as<std::string>()] = to;
      }
    }
    if (n["unmapped"]) {
      const std::string u = scalar(c, n["unmapped"], target + ".unmapped");
      TAILOR_CHECK(u == "reject" || u == "keep",
                   c.at(n["unmapped"]) << ": " << target << ".unmapped must be 'reject' or 'keep'");
      f.keep_unmapped = u == "keep";
    }
  }
  TAILOR_CHECK(f.source != SourceKind::kColumn || !f.column.empty(),
               c.at(n) << ": " << target << ": empty column name");
  TAILOR_CHECK(type_allowed(f.type, target_type),
               c.at(n) << ": " << target << " holds " << value_type_name(target_type)
                       << " values; type '" << value_type_name(f.type) << "' cannot be converted to it");
  if (f.type == ValueType::kDatetime && f.format.empty()) f.format = kDefaultDatetimeFormat;
  TAILOR_CHECK(f.format.empty() || f.type == ValueType::kDatetime,
               c.at(n) << ": " << target << ": 'format' applies only to type datetime");
  validate_field_spec(f, c.source);
  return f;
}

/// A table section: known canonical fields, each with its type and where to store it.
struct FieldSlot {
  const char* name;
  ValueType type;
  std::function<void(FieldSpec&&)> store;
};

void parse_section(const Ctx& c, const YAML::Node& n, const std::string& section,
                   const std::vector<FieldSlot>& slots, std::vector<std::string> extra_keys = {}) {
  std::vector<std::string> allowed = extra_keys;
  for (const auto& s : slots) allowed.push_back(s.name);
  check_keys(c, n, section, allowed);
  for (const auto& s : slots) {
    if (n[s.name]) s.store(parse_field(c, n[s.name], section + "." + s.name, s.name, s.type));
  }
}

std::vector<FieldSpec> parse_attributes(const Ctx& c, const YAML::Node& n, const std::string& key,
                                        ValueType type) {
  std::vector<FieldSpec> out;
  TAILOR_CHECK(n.IsMap(), c.at(n) << ": " << key << " must be a map of name: field");
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string name = it->first.as<std::string>();
    out.push_back(parse_field(c, it->second, key + "." + name, name, type));
  }
  return out;
}

char single_char(const Ctx& c, const YAML::Node& n, const std::string& key, bool allow_empty) {
  std::string s = scalar(c, n, key);
  if (s == "tab" || s == "\\t") return '\t';
  if (s.empty() && allow_empty) return '\0';
  TAILOR_CHECK(s.size() == 1, c.at(n) << ": " << key << " must be a single character, got '" << s << "'");
  return s[0];
}

template <class T>
void set_opt(std::optional<T>& dst, T&& v) {
  dst = std::move(v);
}

}  // namespace

std::vector<const FieldSpec*> ImportMapping::fields() const {
  std::vector<const FieldSpec*> out;
  auto add = [&](const std::optional<FieldSpec>& f) {
    if (f) out.push_back(&*f);
  };
  if (customers.present) {
    out.push_back(&customers.id);
    for (auto* f : {&customers.email, &customers.first_name, &customers.country, &customers.tz_offset_min,
                    &customers.signup_time, &customers.birthday, &customers.consent,
                    &customers.unsubscribed, &customers.suppressed})
      add(*f);
    for (const auto& f : customers.numeric_attributes) out.push_back(&f);
    for (const auto& f : customers.string_attributes) out.push_back(&f);
  }
  if (products.present) {
    out.push_back(&products.id);
    for (auto* f : {&products.title, &products.category, &products.price, &products.available}) add(*f);
  }
  if (transactions.present) {
    out.push_back(&transactions.invoice);
    out.push_back(&transactions.time);
    out.push_back(&transactions.quantity);
    add(transactions.unit_price);
    add(transactions.kind);
  }
  if (email_log.present) {
    for (auto* f : {&email_log.time, &email_log.campaign, &email_log.hour, &email_log.propensity,
                    &email_log.opened, &email_log.clicked, &email_log.converted, &email_log.revenue,
                    &email_log.unsubscribed})
      add(*f);
  }
  return out;
}

std::vector<std::string> ImportMapping::columns() const {
  std::vector<std::string> out;
  for (const FieldSpec* f : fields()) {
    if (f->source == SourceKind::kColumn && std::find(out.begin(), out.end(), f->column) == out.end())
      out.push_back(f->column);
  }
  return out;
}

FieldSpec parse_mapping_field(const YAML::Node& n, const std::string& source, const std::string& target,
                              ValueType target_type) {
  const size_t dot = target.find_last_of('.');
  return parse_field(Ctx{source}, n, target, dot == std::string::npos ? target : target.substr(dot + 1),
                     target_type);
}

void parse_mapping_format(const YAML::Node& f, const std::string& source, CsvOptions* csv, bool* trim) {
  Ctx c{source};
  check_keys(c, f, "format", {"delimiter", "quote", "header", "encoding", "trim"});
  if (f["delimiter"]) csv->delimiter = single_char(c, f["delimiter"], "format.delimiter", false);
  if (f["quote"]) csv->quote = single_char(c, f["quote"], "format.quote", true);
  if (f["header"]) csv->header = boolean(c, f["header"], "format.header");
  if (f["trim"]) *trim = boolean(c, f["trim"], "format.trim");
  if (f["encoding"]) {
    std::string e = scalar(c, f["encoding"], "format.encoding");
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::tolower(ch); });
    TAILOR_CHECK(e == "utf-8" || e == "utf8",
                 c.at(f["encoding"]) << ": encoding '" << e
                                     << "' is not supported; only utf-8 is (convert the file first, "
                                        "e.g. iconv -f latin1 -t utf-8)");
  }
  TAILOR_CHECK(csv->delimiter != csv->quote, c.at(f) << ": delimiter and quote must differ");
}

void check_mapping_keys(const YAML::Node& n, const std::string& source, const std::string& section,
                        const std::vector<std::string>& allowed) {
  check_keys(Ctx{source}, n, section, allowed);
}

ImportMapping parse_import_mapping(const std::string& yaml_text, const std::string& source) {
  Ctx c{source};
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& ex) {
    TAILOR_FAIL("import mapping " << source << " is not valid YAML: line " << ex.mark.line + 1
                                  << ": " << ex.msg);
  }
  TAILOR_CHECK(root.IsMap(), "import mapping " << source << " must be a YAML map");
  check_keys(c, root, "mapping",
             {"name", "description", "format", "customers", "products", "transactions", "email_log",
              "rules"});
  ImportMapping m;
  m.yaml_text = yaml_text;
  if (root["name"]) m.name = scalar(c, root["name"], "name");
  if (root["description"]) m.description = scalar(c, root["description"], "description");

  if (const YAML::Node f = root["format"]) parse_mapping_format(f, source, &m.csv, &m.trim);

  if (const YAML::Node n = root["customers"]) {
    CustomersMapping& cm = m.customers;
    cm.present = true;
    bool has_id = false;
    parse_section(c, n, "customers",
                  {{"id", ValueType::kString, [&](FieldSpec&& f) { cm.id = std::move(f); has_id = true; }},
                   {"email", ValueType::kString, [&](FieldSpec&& f) { set_opt(cm.email, std::move(f)); }},
                   {"first_name", ValueType::kString, [&](FieldSpec&& f) { set_opt(cm.first_name, std::move(f)); }},
                   {"country", ValueType::kString, [&](FieldSpec&& f) { set_opt(cm.country, std::move(f)); }},
                   {"tz_offset_min", ValueType::kInt, [&](FieldSpec&& f) { set_opt(cm.tz_offset_min, std::move(f)); }},
                   {"signup_time", ValueType::kDatetime, [&](FieldSpec&& f) { set_opt(cm.signup_time, std::move(f)); }},
                   {"birthday", ValueType::kDatetime, [&](FieldSpec&& f) { set_opt(cm.birthday, std::move(f)); }},
                   {"consent", ValueType::kBool, [&](FieldSpec&& f) { set_opt(cm.consent, std::move(f)); }},
                   {"unsubscribed", ValueType::kBool, [&](FieldSpec&& f) { set_opt(cm.unsubscribed, std::move(f)); }},
                   {"suppressed", ValueType::kBool, [&](FieldSpec&& f) { set_opt(cm.suppressed, std::move(f)); }}},
                  {"numeric_attributes", "string_attributes"});
    TAILOR_CHECK(has_id, c.at(n) << ": customers needs an 'id' field (a column, or row_number: true)");
    if (n["numeric_attributes"])
      cm.numeric_attributes = parse_attributes(c, n["numeric_attributes"], "customers.numeric_attributes",
                                               ValueType::kFloat);
    if (n["string_attributes"])
      cm.string_attributes = parse_attributes(c, n["string_attributes"], "customers.string_attributes",
                                              ValueType::kString);
  }
  if (const YAML::Node n = root["products"]) {
    ProductsMapping& pm = m.products;
    pm.present = true;
    bool has_id = false;
    parse_section(c, n, "products",
                  {{"id", ValueType::kString, [&](FieldSpec&& f) { pm.id = std::move(f); has_id = true; }},
                   {"title", ValueType::kString, [&](FieldSpec&& f) { set_opt(pm.title, std::move(f)); }},
                   {"category", ValueType::kString, [&](FieldSpec&& f) { set_opt(pm.category, std::move(f)); }},
                   {"price", ValueType::kFloat, [&](FieldSpec&& f) { set_opt(pm.price, std::move(f)); }},
                   {"available", ValueType::kBool, [&](FieldSpec&& f) { set_opt(pm.available, std::move(f)); }}});
    TAILOR_CHECK(has_id, c.at(n) << ": products needs an 'id' field");
    pm.id.required = true;
  }
  if (const YAML::Node n = root["transactions"]) {
    TransactionsMapping& tm = m.transactions;
    tm.present = true;
    std::set<std::string> have;
    parse_section(c, n, "transactions",
                  {{"invoice", ValueType::kString, [&](FieldSpec&& f) { tm.invoice = std::move(f); have.insert("invoice"); }},
                   {"time", ValueType::kDatetime, [&](FieldSpec&& f) { tm.time = std::move(f); have.insert("time"); }},
                   {"quantity", ValueType::kInt, [&](FieldSpec&& f) { tm.quantity = std::move(f); have.insert("quantity"); }},
                   {"unit_price", ValueType::kFloat, [&](FieldSpec&& f) { set_opt(tm.unit_price, std::move(f)); }},
                   {"kind", ValueType::kString, [&](FieldSpec&& f) { set_opt(tm.kind, std::move(f)); }}});
    for (const char* k : {"invoice", "time", "quantity"}) {
      TAILOR_CHECK(have.count(k), c.at(n) << ": transactions needs a '" << k
                                          << "' field (use row_number: true for invoice if the source has none)");
    }
    tm.invoice.required = tm.time.required = tm.quantity.required = true;
    TAILOR_CHECK(m.products.present, c.at(n) << ": transactions need a products section (products.id)");
  }
  if (const YAML::Node n = root["email_log"]) {
    EmailLogMapping& em = m.email_log;
    em.present = true;
    parse_section(c, n, "email_log",
                  {{"time", ValueType::kDatetime, [&](FieldSpec&& f) { set_opt(em.time, std::move(f)); }},
                   {"campaign", ValueType::kString, [&](FieldSpec&& f) { set_opt(em.campaign, std::move(f)); }},
                   {"hour", ValueType::kInt, [&](FieldSpec&& f) { set_opt(em.hour, std::move(f)); }},
                   {"propensity", ValueType::kFloat, [&](FieldSpec&& f) { set_opt(em.propensity, std::move(f)); }},
                   {"opened", ValueType::kBool, [&](FieldSpec&& f) { set_opt(em.opened, std::move(f)); }},
                   {"clicked", ValueType::kBool, [&](FieldSpec&& f) { set_opt(em.clicked, std::move(f)); }},
                   {"converted", ValueType::kBool, [&](FieldSpec&& f) { set_opt(em.converted, std::move(f)); }},
                   {"revenue", ValueType::kFloat, [&](FieldSpec&& f) { set_opt(em.revenue, std::move(f)); }},
                   {"unsubscribed", ValueType::kBool, [&](FieldSpec&& f) { set_opt(em.unsubscribed, std::move(f)); }}});
    TAILOR_CHECK(m.customers.present, c.at(n) << ": email_log needs a customers section (customers.id)");
  }
  TAILOR_CHECK(m.customers.present || m.products.present || m.transactions.present || m.email_log.present,
               "import mapping " << source
                                 << " maps no table: add customers, products, transactions or email_log");

  if (const YAML::Node r = root["rules"]) {
    check_keys(c, r, "rules", {"cancellation_prefix", "negative_quantity_is_return", "duplicates"});
    if (r["cancellation_prefix"])
      m.rules.cancellation_prefix = scalar(c, r["cancellation_prefix"], "rules.cancellation_prefix");
    if (r["negative_quantity_is_return"])
      m.rules.negative_quantity_is_return =
          boolean(c, r["negative_quantity_is_return"], "rules.negative_quantity_is_return");
    if (r["duplicates"]) {
      const std::string d = scalar(c, r["duplicates"], "rules.duplicates");
      TAILOR_CHECK(d == "reject" || d == "keep",
                   c.at(r["duplicates"]) << ": rules.duplicates must be 'reject' or 'keep'");
      m.rules.duplicates = d == "keep" ? DuplicatePolicy::kKeep : DuplicatePolicy::kReject;
    }
    TAILOR_CHECK(m.transactions.present ||
                     (m.rules.cancellation_prefix.empty() && !r["negative_quantity_is_return"]),
                 c.at(r) << ": cancellation_prefix and negative_quantity_is_return apply to transactions,"
                            " which this mapping does not map");
  }
  for (const FieldSpec* f : m.fields()) {
    TAILOR_CHECK(f->source != SourceKind::kColumn || m.csv.header ||
                     (!f->column.empty() && std::all_of(f->column.begin(), f->column.end(),
                                                        [](char ch) { return ch >= '0' && ch <= '9'; })),
                 source << " line " << f->yaml_line << ": " << f->target
                        << ": without a header, columns are named by position \"1\", \"2\", ...");
  }
  return m;
}

ImportMapping load_import_mapping(const std::string& path) {
  std::ifstream in(path);
  TAILOR_CHECK(in.good(), "cannot open import mapping '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  ImportMapping m = parse_import_mapping(ss.str(), "'" + path + "'");
  m.path = path;
  if (m.name.empty()) {
    std::string stem = path.substr(path.find_last_of('/') + 1);
    m.name = stem.substr(0, stem.find('.'));
  }
  return m;
}

}  // namespace tailor
