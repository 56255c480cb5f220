// SpamAssassin public corpus importer: raw RFC 822 messages in <group>/ folders of a tar.
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/corpus/corpus_import.h"
#include "core/corpus/mime_message.h"
#include "core/corpus/tar_reader.h"

namespace tailor {

CorpusImportResult import_spamassassin(const std::string& tar_path, const CorpusCleanParams& p,
                                       const TextCorpusTable* existing) {
  CorpusBuilder b(p, "spamassassin", tar_path, existing);
  EmailParseOptions opt;
  opt.strip_quoted_replies = p.strip_quoted_replies;
  opt.strip_signatures = p.strip_signatures;
  opt.strip_list_boilerplate = p.strip_list_boilerplate;
  TarReader tar(tar_path);
  Progress progress("spamassassin " + tar_path, static_cast<int64_t>(tar.input().file_size()),
                    "bytes");
  uint64_t reported = 0;
  TarMember m;
  while (tar.next(m)) {
    const uint64_t now = tar.input().file_bytes_read();
    progress.advance(static_cast<int64_t>(now - reported));
    reported = now;
    // <top>/<group>/<file>: the group is the folder holding the file.
    const size_t slash = m.name.find_last_of('/');
    if (slash == std::string::npos) {
      b.note("members_outside_a_group");
      continue;
    }
    const size_t prev = m.name.find_last_of('/', slash - 1);
    const std::string group = m.name.substr(prev == std::string::npos ? 0 : prev + 1,
                                            slash - (prev == std::string::npos ? 0 : prev + 1));
    const std::string file = m.name.substr(slash + 1);
    const std::string member = group + "/" + file;
    const std::string source = "spamassassin/" + group;
    int8_t spam = -1;
    if (group.rfind("spam", 0) == 0)
      spam = 1;
    else if (group.find("ham") != std::string::npos)
      spam = 0;
    if (spam < 0 || file == "cmds" || file.empty() || file[0] == '.') {
      if (spam < 0) {
        b.reject_document(source, member, -1, "unknown_group",
                          "folder '" + group + "' is neither spam* nor *ham*");
      } else {
        b.note("members_not_messages");
      }
      continue;
    }
    const ParsedEmail e = parse_email(m.content, opt);
    CorpusDocument doc;
    doc.source = source;
    doc.member = member;
    doc.spam = spam;
    // Texts in row order subject, body; a body problem is listed first, so that a message with
    // neither row is rejected for what is wrong with its body.
    if (e.has_subject && e.subject_problem.empty())
      doc.texts.push_back({TextField::kSubject, e.subject});
    if (e.has_body) {
      doc.texts.push_back({TextField::kBody, e.body});
    } else {
      doc.problems.push_back({TextField::kBody, e.body_problem, e.body_detail});
    }
    if (!e.has_subject) {
      doc.problems.push_back({TextField::kSubject, "no_subject", "no Subject header"});
    } else if (!e.subject_problem.empty()) {
      doc.problems.push_back({TextField::kSubject, e.subject_problem, e.subject_detail});
    }
    if (b.add(std::move(doc))) {
      if (e.has_body)
        b.note(e.body_type == "text/html" ? "bodies_from_html" : "bodies_from_plain_text");
      if (e.quoted_lines_removed > 0) {
        b.note("messages_with_quoted_lines_removed");
        b.note("quoted_lines_removed", e.quoted_lines_removed);
      }
      if (e.signature_removed) b.note("signatures_removed");
      if (e.plain_part_was_html) b.note("plain_parts_read_as_html");
      if (e.list_footer_removed) b.note("list_footers_removed");
      if (e.list_tag_removed) b.note("subject_list_tags_removed");
      if (e.original_message_removed) b.note("original_messages_removed");
    }
    if (e.unterminated_multipart) b.note("multiparts_without_closing_boundary");
    if (e.malformed_header_lines > 0) b.note("messages_with_malformed_header_lines");
  }
  progress.finish();
  if (tar.skipped_members() > 0) b.note("members_not_regular_files", tar.skipped_members());
  if (!tar.saw_end_marker())
    spdlog::warn("tar archive '{}' has no end-of-archive marker", tar_path);
  return b.finish();
}

}  // namespace tailor
