// CorpusReport as JSON / text table, the rejects CSV and the metadata list of reports.
#include "core/corpus/corpus_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/corpus/corpus_document.h"
#include "core/io/atomic_file.h"
#include "core/io/csv_reader.h"

namespace tailor {

const char* text_field_name(TextField f) {
  switch (f) {
    case TextField::kSubject:
      return "subject";
    case TextField::kBody:
      return "body";
    case TextField::kProductName:
      return "product_name";
    case TextField::kReferenceSubject:
      return "reference_subject";
  }
  return "?";
}

const char* corpus_split_name(int split) {
  switch (split) {
    case 0:
      return "train";
    case 1:
      return "dev";
    case 2:
      return "test";
    default:
      return "?";
  }
}

int64_t CorpusReport::documents_rejected_total() const {
  int64_t n = 0;
  for (const auto& [k, v] : documents_rejected) n += v;
  return n;
}

std::string CorpusReport::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = format;
  j["input"] = input;
  j["documents_read"] = documents_read;
  j["documents_kept"] = documents_kept;
  j["documents_rejected"] = documents_rejected_total();
  j["documents_rejected_by_reason"] = documents_rejected;
  j["rows_kept_by_field"] = rows_kept;
  j["rows_removed_by_reason"] = rows_removed;
  j["documents_by_split"] = documents_by_split;
  j["documents_by_source"] = documents_by_source;
  j["slots_replaced"] = slots;
  j["notes"] = notes;
  j["params"] = params_yaml;
  j["seconds"] = seconds;
  return j.dump();
}

std::string CorpusReport::to_table() const {
  std::ostringstream os;
  char buf[256];
  auto line = [&](const std::string& k, int64_t v) {
    std::snprintf(buf, sizeof buf, "  %-34s %10lld\n", k.c_str(), static_cast<long long>(v));
    os << buf;
  };
  os << "corpus import (" << format << ") " << input << "\n";
  line("documents read", documents_read);
  line("documents kept", documents_kept);
  line("documents rejected", documents_rejected_total());
  for (const auto& [k, v] : documents_rejected) line("  rejected: " + k, v);
  for (const auto& [k, v] : rows_kept) line("rows kept: " + k, v);
  for (const auto& [k, v] : rows_removed) line("rows removed: " + k, v);
  for (const auto& [k, v] : documents_by_split) line("documents in " + k, v);
  for (const auto& [k, v] : documents_by_source) line("documents from " + k, v);
  for (const auto& [k, v] : slots) line("slots {" + k + "}", v);
  for (const auto& [k, v] : notes) line("note: " + k, v);
  std::snprintf(buf, sizeof buf, "  %-34s %10.2f\n", "seconds", seconds);
  os << buf;
  return os.str();
}

void write_corpus_rejects_csv(const std::vector<CorpusReject>& rejects, const std::string& path) {
  AtomicOutputFile f(path);
  auto& out = f.stream();
  out << "source,member,line,scope,field,reason,detail\n";
  for (const CorpusReject& r : rejects) {
    out << csv_escape(r.source) << ',' << csv_escape(r.member) << ',';
    if (r.line >= 0) out << r.line;
    out << ',' << r.scope << ',' << r.field << ',' << csv_escape(r.reason) << ','
        << csv_escape(r.detail) << '\n';
  }
  f.commit();
}

void append_corpus_report(std::map<std::string, std::string>& metadata,
                          const std::string& report_json) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  auto it = metadata.find("corpus_reports");
  if (it != metadata.end() && !it->second.empty()) {
    try {
      list = nlohmann::ordered_json::parse(it->second);
    } catch (const std::exception& e) {
      TAILOR_FAIL("dataset metadata 'corpus_reports' is not valid JSON: " << e.what());
    }
    TAILOR_CHECK(list.is_array(), "dataset metadata 'corpus_reports' is not a JSON array");
  }
  list.push_back(nlohmann::ordered_json::parse(report_json));
  metadata["corpus_reports"] = list.dump();
}

}  // namespace tailor
