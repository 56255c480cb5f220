// The corpus mapping: how the columns of a retailer's copy CSV (subject, body, campaign type,
// optional outcomes) become corpus rows. YAML like the import mappings (docs/import.md); the
// documented example is configs/import/corpus_csv.yaml, the format is in docs/corpus.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/data/import_mapping.h"

namespace tailor {

struct CorpusMapping {
  std::string name;  ///< `name:` (defaults to the file's stem)
  std::string description;
  std::string path;  ///< file it was read from ("" when parsed from text)
  std::string yaml_text;
  CsvOptions csv;
  bool trim = true;
  std::string source;           ///< TextCorpusTable::source of every row (default "csv/<name>")
  std::optional<FieldSpec> id;  ///< document key (rejects, split seed); default: row number
  std::optional<FieldSpec> subject;  ///< at least one of subject / body
  std::optional<FieldSpec> body;
  bool body_is_html = false;  ///< `body_format: html`: bodies go through html_to_text
  std::optional<FieldSpec> campaign, category;
  std::optional<FieldSpec> open_rate, click_rate;  ///< rates in [0, 1]
  std::optional<FieldSpec> sends, opens, clicks;   ///< or counts: rate = opens / sends ...
  std::optional<FieldSpec> split;  ///< values train / dev / test; absent = seeded split
  /// Literal merge tags of the retailer's e-mail tool and the slot each stands for, e.g.
  /// ("*|FNAME|*", "first_name"); replaced by "{first_name}" before cleaning.
  std::vector<std::pair<std::string, std::string>> merge_tags;

  /// Every field spec, in a fixed order.
  std::vector<const FieldSpec*> fields() const;
};

/// Reads and validates a corpus mapping; errors name the file, line and key.
CorpusMapping load_corpus_mapping(const std::string& path);
CorpusMapping parse_corpus_mapping(const std::string& yaml_text, const std::string& source);

}  // namespace tailor
