// Parser and renderer of the template placeholder language (grammar in email_template.h and
// docs/email.md). Names resolve to field indices at parse time, so rendering does no lookups.
#include "core/email/email_template.h"

#include <sstream>

#include "core/common/error.h"
#include "core/email/text_sanitize.h"

namespace tailor {

struct Template::Node {
  enum Type { kText, kValue, kSection, kInverted } type = kText;
  std::string text;   ///< kText
  int field = -1;     ///< kValue / sections: index in the schema (top level or item fields)
  bool item = false;  ///< the field is an item field of the enclosing list
  bool list = false;  ///< sections: the field is a list
  TemplateValueKind kind = TemplateValueKind::kText;
  std::vector<Node> children;
};

namespace {

struct Token {
  enum Type { kText, kTag } type = kText;
  char sigil = 0;    ///< 0 (value), '#', '^', '/', '!', '>'
  std::string text;  ///< kText: the text; kTag: the name
  int line = 0;      ///< 0-based line in the source text
};

[[noreturn]] void fail_at(const TemplateSource& src, int rel_line, const std::string& msg) {
  TAILOR_FAIL(src.file << ":" << src.first_line + rel_line << ": " << msg << " (in '" << src.key
                       << "')");
}

bool is_name(const std::string& s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

int count_newlines(const std::string& s, size_t from, size_t to) {
  int n = 0;
  for (size_t i = from; i < to; ++i) n += s[i] == '\n';
  return n;
}

std::vector<Token> tokenize(const std::string& text, const TemplateSource& src) {
  std::vector<Token> tokens;
  size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      tokens.push_back({Token::kText, 0, text.substr(pos), line});
      break;
    }
    if (open > pos) tokens.push_back({Token::kText, 0, text.substr(pos, open - pos), line});
    line += count_newlines(text, pos, open);
    if (open + 2 < text.size() && text[open + 2] == '{')
      fail_at(src, line,
              "triple braces {{{...}}} are not supported (every value is escaped for "
              "its part automatically)");
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) fail_at(src, line, "'{{' without a closing '}}'");
    std::string inner = text.substr(open + 2, close - open - 2);
    if (inner.find('\n') != std::string::npos)
      fail_at(src, line, "a placeholder must not span lines: '{{" + inner + "'");
    Token t{Token::kTag, 0, "", line};
    inner = trim(inner);
    if (!inner.empty() && (inner[0] == '#' || inner[0] == '^' || inner[0] == '/' ||
                           inner[0] == '!' || inner[0] == '>')) {
      t.sigil = inner[0];
      inner = trim(inner.substr(1));
    }
    if (t.sigil != '!' && !is_name(inner))
      fail_at(src, line,
              "bad placeholder '{{" + text.substr(open + 2, close - open - 2) +
                  "}}': names are lower_snake_case");
    t.text = inner;
    tokens.push_back(std::move(t));
    pos = close + 2;
  }
  // Standalone tags (sections, comments, partials alone on a line) take their line's white space
  // and line break with them. Decided on the original tokens, trimmed afterwards.
  std::vector<size_t> trim_left(tokens.size(), 0), trim_right(tokens.size(), 0);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.type != Token::kTag || t.sigil == 0) continue;
    size_t before_ws = 0;  // white space between the previous line break and the tag
    bool line_start;
    if (i == 0) {
      line_start = true;
    } else if (tokens[i - 1].type != Token::kText) {
      continue;
    } else {
      const std::string& p = tokens[i - 1].text;
      size_t k = p.size();
      while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t')) --k;
      line_start = k == 0 ? (i == 1) : p[k - 1] == '\n';
      before_ws = p.size() - k;
    }
    if (!line_start) continue;
    size_t after = 0;  // white space and the line break after the tag
    if (i + 1 < tokens.size()) {
      if (tokens[i + 1].type != Token::kText) continue;
      const std::string& n = tokens[i + 1].text;
      size_t k = 0;
      while (k < n.size() && (n[k] == ' ' || n[k] == '\t')) ++k;
      if (k < n.size() && n[k] == '\r') ++k;
      if (k < n.size() && n[k] == '\n') {
        after = k + 1;
      } else if (k == n.size() && i + 2 == tokens.size()) {
        after = k;
      } else {
        continue;
      }
    }
    if (i > 0) trim_right[i - 1] = before_ws;
    if (i + 1 < tokens.size()) trim_left[i + 1] = after;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].type != Token::kText) continue;
    std::string& s = tokens[i].text;
    const size_t l = std::min(trim_left[i], s.size());
    const size_t r = std::min(trim_right[i], s.size() - l);
    if (l > 0 || r > 0) s = s.substr(l, s.size() - l - r);
  }
  return tokens;
}

struct Scope {
  const TemplateSchema* schema;
  const TemplateField* list = nullptr;  ///< the enclosing list section's field, if any
};

std::string known_names(const Scope& sc) {
  std::ostringstream os;
  bool first = true;
  const auto add = [&](const std::vector<TemplateField>& fs) {
    for (const auto& f : fs) {
      os << (first ? "" : ", ") << f.name;
      first = false;
    }
  };
  if (sc.list) add(sc.list->item_fields);
  add(sc.schema->fields);
  return os.str();
}

class Builder {
 public:
  Builder(const TemplateSchema& schema, TemplatePart part, const TemplatePartials& partials)
      : schema_(schema), part_(part), partials_(partials) {}

  std::vector<Template::Node> build(const std::string& text, const TemplateSource& src,
                                    const Scope& scope) {
    const std::vector<Token> tokens = tokenize(text, src);
    size_t pos = 0;
    std::vector<Template::Node> nodes = build_until(tokens, pos, src, scope, nullptr);
    return nodes;
  }

 private:
  /// Builds nodes until the closing tag of `open` (nullptr: end of input).
  std::vector<Template::Node> build_until(const std::vector<Token>& tokens, size_t& pos,
                                          const TemplateSource& src, const Scope& scope,
                                          const Token* open) {
    std::vector<Template::Node> nodes;
    while (pos < tokens.size()) {
      const Token& t = tokens[pos++];
      if (t.type == Token::kText) {
        if (!t.text.empty()) {
          Template::Node n;
          n.text = t.text;
          nodes.push_back(std::move(n));
        }
        continue;
      }
      switch (t.sigil) {
        case '!':
          break;
        case '/':
          if (!open)
            fail_at(src, t.line, "{{/" + t.text + "}} closes a section that was never opened");
          if (t.text != open->text)
            fail_at(src, t.line,
                    "{{/" + t.text + "}} closes {{" + std::string(1, open->sigil) + open->text +
                        "}} opened at line " + std::to_string(src.first_line + open->line));
          return nodes;
        case '>': {
          const auto it = partials_.texts.find(t.text);
          if (it == partials_.texts.end())
            fail_at(src, t.line,
                    "unknown partial {{> " + t.text + "}} (no " +
                        (part_ == TemplatePart::kHtml ? "html" : "text") +
                        " partial of that name)");
          for (const std::string& active : active_partials_)
            if (active == t.text) fail_at(src, t.line, "partial '" + t.text + "' includes itself");
          active_partials_.push_back(t.text);
          std::vector<Template::Node> sub = build(it->second.first, it->second.second, scope);
          active_partials_.pop_back();
          for (auto& n : sub) nodes.push_back(std::move(n));
          break;
        }
        default: {
          bool item = false;
          const TemplateField* f = nullptr;
          int index = -1;
          if (scope.list) {
            for (size_t k = 0; k < scope.list->item_fields.size(); ++k)
              if (scope.list->item_fields[k].name == t.text) {
                f = &scope.list->item_fields[k];
                index = static_cast<int>(k);
                item = true;
              }
          }
          if (!f) {
            for (size_t k = 0; k < schema_.fields.size(); ++k)
              if (schema_.fields[k].name == t.text) {
                f = &schema_.fields[k];
                index = static_cast<int>(k);
              }
          }
          if (!f)
            fail_at(src, t.line,
                    "unknown placeholder {{" + std::string(t.sigil ? std::string(1, t.sigil) : "") +
                        t.text + "}} (known here: " + known_names(scope) + ")");
          Template::Node n;
          n.field = index;
          n.item = item;
          n.kind = f->kind;
          n.list = f->kind == TemplateValueKind::kList;
          if (t.sigil == 0) {
            if (n.list)
              fail_at(src, t.line,
                      "'" + t.text + "' is a list: use {{#" + t.text + "}}...{{/" + t.text + "}}");
            n.type = Template::Node::kValue;
          } else {
            n.type = t.sigil == '#' ? Template::Node::kSection : Template::Node::kInverted;
            if (n.list && scope.list)
              fail_at(src, t.line,
                      "list '" + t.text + "' inside list '" + scope.list->name +
                          "': lists cannot be nested");
            Scope inner = scope;
            if (n.list && n.type == Template::Node::kSection) inner.list = f;
            n.children = build_until(tokens, pos, src, inner, &t);
          }
          nodes.push_back(std::move(n));
        }
      }
    }
    if (open)
      fail_at(src, open->line,
              "{{" + std::string(1, open->sigil) + open->text + "}} is never closed with {{/" +
                  open->text + "}}");
    return nodes;
  }

  const TemplateSchema& schema_;
  TemplatePart part_;
  const TemplatePartials& partials_;
  std::vector<std::string> active_partials_;
};

void render_value(const std::string& v, TemplateValueKind kind, TemplatePart part,
                  std::string& out) {
  if (part == TemplatePart::kText) {
    out += v;
    return;
  }
  switch (kind) {
    case TemplateValueKind::kParagraphs:
      append_html_paragraphs(out, v);
      break;
    case TemplateValueKind::kLines: {
      size_t a = 0;
      while (true) {
        const size_t b = v.find('\n', a);
        append_html_escaped(out,
                            std::string_view(v).substr(a, b == std::string::npos ? v.npos : b - a));
        if (b == std::string::npos) break;
        out += "<br>\n";
        a = b + 1;
      }
      break;
    }
    default:
      append_html_escaped(out, v);
  }
}

void render_nodes(const std::vector<Template::Node>& nodes, const TemplateValues& values,
                  const std::vector<std::string>* item, TemplatePart part, std::string& out) {
  for (const Template::Node& n : nodes) {
    switch (n.type) {
      case Template::Node::kText:
        out += n.text;
        break;
      case Template::Node::kValue:
        render_value(n.item ? (*item)[n.field] : values.scalars[n.field], n.kind, part, out);
        break;
      case Template::Node::kSection:
        if (n.list) {
          for (const auto& it : values.lists[n.field])
            render_nodes(n.children, values, &it, part, out);
        } else if (!(n.item ? (*item)[n.field] : values.scalars[n.field]).empty()) {
          render_nodes(n.children, values, item, part, out);
        }
        break;
      case Template::Node::kInverted: {
        const bool empty = n.list ? values.lists[n.field].empty()
                                  : (n.item ? (*item)[n.field] : values.scalars[n.field]).empty();
        if (empty) render_nodes(n.children, values, item, part, out);
        break;
      }
    }
  }
}

}  // namespace

Template Template::parse(const std::string& text, const TemplateSource& source,
                         const TemplateSchema& schema, TemplatePart part,
                         const TemplatePartials& partials) {
  Builder b(schema, part, partials);
  Template t;
  t.part_ = part;
  t.nodes_ = std::make_shared<const std::vector<Node>>(b.build(text, source, Scope{&schema}));
  return t;
}

void Template::render(const TemplateValues& values, std::string& out) const {
  if (nodes_) render_nodes(*nodes_, values, nullptr, part_, out);
}

bool Template::always_renders(int field) const {
  if (!nodes_) return false;
  for (const Node& n : *nodes_)
    if (n.type == Node::kValue && !n.item && n.field == field) return true;
  return false;
}

}  // namespace tailor
