// CorpusBuilder: the shared cleaning steps, in order: normalise, slots, length limits,
// blocklist, dedupe; everything removed is counted and listed.
#include "core/corpus/corpus_cleaner.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/corpus/copy_slots.h"
#include "core/corpus/text_normalize.h"
#include "core/data/synth_rng.h"
#include "core/io/csv_reader.h"

namespace tailor {

void add_corpus_clean_params(ParamSet& ps, CorpusCleanParams& p) {
  ps.add("seed", &p.seed,
         "seed of the train/dev/test assignment of sources without their own split");
  ps.add("dev_fraction", &p.dev_fraction, "share of seeded documents put in the dev split");
  ps.add("test_fraction", &p.test_fraction, "share of seeded documents put in the test split");
  ps.add("subject_min_chars", &p.subject_min_chars,
         "subject / reference-subject rows shorter than this (code points) are removed");
  ps.add("subject_max_chars", &p.subject_max_chars,
         "subject / reference-subject rows longer than this (code points) are removed");
  ps.add("body_min_chars", &p.body_min_chars, "body rows shorter than this are removed");
  ps.add("body_max_chars", &p.body_max_chars, "body rows longer than this are removed");
  ps.add("product_name_max_chars", &p.product_name_max_chars,
         "product-name rows longer than this are removed");
  ps.add("dedupe", &p.dedupe,
         "remove documents whose cleaned rows equal an earlier document's (this import or the "
         "dataset appended to)");
  ps.add("blocklist", &p.blocklist,
         "adult/scam blocklist: builtin (configs/copy_blocklist.txt as compiled in), empty = none, "
         "or a file");
  ps.add(
      "slots", &p.slots,
      "replace prices by {price} and percentages by {discount}: auto (spamassassin, csv), on, off");
  ps.add("strip_quoted_replies", &p.strip_quoted_replies,
         "e-mail bodies: drop quoted reply lines, their 'wrote:' line and forwarded originals");
  ps.add("strip_signatures", &p.strip_signatures,
         "e-mail bodies: drop the signature (from a '-- ' line to the end)");
  ps.add("strip_list_boilerplate", &p.strip_list_boilerplate,
         "e-mails: drop mailing-list footers and [list] tags at the start of subjects");
}

void validate_corpus_clean_params(const CorpusCleanParams& p) {
  TAILOR_CHECK(p.dev_fraction >= 0 && p.test_fraction >= 0 && p.dev_fraction + p.test_fraction <= 1,
               "corpus: need dev_fraction, test_fraction >= 0 with a sum <= 1, got "
                   << p.dev_fraction << " and " << p.test_fraction);
  TAILOR_CHECK(p.subject_min_chars >= 0 && p.subject_max_chars >= p.subject_min_chars,
               "corpus: need 0 <= subject_min_chars <= subject_max_chars");
  TAILOR_CHECK(p.body_min_chars >= 0 && p.body_max_chars >= p.body_min_chars,
               "corpus: need 0 <= body_min_chars <= body_max_chars");
  TAILOR_CHECK(p.product_name_max_chars >= 1, "corpus: product_name_max_chars must be >= 1");
  TAILOR_CHECK(p.slots == "auto" || p.slots == "on" || p.slots == "off",
               "corpus: slots must be auto, on or off, got '" << p.slots << "'");
}

std::string corpus_clean_params_yaml(const CorpusCleanParams& p) {
  CorpusCleanParams copy = p;
  CLI::App app;
  ParamSet ps(&app, "corpus");
  add_corpus_clean_params(ps, copy);
  YAML::Emitter out;
  out << ps.to_yaml();
  return out.c_str();
}

bool corpus_slots_enabled(const CorpusCleanParams& p, const std::string& format) {
  if (p.slots == "on") return true;
  if (p.slots == "off") return false;
  return format == "spamassassin" || format == "csv";
}

int seeded_corpus_split(const CorpusCleanParams& p, const std::string& source,
                        const std::string& member) {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a of "source\0member"
  auto eat = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001B3ULL;
    }
  };
  eat(source);
  h ^= 0;
  h *= 0x100000001B3ULL;
  eat(member);
  const uint64_t x = synth_mix64(synth_mix64(p.seed) ^ synth_mix64(h));
  const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
  if (u < p.test_fraction) return static_cast<int>(CorpusSplit::kTest);
  if (u < p.test_fraction + p.dev_fraction) return static_cast<int>(CorpusSplit::kDev);
  return static_cast<int>(CorpusSplit::kTrain);
}

CorpusBuilder::CorpusBuilder(const CorpusCleanParams& p, std::string format, std::string input,
                             const TextCorpusTable* existing)
    : p_(p), start_(std::chrono::steady_clock::now()) {
  validate_corpus_clean_params(p_);
  slots_ = corpus_slots_enabled(p_, format);
  blocklist_ = Blocklist::load(p_.blocklist);
  result_.report.format = std::move(format);
  result_.report.input = std::move(input);
  if (existing != nullptr && existing->size() > 0) {
    next_document_ = *std::max_element(existing->document.begin(), existing->document.end()) + 1;
    if (p_.dedupe) {
      // Group the existing rows by document (in row order) and remember their keys.
      std::unordered_map<int64_t, std::vector<Row>> docs;
      std::unordered_map<int64_t, std::string> first_source;
      for (size_t i = 0; i < existing->size(); ++i) {
        docs[existing->document[i]].push_back(
            {static_cast<TextField>(existing->field[i]), existing->text[i]});
        first_source.emplace(existing->document[i], existing->source[i]);
      }
      for (const auto& [id, rows] : docs)
        seen_.emplace(dedupe_key(rows), "document " + std::to_string(id) + " (" + first_source[id] +
                                            ") already in the dataset");
    }
  }
}

std::string CorpusBuilder::dedupe_key(const std::vector<Row>& rows) const {
  std::string key;
  for (const Row& r : rows) {
    key.push_back(static_cast<char>('0' + static_cast<int>(r.field)));
    key.push_back('\x1f');
    key += r.text;
    key.push_back('\x1e');
  }
  return key;
}

void CorpusBuilder::remove_row(const CorpusDocument& d, TextField f, const std::string& reason,
                               const std::string& detail, std::vector<CorpusReject>* pending) {
  pending->push_back({d.source, d.member, d.line, "row", text_field_name(f), reason, detail});
}

void CorpusBuilder::reject_document(const std::string& source, const std::string& member,
                                    int64_t line, const std::string& reason,
                                    const std::string& detail) {
  CorpusReport& r = result_.report;
  ++r.documents_read;
  ++r.documents_rejected[reason];
  result_.rejects.push_back({source, member, line, "document", "", reason, detail});
}

bool CorpusBuilder::add(CorpusDocument doc) {
  std::vector<CorpusReject> pending;  // row removals, committed only if the document is kept
  std::vector<Row> rows;
  SlotReplacements slot_counts;
  int64_t merge_tags_replaced = 0, braces_escaped = 0;
  for (const CorpusRowProblem& pr : doc.problems)
    remove_row(doc, pr.field, pr.reason, pr.detail, &pending);
  for (CorpusText& t : doc.texts) {
    size_t bad = 0;
    if (!is_valid_utf8(t.text, &bad)) {
      remove_row(doc, t.field, "broken_utf8", "invalid UTF-8 at byte " + std::to_string(bad),
                 &pending);
      continue;
    }
    std::string text =
        t.field == TextField::kBody ? normalize_block(t.text) : normalize_line(t.text);
    // Merge tags become slots first, marked with \x01 / \x02 (control characters cannot be in
    // normalised text) so that escaping the source's own braces leaves them alone.
    if (!merge_tags_.empty())
      merge_tags_replaced += replace_merge_tags(text, merge_tags_, "\x01", "\x02");
    if (slots_) {
      braces_escaped += escape_braces(text);
      const SlotReplacements s = replace_price_and_discount(text);
      slot_counts.price += s.price;
      slot_counts.discount += s.discount;
    }
    if (!merge_tags_.empty()) {
      for (char& c : text) {
        if (c == '\x01') c = '{';
        if (c == '\x02') c = '}';
      }
    }
    int64_t min_chars = 1, max_chars = 0;
    switch (t.field) {
      case TextField::kSubject:
      case TextField::kReferenceSubject:
        min_chars = p_.subject_min_chars, max_chars = p_.subject_max_chars;
        break;
      case TextField::kBody:
        min_chars = p_.body_min_chars, max_chars = p_.body_max_chars;
        break;
      case TextField::kProductName:
        min_chars = 1, max_chars = p_.product_name_max_chars;
        break;
    }
    const int64_t len = static_cast<int64_t>(utf8_length(text));
    if (len == 0) {
      remove_row(doc, t.field, "empty", "no text after cleaning", &pending);
      continue;
    }
    if (len < min_chars) {
      remove_row(doc, t.field, "too_short",
                 std::to_string(len) + " chars, minimum " + std::to_string(min_chars), &pending);
      continue;
    }
    if (len > max_chars) {
      remove_row(doc, t.field, "too_long",
                 std::to_string(len) + " chars, maximum " + std::to_string(max_chars), &pending);
      continue;
    }
    rows.push_back({t.field, std::move(text)});
  }

  CorpusReport& r = result_.report;
  if (rows.empty()) {
    const std::string reason = pending.empty() ? "no_text" : pending.front().reason;
    std::string detail = pending.empty() ? "the document has no text" : "";
    for (const CorpusReject& x : pending)
      detail += (detail.empty() ? "" : "; ") + x.field + ": " + x.reason + " (" + x.detail + ")";
    reject_document(doc.source, doc.member, doc.line, reason, detail);
    return false;
  }
  if (blocklist_.size() > 0) {
    for (const Row& row : rows) {
      if (const std::string* term = blocklist_.first_match(row.text)) {
        reject_document(doc.source, doc.member, doc.line, "blocklist",
                        "'" + *term + "' in the " + text_field_name(row.field));
        return false;
      }
    }
  }
  if (p_.dedupe) {
    std::string key = dedupe_key(rows);
    auto [it, inserted] = seen_.emplace(std::move(key), doc.source + "/" + doc.member);
    if (!inserted) {
      reject_document(doc.source, doc.member, doc.line, "duplicate", "same text as " + it->second);
      return false;
    }
  }

  // Kept.
  ++r.documents_read;
  ++r.documents_kept;
  for (CorpusReject& x : pending) {
    ++r.rows_removed[x.reason];
    result_.rejects.push_back(std::move(x));
  }
  r.slots["price"] += slot_counts.price;
  r.slots["discount"] += slot_counts.discount;
  if (!merge_tags_.empty()) r.notes["merge_tags_replaced"] += merge_tags_replaced;
  if (slots_) r.notes["braces_escaped"] += braces_escaped;
  const int split = doc.split >= 0 ? doc.split : seeded_corpus_split(p_, doc.source, doc.member);
  ++r.documents_by_split[corpus_split_name(split)];
  ++r.documents_by_source[doc.source];
  const int64_t id = next_document_++;
  TextCorpusTable& k = result_.rows;
  for (Row& row : rows) {
    ++r.rows_kept[text_field_name(row.field)];
    k.document.push_back(id);
    k.source.push_back(doc.source);
    k.field.push_back(static_cast<uint8_t>(row.field));
    k.split.push_back(static_cast<uint8_t>(split));
    k.text.push_back(std::move(row.text));
    k.campaign.push_back(doc.campaign);
    k.category.push_back(doc.category);
    k.customer.push_back(doc.customer);
    k.product.push_back(doc.product);
    k.spam.push_back(doc.spam);
    k.open_rate.push_back(doc.open_rate);
    k.click_rate.push_back(doc.click_rate);
  }
  return true;
}

CorpusImportResult CorpusBuilder::finish() {
  CorpusReport& r = result_.report;
  r.params_yaml = corpus_clean_params_yaml(p_);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  TAILOR_CHECK(r.documents_read == r.documents_kept + r.documents_rejected_total(),
               "corpus import: document accounting is off ("
                   << r.documents_read << " read, " << r.documents_kept << " kept, "
                   << r.documents_rejected_total() << " rejected)");
  return std::move(result_);
}

}  // namespace tailor
