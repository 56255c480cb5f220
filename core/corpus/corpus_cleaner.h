// The cleaning every corpus source goes through (docs/corpus.md "Cleaning"): whitespace
// normalisation, slot replacement of prices and discounts, length limits, the blocklist and
// exact dedupe, with a count and a rejects entry for everything removed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/config/param_set.h"
#include "core/corpus/blocklist.h"
#include "core/corpus/corpus_document.h"
#include "core/corpus/corpus_report.h"
#include "core/data/dataset.h"

namespace tailor {

/// Cleaning parameters of `tailor-train import-corpus` (section `corpus`, configs/corpus.yaml).
struct CorpusCleanParams {
  /// Seed of the train/dev/test assignment of sources without their own split (SpamAssassin,
  /// fashion, a CSV without a split column). A document's split depends only on the seed, its
  /// source and its member name, never on file order.
  uint64_t seed = 42;
  /// Share of seeded documents put in the dev split.
  double dev_fraction = 0.1;
  /// Share of seeded documents put in the test split.
  double test_fraction = 0.1;
  /// Subject and reference-subject rows with fewer code points are removed ("too_short").
  int64_t subject_min_chars = 1;
  /// Subject and reference-subject rows with more code points are removed ("too_long").
  int64_t subject_max_chars = 200;
  /// Body rows with fewer code points (after cleaning) are removed ("too_short").
  int64_t body_min_chars = 1;
  /// Body rows with more code points are removed ("too_long").
  int64_t body_max_chars = 20000;
  /// Product-name rows with more code points are removed ("too_long").
  int64_t product_name_max_chars = 200;
  /// Remove a document whose cleaned rows equal those of an earlier document (of this import or
  /// already in the dataset): reason "duplicate".
  bool dedupe = true;
  /// Adult / scam blocklist: "builtin" (configs/copy_blocklist.txt as compiled in), "" (none) or
  /// a file path. A document with a listed word or phrase in any row is removed ("blocklist").
  std::string blocklist = "builtin";
  /// Replace prices by {price} and percentages by {discount}: "auto" (on for the promotional
  /// sources spamassassin and csv, off for aeslc and fashion), "on" or "off".
  std::string slots = "auto";
  /// E-mail bodies (spamassassin): drop quoted reply lines ("> ..."), the "... wrote:" line that
  /// introduces them, and everything from an "-----Original Message-----" line on.
  bool strip_quoted_replies = true;
  /// E-mail bodies (spamassassin): drop a signature (from a "-- " line to the end).
  bool strip_signatures = true;
  /// E-mails (spamassassin): drop mailing-list footers (a "____" / "----" line followed by
  /// "mailing list", "listinfo", "... is sponsored by", "Yahoo! Groups") and list tags such as
  /// "[ILUG]" at the start of subjects.
  bool strip_list_boilerplate = true;
};

/// Registers every CorpusCleanParams field with `ps` (section "corpus").
void add_corpus_clean_params(ParamSet& ps, CorpusCleanParams& p);
/// Checks ranges; throws tailor::Error naming the bad field.
void validate_corpus_clean_params(const CorpusCleanParams& p);
/// The parameters as YAML (stored in the report).
std::string corpus_clean_params_yaml(const CorpusCleanParams& p);

/// Whether slot replacement applies to `format` under `p.slots`.
bool corpus_slots_enabled(const CorpusCleanParams& p, const std::string& format);

/// The seeded split of a document (0 train, 1 dev, 2 test).
int seeded_corpus_split(const CorpusCleanParams& p, const std::string& source,
                        const std::string& member);

/// What an import produced: new corpus rows (document ids starting at `first_document`), the
/// report and the rejects.
struct CorpusImportResult {
  TextCorpusTable rows;
  CorpusReport report;
  std::vector<CorpusReject> rejects;
};

/// Cleans documents one at a time and collects the result.
class CorpusBuilder {
 public:
  /// `existing` (may be null): corpus already in the dataset; its documents count for dedupe and
  /// new document ids start after its largest id.
  CorpusBuilder(const CorpusCleanParams& p, std::string format, std::string input,
                const TextCorpusTable* existing = nullptr);

  /// Cleans `doc`; returns true when at least one of its rows was kept.
  bool add(CorpusDocument doc);
  /// Records a document that could not be read at all (it counts as read and rejected).
  void reject_document(const std::string& source, const std::string& member, int64_t line,
                       const std::string& reason, const std::string& detail);
  /// Literal merge tags replaced by slots in every text (before price / discount slots).
  void set_merge_tags(std::vector<std::pair<std::string, std::string>> tags) {
    merge_tags_ = std::move(tags);
  }
  /// Adds `n` to the format-specific count `key` (report.notes).
  void note(const std::string& key, int64_t n = 1) { result_.report.notes[key] += n; }

  const CorpusCleanParams& params() const { return p_; }
  int64_t documents_read() const { return result_.report.documents_read; }

  /// Finishes the report (time, params) and hands over the result.
  CorpusImportResult finish();

 private:
  struct Row {
    TextField field;
    std::string text;
  };
  void remove_row(const CorpusDocument& d, TextField f, const std::string& reason,
                  const std::string& detail, std::vector<CorpusReject>* pending);
  std::string dedupe_key(const std::vector<Row>& rows) const;

  CorpusCleanParams p_;
  bool slots_ = false;
  Blocklist blocklist_;
  std::vector<std::pair<std::string, std::string>> merge_tags_;
  int64_t next_document_ = 0;
  std::unordered_map<std::string, std::string> seen_;  // dedupe key -> first member
  CorpusImportResult result_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tailor
