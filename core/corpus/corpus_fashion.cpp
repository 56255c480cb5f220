// Fashion catalogue importer (Myntra styles.csv): product display names with their category.
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/corpus/corpus_import.h"
#include "core/io/csv_reader.h"

namespace tailor {

CorpusImportResult import_fashion(const std::string& csv_path, const CorpusCleanParams& p,
                                  const TextCorpusTable* existing) {
  CorpusBuilder b(p, "fashion", csv_path, existing);
  CsvReader csv(csv_path);
  const std::vector<int> col = csv.column_indices(
      {"id", "gender", "masterCategory", "subCategory", "articleType", "productDisplayName"},
      "the fashion importer");
  enum { kId, kGender, kMaster, kSub, kArticle, kName };
  Progress progress("fashion " + csv_path, static_cast<int64_t>(csv.input().file_size()), "bytes");
  uint64_t reported = 0;
  CsvRecord rec;
  auto field = [&](int k) {
    const int i = col[static_cast<size_t>(k)];
    return i < static_cast<int>(rec.size()) ? std::string(rec[static_cast<size_t>(i)])
                                            : std::string();
  };
  while (csv.next(rec)) {
    const uint64_t now = csv.input().file_bytes_read();
    progress.advance(static_cast<int64_t>(now - reported));
    reported = now;
    const std::string id = rec.size() > static_cast<size_t>(col[kId]) ? field(kId) : "";
    const std::string member = id.empty() ? "record " + std::to_string(rec.index) : id;
    if (rec.fault != CsvFault::kNone) {
      b.reject_document("fashion", member, rec.line, csv_fault_name(rec.fault), rec.fault_detail);
      continue;
    }
    if (rec.size() != csv.column_count()) {
      b.reject_document("fashion", member, rec.line, "wrong_field_count",
                        "expected " + std::to_string(csv.column_count()) + " fields, found " +
                            std::to_string(rec.size()));
      continue;
    }
    CorpusDocument doc;
    const std::string gender = field(kGender);
    doc.source = gender.empty() ? "fashion" : "fashion/" + gender;
    doc.member = member;
    doc.line = rec.line;
    // category = masterCategory/subCategory/articleType (the leaf is the article type).
    std::string category;
    for (int k : {kMaster, kSub, kArticle}) {
      std::string part = field(k);
      for (char& c : part)
        if (c == '/') c = '-';
      if (part.empty()) continue;
      category += (category.empty() ? "" : "/") + part;
    }
    doc.category = category;
    doc.texts.push_back({TextField::kProductName, field(kName)});
    b.add(std::move(doc));
  }
  progress.finish();
  if (csv.blank_lines() > 0) b.note("blank_lines", csv.blank_lines());
  return b.finish();
}

}  // namespace tailor
