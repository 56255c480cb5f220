// The placeholder language of campaign templates (a small, logic-less subset of Mustache):
//   {{name}}                 a value; HTML-escaped in the HTML part (URLs attribute-safe,
//                            paragraphs as <p>/<br>), as is in the text part
//   {{#name}}...{{/name}}    a list: repeated per item (item fields in scope); a value: shown
//                            when non-empty
//   {{^name}}...{{/name}}    shown when the list or value is empty
//   {{! comment }}           dropped
//   {{> partial}}            the named partial of the same part, expanded in place
// A tag alone on its line takes the line with it. Names are checked against a schema when the
// template is parsed; errors name the file and line.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tailor {

/// How a value is written into the HTML part (the text part always writes it as is).
enum class TemplateValueKind {
  kText,        ///< escaped
  kUrl,         ///< escaped (the job only puts checked https URLs here)
  kLines,       ///< escaped, newlines as <br>
  kParagraphs,  ///< escaped, blank-line paragraphs as <p>, newlines as <br>
  kList,        ///< a list of records (only in sections)
};

struct TemplateField {
  std::string name;
  TemplateValueKind kind = TemplateValueKind::kText;
  std::vector<TemplateField> item_fields;  ///< for kList: the fields of one item
};

/// The names a template may use; a field's position is its index in TemplateValues.
struct TemplateSchema {
  std::vector<TemplateField> fields;
};

/// Values for one rendering: scalars by field index; lists by field index, each item a vector
/// of strings by item-field index. A value is "empty" when its string is empty.
struct TemplateValues {
  std::vector<std::string> scalars;
  std::vector<std::vector<std::vector<std::string>>> lists;
  explicit TemplateValues(const TemplateSchema& s)
      : scalars(s.fields.size()), lists(s.fields.size()) {}
};

/// Where a template's text came from, for error messages.
struct TemplateSource {
  std::string file;
  int first_line = 1;  ///< line of the file holding the text's first line
  std::string key;     ///< YAML key of the text ("html", "text", "partials.html.footer")
};

enum class TemplatePart { kText, kHtml };

/// Partial texts of one part, by name, with their sources.
struct TemplatePartials {
  std::map<std::string, std::pair<std::string, TemplateSource>> texts;
};

/// A parsed template of one part.
class Template {
 public:
  Template() = default;
  /// Parses `text`; throws tailor::Error "file:line: ..." on unknown names, unbalanced sections,
  /// unterminated tags, lists used as values, values used in the wrong way, unknown partials.
  static Template parse(const std::string& text, const TemplateSource& source,
                        const TemplateSchema& schema, TemplatePart part,
                        const TemplatePartials& partials = {});

  /// Appends the rendering to `out`.
  void render(const TemplateValues& values, std::string& out) const;

  /// True when top-level field `field` is written outside every section (always rendered).
  bool always_renders(int field) const;

  struct Node;

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;
  TemplatePart part_ = TemplatePart::kText;
};

}  // namespace tailor
