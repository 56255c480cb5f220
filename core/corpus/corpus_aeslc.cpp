// AESLC importer: <split>/<name>.subject files of the Annotated Enron Subject Line Corpus.
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/corpus/corpus_import.h"
#include "core/corpus/tar_reader.h"
#include "core/io/csv_reader.h"

namespace tailor {

CorpusFormat parse_corpus_format(const std::string& name) {
  if (name == "spamassassin") return CorpusFormat::kSpamAssassin;
  if (name == "aeslc") return CorpusFormat::kAeslc;
  if (name == "fashion") return CorpusFormat::kFashion;
  if (name == "csv") return CorpusFormat::kCsv;
  TAILOR_FAIL("unknown corpus format '" << name << "' (spamassassin, aeslc, fashion, csv)");
}

const char* corpus_format_name(CorpusFormat f) {
  switch (f) {
    case CorpusFormat::kSpamAssassin:
      return "spamassassin";
    case CorpusFormat::kAeslc:
      return "aeslc";
    case CorpusFormat::kFashion:
      return "fashion";
    case CorpusFormat::kCsv:
      return "csv";
  }
  return "?";
}

namespace {

/// The tag a line is, after trimming spaces/tabs/CR at its end: "@subject", "@ann0".. or "".
std::string_view tag_of(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  if (line == "@subject" || line == "@ann0" || line == "@ann1" || line == "@ann2") return line;
  return {};
}

std::string join_lines(const std::vector<std::string_view>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out.push_back('\n');
    out.append(lines[i]);
  }
  return out;
}

}  // namespace

bool parse_aeslc_file(const std::string& content, CorpusDocument* doc, std::string* reason,
                      std::string* detail) {
  std::vector<std::string_view> lines;
  std::string_view s(content);
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) nl = s.size();
    lines.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  // Tag lines split the file into sections; text before the first tag is the body.
  std::vector<std::pair<std::string_view, size_t>> tags;  // (tag, line index)
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = tag_of(lines[i]);
    if (!t.empty()) tags.emplace_back(t, i);
  }
  if (tags.empty() || tags[0].first != "@subject") {
    *reason = "no_subject_tag";
    *detail = tags.empty() ? "no @subject line" : "the first tag is " + std::string(tags[0].first);
    return false;
  }
  doc->texts.push_back({TextField::kBody, join_lines(lines, 0, tags[0].second)});
  for (size_t t = 0; t < tags.size(); ++t) {
    const size_t end = t + 1 < tags.size() ? tags[t + 1].second : lines.size();
    std::string text = join_lines(lines, tags[t].second + 1, end);
    if (tags[t].first == "@subject") {
      if (t > 0) {
        *reason = "repeated_subject_tag";
        *detail = "a second @subject line at line " + std::to_string(tags[t].second + 1);
        return false;
      }
      doc->texts.push_back({TextField::kSubject, std::move(text)});
    } else {
      doc->texts.push_back({TextField::kReferenceSubject, std::move(text)});
    }
  }
  return true;
}

CorpusImportResult import_aeslc(const std::string& tar_path, const CorpusCleanParams& p,
                                const TextCorpusTable* existing) {
  CorpusBuilder b(p, "aeslc", tar_path, existing);
  TarReader tar(tar_path);
  Progress progress("aeslc " + tar_path, static_cast<int64_t>(tar.input().file_size()), "bytes");
  uint64_t reported = 0;
  TarMember m;
  while (tar.next(m)) {
    const uint64_t now = tar.input().file_bytes_read();
    progress.advance(static_cast<int64_t>(now - reported));
    reported = now;
    // .../<split>/<name>.subject
    const std::string& name = m.name;
    const size_t slash = name.find_last_of('/');
    const std::string file = slash == std::string::npos ? name : name.substr(slash + 1);
    if (file.size() < 9 || file.compare(file.size() - 8, 8, ".subject") != 0) {
      b.note("members_not_subject_files");
      continue;
    }
    std::string folder;
    if (slash != std::string::npos) {
      const size_t prev = name.find_last_of('/', slash - 1);
      folder = name.substr(prev == std::string::npos ? 0 : prev + 1,
                           slash - (prev == std::string::npos ? 0 : prev + 1));
    }
    int split = -1;
    if (folder == "train") split = 0;
    if (folder == "dev") split = 1;
    if (folder == "test") split = 2;
    if (split < 0) {
      b.reject_document("aeslc", name, -1, "unknown_split",
                        "folder '" + folder + "' is not train, dev or test");
      continue;
    }
    size_t bad = 0;
    if (!is_valid_utf8(m.content, &bad)) {
      b.reject_document("aeslc", name, -1, "broken_utf8",
                        "invalid UTF-8 at byte " + std::to_string(bad));
      continue;
    }
    CorpusDocument doc;
    doc.source = "aeslc";
    doc.member = name;
    doc.split = split;
    std::string reason, detail;
    if (!parse_aeslc_file(m.content, &doc, &reason, &detail)) {
      b.reject_document("aeslc", name, -1, reason, detail);
      continue;
    }
    b.add(std::move(doc));
  }
  progress.finish();
  if (tar.skipped_members() > 0) b.note("members_not_regular_files", tar.skipped_members());
  if (!tar.saw_end_marker())
    spdlog::warn("tar archive '{}' has no end-of-archive marker", tar_path);
  return b.finish();
}

}  // namespace tailor
