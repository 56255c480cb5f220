// Corpus importers on fixtures written for the tests: a SpamAssassin-layout tree of messages,
// a fashion catalogue sample and a retailer's copy CSV with bad rows; plus the real fashion file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/corpus/corpus_import.h"
#include "core/corpus/corpus_mapping.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

using corpus_test::error_of;
using corpus_test::fixtures;
using corpus_test::sh;
using corpus_test::TempDir;

/// Texts of field `f` by member.
std::map<std::string, std::string> by_member(const CorpusImportResult& r,
                                             const std::vector<std::string>& members, TextField f) {
  std::map<std::string, std::string> out;
  std::map<int64_t, std::string> doc_member;
  size_t next = 0;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    if (!doc_member.count(r.rows.document[i])) doc_member[r.rows.document[i]] = members[next++];
    if (r.rows.field[i] == static_cast<uint8_t>(f))
      out[doc_member[r.rows.document[i]]] = r.rows.text[i];
  }
  return out;
}

std::map<std::string, std::string> reject_reasons(const CorpusImportResult& r,
                                                  const std::string& scope) {
  std::map<std::string, std::string> out;
  for (const CorpusReject& x : r.rejects)
    if (x.scope == scope) out[x.member + (scope == "row" ? ":" + x.field : "")] = x.reason;
  return out;
}

TEST(CorpusSpamAssassin, FixtureTreeAccounting) {
  TempDir t;
  const std::string tar = t / "sa.tar.xz";
  ASSERT_EQ(sh("cd '" + fixtures() + "/spamassassin' && tar -cJf '" + tar + "' spamassassin"), 0);
  const CorpusImportResult r = import_spamassassin(tar, CorpusCleanParams());
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 7);
  EXPECT_EQ(rep.documents_kept, 4);
  const auto docs = reject_reasons(r, "document");
  EXPECT_EQ(docs.at("spam-1/00002.b.txt"), "blocklist");
  EXPECT_EQ(docs.at("spam-1/00004.dup.txt"), "duplicate");
  EXPECT_EQ(docs.at("hard-ham-1/00002.f.txt"), "unknown_charset");
  const auto rows = reject_reasons(r, "row");
  EXPECT_EQ(rows.at("spam-1/00003.c.txt:body"), "no_text_part");
  EXPECT_EQ(rep.rows_removed.at("no_text_part"), 1);

  // Kept documents in archive order: the tar lists folders in an order we do not control, so
  // look rows up by their source.
  std::map<std::string, std::vector<std::string>> texts;  // source -> texts
  for (size_t i = 0; i < r.rows.size(); ++i) {
    texts[r.rows.source[i]].push_back(r.rows.text[i]);
    EXPECT_EQ(r.rows.spam[i], r.rows.source[i] == "spamassassin/spam-1" ? 1 : 0);
  }
  auto has = [&](const std::string& source, const std::string& text) {
    const auto& v = texts[source];
    return std::find(v.begin(), v.end(), text) != v.end();
  };
  EXPECT_TRUE(has("spamassassin/spam-1", "Save {discount} on caf\xC3\xA9 machines"));
  EXPECT_TRUE(has("spamassassin/spam-1", "Only {price} today & free shipping!\n\nClick here."));
  EXPECT_TRUE(has("spamassassin/spam-1", "Picture"));
  EXPECT_TRUE(has("spamassassin/easy-ham-1", "Re: build fails on RH8"));
  EXPECT_TRUE(has("spamassassin/easy-ham-1", "Try make clean first."));
  EXPECT_TRUE(has("spamassassin/hard-ham-1",
                  "\xE2\x80\x9CNew\xE2\x80\x9D arrivals this week \xE2\x80\x93 from {price}."));
  EXPECT_EQ(rep.notes.at("signatures_removed"), 1);
  EXPECT_EQ(rep.notes.at("quoted_lines_removed"), 2);
  EXPECT_EQ(rep.notes.at("bodies_from_html"), 1);
  // Subject and body of one message share a document id.
  std::map<int64_t, int> per_doc;
  for (int64_t d : r.rows.document) ++per_doc[d];
  EXPECT_EQ(per_doc.size(), 4u);
}

TEST(CorpusFashion, SampleWithDuplicatesAndBadRows) {
  const CorpusImportResult r =
      import_fashion(fixtures() + "/styles_sample.csv", CorpusCleanParams());
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 7);
  EXPECT_EQ(rep.documents_kept, 4);
  const auto docs = reject_reasons(r, "document");
  EXPECT_EQ(docs.at("59264"), "duplicate");  // same name after whitespace collapsing
  EXPECT_EQ(docs.at("21379"), "empty");
  EXPECT_EQ(docs.at("53759"), "wrong_field_count");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows.text[2], "Titan Women Silver Watch");
  EXPECT_EQ(r.rows.category[0], "Apparel/Topwear/Shirts");
  EXPECT_EQ(r.rows.source[2], "fashion/Women");
  EXPECT_EQ(r.rows.text[3], "Lakme Nude Lipstick Pack of 2 100% Matte");  // no slots for fashion
  EXPECT_EQ(r.rows.category[3], "Personal Care/Lips/Lipstick");
  for (size_t i = 0; i < r.rows.size(); ++i)
    EXPECT_EQ(r.rows.field[i], static_cast<uint8_t>(TextField::kProductName));
  // Rejects carry the CSV line.
  for (const CorpusReject& x : r.rejects) {
    if (x.member == "53759") {
      EXPECT_EQ(x.line, 7);
    }
  }
}

TEST(CorpusCsv, ShippedMappingOnTheFixture) {
  const CorpusMapping m =
      load_corpus_mapping(std::string(TAILOR_SOURCE_DIR) + "/configs/import/corpus_csv.yaml");
  EXPECT_EQ(m.source, "my_shop");
  EXPECT_EQ(m.merge_tags.size(), 4u);
  const CorpusImportResult r =
      import_corpus_csv(fixtures() + "/my_shop_copy.csv", m, CorpusCleanParams());
  const CorpusReport& rep = r.report;
  EXPECT_EQ(rep.documents_read, 12);
  EXPECT_EQ(rep.documents_kept, 5);
  const auto docs = reject_reasons(r, "document");
  EXPECT_EQ(docs.at("e6"), "duplicate");
  EXPECT_EQ(docs.at("e7"), "unparsable_number");
  EXPECT_EQ(docs.at("e8"), "out_of_range");
  EXPECT_EQ(docs.at("e9"), "empty");
  EXPECT_EQ(docs.at("row 10"), "missing_required");
  EXPECT_EQ(docs.at("e11"), "blocklist");
  EXPECT_EQ(docs.at("row 12"), "wrong_field_count");
  const std::vector<std::string> kept = {"e1", "e2", "e3", "e4", "e5"};
  const auto subj = by_member(r, kept, TextField::kSubject);
  const auto body = by_member(r, kept, TextField::kBody);
  EXPECT_EQ(subj.at("e1"), "Welcome to {shop}, {first_name}!");
  EXPECT_EQ(body.at("e1"),
            "Hi {first_name},\n\nthanks for joining. Here is {discount} off your first order.");
  EXPECT_EQ(body.at("e2"), "Your {product} is still waiting: only {price} today.");
  EXPECT_EQ(subj.at("e3"), "Summer sale: up to {discount} off");
  EXPECT_EQ(body.at("e3"), "Everything (must) go. Prices from {price}.");
  EXPECT_EQ(subj.at("e4"), "Just for you, {first_name}");
  // Campaign map (unmapped kept), category, outcomes from counts.
  std::map<std::string, size_t> first_row;
  for (size_t i = 0, d = 0; i < r.rows.size(); ++i)
    if (i == 0 || r.rows.document[i] != r.rows.document[i - 1]) first_row[kept[d++]] = i;
  EXPECT_EQ(r.rows.campaign[first_row["e1"]], "welcome");
  EXPECT_EQ(r.rows.campaign[first_row["e2"]], "cart_abandonment");
  EXPECT_EQ(r.rows.campaign[first_row["e5"]], "Spring drop");
  EXPECT_EQ(r.rows.category[first_row["e2"]], "shoes");
  EXPECT_NEAR(r.rows.open_rate[first_row["e1"]], 0.42, 1e-6);
  EXPECT_NEAR(r.rows.click_rate[first_row["e1"]], 0.061, 1e-6);
  EXPECT_EQ(rep.notes.at("merge_tags_replaced"), 5);
}

TEST(CorpusCsv, MappingErrorsNameFileAndLine) {
  std::string msg =
      error_of([] { parse_corpus_mapping("corpus:\n  campaign: {column: c}\n", "'m.yaml'"); });
  EXPECT_NE(msg.find("needs a 'subject' or a 'body'"), std::string::npos) << msg;
  msg = error_of([] { parse_corpus_mapping("corpus:\n  subject: s\n  bodyy: b\n", "'m.yaml'"); });
  EXPECT_NE(msg.find("'m.yaml' line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("corpus.bodyy"), std::string::npos) << msg;
  msg = error_of([] {
    parse_corpus_mapping("corpus:\n  subject: s\n  merge_tags: {\"[name]\": firstname}\n",
                         "'m.yaml'");
  });
  EXPECT_NE(msg.find("not a slot"), std::string::npos) << msg;
  msg = error_of([] { parse_corpus_mapping("corpus:\n  subject: s\n  opens: o\n", "'m.yaml'"); });
  EXPECT_NE(msg.find("need a 'sends' count"), std::string::npos) << msg;
  msg = error_of([] {
    parse_corpus_mapping("corpus:\n  subject: s\n  open_rate: {column: o, type: string}\n",
                         "'m.yaml'");
  });
  EXPECT_NE(msg.find("cannot be converted"), std::string::npos) << msg;
  // A mapped column missing from the CSV header names the file and the column.
  const CorpusMapping m = parse_corpus_mapping("corpus:\n  subject: headline\n", "'m.yaml'");
  msg = error_of(
      [&] { import_corpus_csv(fixtures() + "/my_shop_copy.csv", m, CorpusCleanParams()); });
  EXPECT_NE(msg.find("headline"), std::string::npos) << msg;
  EXPECT_NE(msg.find("my_shop_copy.csv"), std::string::npos) << msg;
}

TEST(CorpusFashionRealData, EveryRowAccountedFor) {
  const std::string path = corpus_test::shared_data("fashion_products/styles.csv.xz");
  if (path.empty())
    GTEST_SKIP()
        << "$TAILOR_SHARED_DATA/fashion_products/styles.csv.xz is absent (set TAILOR_SHARED_DATA)";
  const CorpusImportResult r = import_fashion(path, CorpusCleanParams());
  std::fputs(r.report.to_table().c_str(), stdout);
  EXPECT_EQ(r.report.documents_read, 44446);
  EXPECT_EQ(r.report.documents_kept + r.report.documents_rejected_total(), 44446);
  // 31,033 distinct display names (whitespace collapsed, case kept), none blocklisted.
  EXPECT_EQ(r.report.documents_kept, 31033);
  EXPECT_EQ(r.report.documents_rejected.at("duplicate"), 44446 - 31033);
}

}  // namespace
}  // namespace tailor
