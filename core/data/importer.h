// Runs an import mapping over a CSV file (plain, .gz, .xz) into a tailor::Dataset, with a
// rejects list (nothing is dropped silently) and a summary of what was read, kept and rejected.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/import_mapping.h"

namespace tailor {

/// Counts of one import. "Parsed rows" are rows without a fault: kept rows plus rejected
/// duplicates (a duplicate is a valid row, identical to an earlier one).
struct ImportSummary {
  std::string input;    ///< file name of the input
  std::string mapping;  ///< mapping name
  int64_t rows_read = 0;     ///< data records (header and blank lines excluded)
  int64_t blank_lines = 0;   ///< skipped empty lines
  int64_t rows_kept = 0;
  int64_t rows_rejected = 0;  ///< = rows_read - rows_kept
  std::map<std::string, int64_t> rejected_by_reason;
  int64_t duplicate_lines = 0;  ///< parsed rows identical in every field to an earlier one
  int64_t cancellation_lines = 0;       ///< parsed rows whose invoice has the cancellation prefix
  int64_t negative_quantity_lines = 0;  ///< parsed rows with quantity < 0
  int64_t rows_without_customer_id = 0;  ///< parsed rows with an empty customer id
  int64_t quantity_sum = 0;             ///< sum of quantity over parsed rows
  int64_t transactions = 0;             ///< kept transaction lines
  int64_t purchase_lines = 0;           ///< ... stored as TransactionKind::kPurchase
  int64_t return_lines = 0;             ///< ... stored as TransactionKind::kReturn
  int64_t transactions_without_customer = 0;  ///< kept lines with customer -1
  int64_t email_log_records = 0;
  int64_t no_email_records = 0;  ///< email_log records with campaign -1
  int64_t distinct_invoices = 0;
  int64_t distinct_products = 0;
  int64_t distinct_customers = 0;
  int64_t distinct_campaigns = 0;
  UnixTime first_time = -1, last_time = -1;  ///< span of kept transaction / email times
  double seconds = 0;                        ///< wall time of the import

  /// JSON object with every field above.
  std::string to_json() const;
  /// A two-column text table for the terminal.
  std::string to_table() const;
};

/// One rejected row: reason codes are listed in docs/import.md.
struct RejectedRow {
  int64_t line = 0;    ///< physical line where the record starts
  std::string reason;  ///< e.g. "unparsable_date", "duplicate"
  std::string field;   ///< source column ("" when not about one column)
  std::string detail;  ///< human-readable, e.g. "identical to line 12"
  std::string record;  ///< the raw record (invalid UTF-8 bytes written as \xNN)
};

struct ImportResult {
  Dataset dataset;
  ImportSummary summary;
  std::vector<RejectedRow> rejects;  ///< in file order
};

/// Imports `input_path` with `mapping`. Problems of the file as a whole (unreadable, wrong
/// delimiter, a mapped column missing from the header) throw tailor::Error naming the file;
/// problems of single rows go to `rejects`. Fills dataset.metadata["source"],
/// ["import_summary"] (JSON) and ["import_mapping"] (the mapping's YAML).
ImportResult import_csv(const ImportMapping& mapping, const std::string& input_path);

/// Writes the rejects as CSV (line,reason,field,detail,record) atomically.
void write_rejects_csv(const std::vector<RejectedRow>& rejects, const std::string& path);

}  // namespace tailor
