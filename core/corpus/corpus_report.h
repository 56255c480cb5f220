// What a corpus import kept and removed, and why: counts for the terminal and the dataset's
// metadata (JSON), and the rejects CSV listing every removed document and row.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tailor {

/// Counts of one import. Every document read is either kept or rejected for exactly one reason:
/// documents_read == documents_kept + sum(documents_rejected). Rows removed from documents that
/// were kept are counted in rows_removed.
struct CorpusReport {
  std::string format;  ///< spamassassin, aeslc, fashion, csv, synth
  std::string input;
  int64_t documents_read = 0;
  int64_t documents_kept = 0;
  std::map<std::string, int64_t> documents_rejected;   ///< by reason
  std::map<std::string, int64_t> rows_kept;            ///< by field
  std::map<std::string, int64_t> rows_removed;         ///< by reason (rows of kept documents)
  std::map<std::string, int64_t> documents_by_split;   ///< kept documents
  std::map<std::string, int64_t> documents_by_source;  ///< kept documents
  std::map<std::string, int64_t> slots;                ///< replacements: price, discount
  std::map<std::string, int64_t> notes;                ///< format-specific counts (docs/corpus.md)
  std::string params_yaml;                             ///< cleaning parameters in effect
  double seconds = 0;

  int64_t documents_rejected_total() const;
  std::string to_json() const;
  std::string to_table() const;
};

/// A removed document or row.
struct CorpusReject {
  std::string source;
  std::string member;
  int64_t line = -1;
  std::string scope;  ///< "document" or "row"
  std::string field;  ///< field of a row ("" for a whole document)
  std::string reason;
  std::string detail;
};

/// Writes rejects as CSV (source,member,line,scope,field,reason,detail) atomically.
void write_corpus_rejects_csv(const std::vector<CorpusReject>& rejects, const std::string& path);

/// Appends `report_json` to the JSON array in metadata["corpus_reports"] (creating it).
void append_corpus_report(std::map<std::string, std::string>& metadata,
                          const std::string& report_json);

}  // namespace tailor
