// AESLC import: file parsing (body, @subject, @ann0..2, '@' inside a body), the corpus's own
// split, cleaning and rejects on a checked-in fixture tree, and the real corpus's file counts.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "core/corpus/corpus_import.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

using corpus_test::sh;
using corpus_test::TempDir;

std::string fixture_tar(const TempDir& t) {
  const std::string tar = t / "aeslc_fixture.tar.xz";
  EXPECT_EQ(sh("cd '" + corpus_test::fixtures() + "/aeslc' && tar -cJf '" + tar + "' AESLC"), 0);
  return tar;
}

std::vector<std::string> texts_of(const CorpusImportResult& r, TextField f, int split = -1) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.rows.size(); ++i)
    if (r.rows.field[i] == static_cast<uint8_t>(f) && (split < 0 || r.rows.split[i] == split))
      out.push_back(r.rows.text[i]);
  return out;
}

TEST(CorpusAeslc, ParsesBodySubjectAndAnnotations) {
  CorpusDocument doc;
  std::string reason, detail;
  ASSERT_TRUE(
      parse_aeslc_file("Body line one\n@ not a tag\n\n@subject\nThe  subject\n\n@ann0\nfirst\n\n"
                       "@ann1\nsecond\n\n@ann2\nthird",
                       &doc, &reason, &detail));
  ASSERT_EQ(doc.texts.size(), 5u);
  EXPECT_EQ(doc.texts[0].field, TextField::kBody);
  EXPECT_EQ(doc.texts[0].text, "Body line one\n@ not a tag\n");
  EXPECT_EQ(doc.texts[1].field, TextField::kSubject);
  EXPECT_EQ(doc.texts[1].text, "The  subject\n");
  EXPECT_EQ(doc.texts[2].field, TextField::kReferenceSubject);
  EXPECT_EQ(doc.texts[4].text, "third");

  CorpusDocument bad;
  EXPECT_FALSE(parse_aeslc_file("no tags here\n", &bad, &reason, &detail));
  EXPECT_EQ(reason, "no_subject_tag");
  EXPECT_FALSE(parse_aeslc_file("body\n@ann0\nx\n@subject\ny\n", &bad, &reason, &detail));
  EXPECT_EQ(reason, "no_subject_tag");
}

TEST(CorpusAeslc, ImportsTheFixtureTreeWithItsSplitAndRejects) {
  TempDir t;
  CorpusCleanParams p;
  const CorpusImportResult r = import_aeslc(fixture_tar(t), p);
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 7);
  EXPECT_EQ(rep.documents_kept, 4);
  EXPECT_EQ(rep.documents_rejected.at("no_subject_tag"), 1);
  EXPECT_EQ(rep.documents_rejected.at("duplicate"), 1);
  EXPECT_EQ(rep.documents_rejected.at("blocklist"), 1);
  EXPECT_EQ(rep.documents_read, rep.documents_kept + rep.documents_rejected_total());
  EXPECT_EQ(rep.notes.at("members_not_subject_files"), 1);  // README.md
  EXPECT_EQ(rep.documents_by_split.at("train"), 2);
  EXPECT_EQ(rep.documents_by_split.at("dev"), 1);
  EXPECT_EQ(rep.documents_by_split.at("test"), 1);

  // Subjects: whitespace collapsed, case kept; AESLC gets no slot replacement ("auto").
  std::vector<std::string> train = texts_of(r, TextField::kSubject, 0);
  std::sort(train.begin(), train.end());
  EXPECT_EQ(train, (std::vector<std::string>{"Gas contract", "Q3 numbers attached"}));
  EXPECT_EQ(texts_of(r, TextField::kSubject, 2),
            (std::vector<std::string>{"Budget: $1.2M (+15%)"}));
  std::vector<std::string> refs = texts_of(r, TextField::kReferenceSubject);
  std::sort(refs.begin(), refs.end());
  EXPECT_EQ(refs.size(), 6u);
  EXPECT_EQ(refs, (std::vector<std::string>{"2002 budget", "Room moved", "budget attached",
                                            "budget review", "meeting room change",
                                            "new room for meeting"}));
  // Bodies keep their paragraph break; a line starting with '@' stays in the body.
  bool saw_at = false, saw_paragraph = false;
  for (const std::string& b : texts_of(r, TextField::kBody)) {
    saw_at |= b == "Call me about the gas contract.\n@ 5:00pm works for me.";
    saw_paragraph |= b.find("Friday.\n\nThanks,\nJohn") != std::string::npos;
  }
  EXPECT_TRUE(saw_at);
  EXPECT_TRUE(saw_paragraph);
  // Rows of one file share a document id; every row is from source "aeslc".
  std::map<int64_t, int> rows_per_doc;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    ++rows_per_doc[r.rows.document[i]];
    EXPECT_EQ(r.rows.source[i], "aeslc");
    EXPECT_EQ(r.rows.spam[i], -1);
  }
  EXPECT_EQ(rows_per_doc.size(), 4u);
  // The rejects name the member and the reason.
  ASSERT_EQ(r.rejects.size(), 3u);
  bool dup_named = false;
  for (const CorpusReject& x : r.rejects) {
    EXPECT_EQ(x.scope, "document");
    if (x.reason == "duplicate") {
      dup_named = x.detail.find("train/a_") != std::string::npos;
      EXPECT_NE(x.member.find("train/a_"), std::string::npos) << x.member;
    }
    if (x.reason == "blocklist") {
      EXPECT_NE(x.detail.find("online casino"), std::string::npos) << x.detail;
    }
  }
  EXPECT_TRUE(dup_named);
}

TEST(CorpusAeslc, SlotsOnReplacesPricesAndPercentages) {
  TempDir t;
  CorpusCleanParams p;
  p.slots = "on";
  p.blocklist = "";
  const CorpusImportResult r = import_aeslc(fixture_tar(t), p);
  std::vector<std::string> test = texts_of(r, TextField::kSubject, 2);
  std::sort(test.begin(), test.end());
  EXPECT_EQ(test, (std::vector<std::string>{"Budget: {price} (+{discount})", "Casino night"}));
  EXPECT_EQ(r.report.documents_kept, 5);  // the casino file is no longer blocked
  EXPECT_EQ(r.report.slots.at("price"), 2);
  EXPECT_EQ(r.report.slots.at("discount"), 2);
}

TEST(CorpusAeslcRealData, FileCountsPerSplit) {
  const std::string path = corpus_test::shared_data("aeslc/AESLC.tar.xz");
  if (path.empty())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/aeslc/AESLC.tar.xz is absent (set TAILOR_SHARED_DATA)";
  const auto t0 = std::chrono::steady_clock::now();
  const CorpusImportResult r = import_aeslc(path, CorpusCleanParams());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fputs(r.report.to_table().c_str(), stdout);
  std::printf("[ aeslc    ] %lld files in %.2f s\n",
              static_cast<long long>(r.report.documents_read), secs);
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 14436 + 1960 + 1906);
  EXPECT_EQ(rep.documents_read, rep.documents_kept + rep.documents_rejected_total());
  // Files per split, kept or not: the corpus's own split is 14,436 / 1,960 / 1,906.
  std::map<std::string, int64_t> files{{"train", 0}, {"dev", 0}, {"test", 0}};
  for (const auto& [k, v] : rep.documents_by_split) files[k] += v;
  for (const CorpusReject& x : r.rejects) {
    if (x.scope != "document") continue;
    for (const char* s : {"train", "dev", "test"})
      if (x.member.find(std::string("/") + s + "/") != std::string::npos) ++files[s];
  }
  EXPECT_EQ(files["train"], 14436);
  EXPECT_EQ(files["dev"], 1960);
  EXPECT_EQ(files["test"], 1906);
  // Every kept dev/test document carries three reference subjects (kept or listed as removed).
  int64_t refs = 0;
  for (size_t i = 0; i < r.rows.size(); ++i)
    refs += r.rows.field[i] == static_cast<uint8_t>(TextField::kReferenceSubject);
  for (const CorpusReject& x : r.rejects)
    refs += x.scope == "row" && x.field == "reference_subject";
  EXPECT_EQ(refs, 3 * (rep.documents_by_split.at("dev") + rep.documents_by_split.at("test")));
}

}  // namespace
}  // namespace tailor
