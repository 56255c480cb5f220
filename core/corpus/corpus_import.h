// Importers of text corpora into TextCorpusTable rows: SpamAssassin (raw RFC 822 / MIME mail),
// AESLC (Enron subject lines), the fashion catalogue's product names and a retailer's own CSV.
// Each reads its source in one streaming pass and sends every item through CorpusBuilder.
#pragma once

#include <string>

#include "core/corpus/corpus_cleaner.h"

namespace tailor {

struct CorpusMapping;

/// The formats `tailor-train import-corpus --format` accepts.
enum class CorpusFormat { kSpamAssassin, kAeslc, kFashion, kCsv };
/// "spamassassin", "aeslc", "fashion", "csv" -> format; tailor::Error otherwise.
CorpusFormat parse_corpus_format(const std::string& name);
const char* corpus_format_name(CorpusFormat f);

/// AESLC (AESLC.tar.xz, or a tar of the same layout): every `<split>/<name>.subject` member under
/// a train, dev or test folder is one document: body (text before the `@subject` line), subject
/// (the line after it) and, in dev/test, the reference subjects after `@ann0`, `@ann1`, `@ann2`.
/// The split is the folder's. Other members (README, LICENSE) are counted as notes.
CorpusImportResult import_aeslc(const std::string& tar_path, const CorpusCleanParams& p,
                                const TextCorpusTable* existing = nullptr);

/// Parses one AESLC file into `doc` (texts only). Returns false with a reason when the file
/// has no `@subject` line.
bool parse_aeslc_file(const std::string& content, CorpusDocument* doc, std::string* reason,
                      std::string* detail);

/// SpamAssassin public corpus (spamassassin_public_corpus.tar.xz): each `<group>/<file>` member
/// is one RFC 822 message; groups spam-* are spam (1), *ham* are ham (0). Subject and body are
/// two rows of one document, source "spamassassin/<group>", seeded split.
CorpusImportResult import_spamassassin(const std::string& tar_path, const CorpusCleanParams& p,
                                       const TextCorpusTable* existing = nullptr);

/// Fashion product catalogue (styles.csv[.xz]): productDisplayName -> a product_name row with
/// category "<masterCategory>/<subCategory>/<articleType>" and source "fashion/<gender>".
CorpusImportResult import_fashion(const std::string& csv_path, const CorpusCleanParams& p,
                                  const TextCorpusTable* existing = nullptr);

/// A retailer's own copy CSV described by a corpus mapping (configs/import/corpus_csv.yaml).
CorpusImportResult import_corpus_csv(const std::string& csv_path, const CorpusMapping& mapping,
                                     const CorpusCleanParams& p,
                                     const TextCorpusTable* existing = nullptr);

}  // namespace tailor
