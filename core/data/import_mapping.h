// The YAML import mapping: how the columns of a user's CSV become the canonical tables of
// core/data/dataset.h. Format and examples: docs/import.md; shipped mappings: configs/import/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/io/csv_reader.h"

namespace YAML {
class Node;
}

namespace tailor {

/// How a source value is parsed (`type:` in the mapping).
enum class ValueType { kString, kInt, kFloat, kDatetime, kBool };
const char* value_type_name(ValueType t);

/// Where a canonical field's value comes from.
enum class SourceKind { kColumn, kConstant, kRowNumber };

/// One mapped canonical field, e.g. `quantity: {column: Quantity, type: int, required: true}`.
struct FieldSpec {
  std::string target;        ///< "transactions.quantity", "customers.numeric_attributes.history"
  std::string name;          ///< last path element ("quantity", "history")
  ValueType target_type = ValueType::kString;  ///< what the canonical column holds
  SourceKind source = SourceKind::kColumn;
  std::string column;        ///< kColumn: header name ("1", "2", ... without a header)
  std::optional<std::string> constant;  ///< kConstant: its text; nullopt = null (missing)
  ValueType type = ValueType::kString;  ///< how the text is parsed (defaults to target_type)
  std::string format;        ///< datetime format (strptime-like: %Y %m %d %H %M %S %y %b %I %p %z %s)
  /// The source cell must be non-empty; an empty one rejects the row ("missing_required").
  bool required = false;
  /// Optional value map applied to the (trimmed) text before parsing; a null target = no value.
  std::map<std::string, std::optional<std::string>> value_map;
  bool has_map = false;
  /// Unmapped non-empty values: false -> row rejected ("unmapped_value"), true -> kept as is.
  bool keep_unmapped = false;
  int yaml_line = 0;         ///< 1-based line in the mapping file (for messages)
};

/// What to do with a line identical in every field to an earlier line.
enum class DuplicatePolicy {
  kReject,  ///< drop it and list it in the rejects file (reason "duplicate")
  kKeep,    ///< keep it; only count it in the summary
};

struct CustomersMapping {
  bool present = false;
  FieldSpec id;  ///< external id; empty -> customer -1 (counted) unless required
  std::optional<FieldSpec> email, first_name, country, tz_offset_min, signup_time, birthday,
      consent, unsubscribed, suppressed;
  std::vector<FieldSpec> numeric_attributes;  ///< name -> float column
  std::vector<FieldSpec> string_attributes;   ///< name -> string column
};

struct ProductsMapping {
  bool present = false;
  FieldSpec id;  ///< always required when present
  std::optional<FieldSpec> title, category, price, available;
};

struct TransactionsMapping {
  bool present = false;
  FieldSpec invoice, time, quantity;  ///< always required
  std::optional<FieldSpec> unit_price;
  std::optional<FieldSpec> kind;  ///< text "purchase" or "return" (after the value map)
};

struct EmailLogMapping {
  bool present = false;
  std::optional<FieldSpec> time, campaign, hour, propensity, opened, clicked, converted, revenue,
      unsubscribed;
};

struct ImportRules {
  /// Invoice ids starting with this are cancellations, stored as returns ("" = none).
  std::string cancellation_prefix;
  /// A transaction with quantity < 0 is a return.
  bool negative_quantity_is_return = true;
  DuplicatePolicy duplicates = DuplicatePolicy::kReject;
};

struct ImportMapping {
  std::string name;         ///< `name:` (defaults to the file's stem)
  std::string description;  ///< `description:`
  std::string path;         ///< file it was read from ("" when parsed from text)
  std::string yaml_text;    ///< the mapping as written (stored in the dataset's metadata)
  CsvOptions csv;
  bool trim = true;         ///< strip spaces and tabs around every value before use
  CustomersMapping customers;
  ProductsMapping products;
  TransactionsMapping transactions;
  EmailLogMapping email_log;
  ImportRules rules;

  /// Every field spec of the mapping, in a fixed order.
  std::vector<const FieldSpec*> fields() const;
  /// Distinct source columns the mapping reads, in order of first use.
  std::vector<std::string> columns() const;
};

/// Reads and validates a mapping file. Unknown keys, unknown canonical fields, bad types and
/// missing mandatory fields are tailor::Error naming the file, line and key.
ImportMapping load_import_mapping(const std::string& path);

/// Same from YAML text; `source` names it in messages.
ImportMapping parse_import_mapping(const std::string& yaml_text, const std::string& source);

// Building blocks shared with other mapping formats (the corpus mapping, core/corpus/corpus_mapping.h).
// `source` names the mapping file in errors, which also carry the YAML line.

/// One field spec: the `column` shorthand or a map of column / constant / row_number / type /
/// format / required / map / unmapped, checked against `target_type`.
FieldSpec parse_mapping_field(const YAML::Node& n, const std::string& source, const std::string& target,
                              ValueType target_type);
/// A `format:` section (delimiter, quote, header, encoding, trim).
void parse_mapping_format(const YAML::Node& n, const std::string& source, CsvOptions* csv, bool* trim);
/// Fails naming the key when the map `n` has a key outside `allowed`.
void check_mapping_keys(const YAML::Node& n, const std::string& source, const std::string& section,
                        const std::vector<std::string>& allowed);

}  // namespace tailor
