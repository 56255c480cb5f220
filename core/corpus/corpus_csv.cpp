// A retailer's own copy CSV, read through a corpus mapping (core/corpus/corpus_mapping.h).
#include <algorithm>
#include <cmath>
#include <memory>

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/corpus/corpus_import.h"
#include "core/corpus/corpus_mapping.h"
#include "core/corpus/html_text.h"
#include "core/data/import_mapping_values.h"
#include "core/io/csv_reader.h"

namespace tailor {

CorpusImportResult import_corpus_csv(const std::string& csv_path, const CorpusMapping& m,
                                     const CorpusCleanParams& p, const TextCorpusTable* existing) {
  CorpusBuilder b(p, "csv", csv_path, existing);
  b.set_merge_tags(m.merge_tags);
  CsvReader csv(csv_path, m.csv);
  const std::vector<const FieldSpec*> specs = m.fields();
  std::vector<std::string> columns;
  for (const FieldSpec* f : specs)
    if (f->source == SourceKind::kColumn &&
        std::find(columns.begin(), columns.end(), f->column) == columns.end())
      columns.push_back(f->column);
  const std::string who = "corpus mapping " + (m.path.empty() ? m.name : "'" + m.path + "'");
  const std::vector<int> index = csv.column_indices(columns, who);
  std::vector<std::unique_ptr<FieldReader>> readers;
  auto reader_of = [&](const std::optional<FieldSpec>& f) -> FieldReader* {
    if (!f) return nullptr;
    int col = -1;
    if (f->source == SourceKind::kColumn)
      col = index[static_cast<size_t>(std::find(columns.begin(), columns.end(), f->column) -
                                      columns.begin())];
    readers.push_back(std::make_unique<FieldReader>(*f, col, m.trim));
    return readers.back().get();
  };
  FieldReader* r_id = reader_of(m.id);
  FieldReader* r_subject = reader_of(m.subject);
  FieldReader* r_body = reader_of(m.body);
  FieldReader* r_campaign = reader_of(m.campaign);
  FieldReader* r_category = reader_of(m.category);
  FieldReader* r_open = reader_of(m.open_rate);
  FieldReader* r_click = reader_of(m.click_rate);
  FieldReader* r_sends = reader_of(m.sends);
  FieldReader* r_opens = reader_of(m.opens);
  FieldReader* r_clicks = reader_of(m.clicks);
  FieldReader* r_split = reader_of(m.split);

  const size_t expected_fields = csv.column_count();
  Progress progress("corpus csv " + csv_path, static_cast<int64_t>(csv.input().file_size()),
                    "bytes");
  uint64_t reported = 0;
  CsvRecord rec;
  while (csv.next(rec)) {
    if ((rec.index & 1023) == 0) {
      const uint64_t now = csv.input().file_bytes_read();
      progress.advance(static_cast<int64_t>(now - reported));
      reported = now;
    }
    std::string member = "row " + std::to_string(rec.index);
    if (rec.fault != CsvFault::kNone) {
      b.reject_document(m.source, member, rec.line, csv_fault_name(rec.fault), rec.fault_detail);
      continue;
    }
    if (rec.size() != expected_fields) {
      b.reject_document(m.source, member, rec.line, "wrong_field_count",
                        "expected " + std::to_string(expected_fields) + " fields, found " +
                            std::to_string(rec.size()));
      continue;
    }
    // Read every mapped field; the first fault rejects the row.
    FieldFault fault;
    bool ok = true;
    auto read = [&](FieldReader* r, FieldValue* v) {
      if (!ok || r == nullptr) return;
      if (!r->read(rec, v, &fault)) ok = false;
    };
    FieldValue id, subject, body, campaign, category, open, click, sends, opens, clicks, split;
    read(r_id, &id);
    if (ok && id.present) member = std::string(id.s);
    read(r_subject, &subject);
    read(r_body, &body);
    read(r_campaign, &campaign);
    read(r_category, &category);
    read(r_open, &open);
    read(r_click, &click);
    read(r_sends, &sends);
    read(r_opens, &opens);
    read(r_clicks, &clicks);
    read(r_split, &split);
    if (!ok) {
      b.reject_document(m.source, member, rec.line, fault.reason, fault.detail);
      continue;
    }
    CorpusDocument doc;
    doc.source = m.source;
    doc.member = member;
    doc.line = rec.line;
    if (split.present) {
      const std::string s(split.s);
      doc.split = s == "train" ? 0 : s == "dev" ? 1 : s == "test" ? 2 : -2;
      if (doc.split == -2) {
        b.reject_document(
            m.source, member, rec.line, "unknown_split",
            "split '" + s + "' is not train, dev or test (map other values in the mapping)");
        continue;
      }
    }
    // Outcomes: rates in [0, 1], or counts turned into rates.
    auto rate = [&](const FieldValue& v, const char* name, float* out) {
      if (!v.present) return true;
      if (!(v.f >= 0.0 && v.f <= 1.0)) {
        b.reject_document(m.source, member, rec.line, "out_of_range",
                          std::string(name) + " = " + std::to_string(v.f) + " is not in [0, 1]");
        return false;
      }
      *out = static_cast<float>(v.f);
      return true;
    };
    if (!rate(open, "open_rate", &doc.open_rate) || !rate(click, "click_rate", &doc.click_rate))
      continue;
    if (sends.present) {
      bool good = sends.i > 0;
      for (const FieldValue* c : {&opens, &clicks})
        good &= !c->present || (c->i >= 0 && c->i <= sends.i);
      if (!good) {
        b.reject_document(m.source, member, rec.line, "out_of_range",
                          "counts need sends > 0 and 0 <= opens, clicks <= sends (sends " +
                              std::to_string(sends.i) + ")");
        continue;
      }
      if (opens.present) doc.open_rate = static_cast<float>(double(opens.i) / double(sends.i));
      if (clicks.present) doc.click_rate = static_cast<float>(double(clicks.i) / double(sends.i));
    }
    if (campaign.present) doc.campaign = std::string(campaign.s);
    if (category.present) doc.category = std::string(category.s);
    if (r_subject) {
      if (subject.present) {
        doc.texts.push_back({TextField::kSubject, std::string(subject.s)});
      } else {
        doc.problems.push_back(
            {TextField::kSubject, "empty", "column '" + m.subject->column + "' is empty"});
      }
    }
    if (r_body) {
      if (body.present) {
        std::string text(body.s);
        if (m.body_is_html) text = html_to_text(text);
        doc.texts.push_back({TextField::kBody, std::move(text)});
      } else {
        doc.problems.push_back(
            {TextField::kBody, "empty", "column '" + m.body->column + "' is empty"});
      }
    }
    b.add(std::move(doc));
  }
  progress.finish();
  if (csv.blank_lines() > 0) b.note("blank_lines", csv.blank_lines());
  return b.finish();
}

}  // namespace tailor
