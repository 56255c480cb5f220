// The cleaning shared by every corpus source: whitespace, slot rules, blocklist, length limits,
// dedupe (also against a dataset appended to), seeded splits and the report's accounting.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "core/config/param_set.h"
#include "core/corpus/blocklist.h"
#include "core/corpus/copy_slots.h"
#include "core/corpus/corpus_cleaner.h"
#include "core/corpus/text_normalize.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

std::string slotted(std::string s) {
  escape_braces(s);
  replace_price_and_discount(s);
  return s;
}

TEST(CorpusCleaning, WhitespaceRules) {
  EXPECT_EQ(normalize_line("  Big\t\tsale \xC2\xA0 today\r\nonly \xE2\x80\x8B!  "),
            "Big sale today only !");
  EXPECT_EQ(normalize_line("a\x01"
                           "b\x7F"
                           "c\xC2\xAD"
                           "d"),
            "abcd");  // controls, DEL, soft hyphen dropped
  EXPECT_EQ(normalize_block("\n\n  Hello   there  \r\n\r\n\r\n\n  second\tpara \nline\n\n"),
            "Hello there\n\nsecond para\nline");
  EXPECT_EQ(utf8_length("caf\xC3\xA9 \xE2\x82\xAC"), 6u);
}

TEST(CorpusCleaning, PriceSlots) {
  EXPECT_EQ(slotted("Only $19.99 today"), "Only {price} today");
  EXPECT_EQ(slotted("from \xE2\x82\xAC"
                    "5 or 5\xE2\x82\xAC or \xC2\xA3"
                    "10"),
            "from {price} or {price} or {price}");
  EXPECT_EQ(slotted("19.99 USD, USD 20, 10 dollars, 3 euros"),
            "{price}, {price}, {price}, {price}");
  EXPECT_EQ(slotted("$1,299.00 and $ 5 and US$30 and $19.99 USD"),
            "{price} and {price} and {price} and {price}");
  EXPECT_EQ(slotted("$5-$10 range, $1.2M deal"), "{price}-{price} range, {price} deal");
  EXPECT_EQ(slotted("1.299,50 EUR"), "{price}");
  // Not prices: plain numbers, numbers in words, versions, a sign without a number.
  EXPECT_EQ(slotted("Call 555-1234, mp3 v2.0, $$$ 2002"), "Call 555-1234, mp3 v2.0, $$$ 2002");
  EXPECT_EQ(slotted("BUSD 5"), "BUSD 5");
}

TEST(CorpusCleaning, DiscountSlots) {
  EXPECT_EQ(slotted("Save 30% now"), "Save {discount} now");
  EXPECT_EQ(slotted("up to 30 % off"), "up to {discount} off");
  EXPECT_EQ(slotted("12.5% or 40 percent"), "{discount} or {discount}");
  // 0, 100 and more are not discounts.
  EXPECT_EQ(slotted("100% cotton, 0% APR, 200% growth"), "100% cotton, 0% APR, 200% growth");
}

TEST(CorpusCleaning, BracesBecomeParenthesesSoOnlySlotsRemain) {
  const std::string s = slotted("{first_name} gets {{50%}} off at $5");
  EXPECT_EQ(s, "(first_name) gets (({discount})) off at {price}");
  EXPECT_TRUE(only_known_slots(s));
  EXPECT_FALSE(only_known_slots("hello {name}"));
  EXPECT_FALSE(only_known_slots("hello {price"));
  EXPECT_EQ(slots_in("{first_name}, {price} {x y}"),
            (std::vector<std::string>{"first_name", "price"}));
}

TEST(CorpusCleaning, BlocklistMatchesWholeWordsAndPhrases) {
  const Blocklist b = Blocklist::parse(
      "# comment\nporn\nget rich quick  # trailing comment\nyou ve won\n\n", "test");
  EXPECT_EQ(b.size(), 3u);
  EXPECT_NE(b.first_match("Free PORN!"), nullptr);
  EXPECT_EQ(b.first_match("pornography and porno"), nullptr);  // whole words only
  ASSERT_NE(b.first_match("How to Get-Rich-Quick\nfast"), nullptr);
  EXPECT_EQ(*b.first_match("How to Get-Rich-Quick\nfast"), "get rich quick");
  EXPECT_NE(b.first_match("You've won a prize"), nullptr);
  EXPECT_EQ(b.first_match("get rich slowly"), nullptr);
  EXPECT_EQ(b.first_match("\xC3\x89LAN rich"), nullptr);
  EXPECT_THROW(Blocklist::parse("$$$\n", "test"), Error);
  // The shipped list loads and matches.
  const Blocklist shipped = Blocklist::load("builtin");
  EXPECT_GT(shipped.size(), 50u);
  EXPECT_NE(shipped.first_match("cheap VIAGRA here"), nullptr);
  EXPECT_EQ(shipped.first_match("Nude lipstick and a sexy summer dress"), nullptr);
  const Blocklist file =
      Blocklist::load(std::string(TAILOR_SOURCE_DIR) + "/configs/copy_blocklist.txt");
  EXPECT_EQ(file.terms(), shipped.terms());
  EXPECT_EQ(Blocklist::load("").size(), 0u);
}

CorpusDocument doc(const std::string& member, const std::string& subject, const std::string& body) {
  CorpusDocument d;
  d.source = "test";
  d.member = member;
  if (!subject.empty()) d.texts.push_back({TextField::kSubject, subject});
  d.texts.push_back({TextField::kBody, body});
  return d;
}

TEST(CorpusCleaning, LengthLimitsRemoveRowsAndEmptyDocumentsAreRejected) {
  CorpusCleanParams p;
  p.subject_max_chars = 10;
  p.body_min_chars = 5;
  p.blocklist = "";
  CorpusBuilder b(p, "csv", "in");
  EXPECT_TRUE(b.add(doc("a", "short one", "a fine body")));
  EXPECT_TRUE(b.add(doc("b", "a subject that is too long", "another body")));  // subject removed
  EXPECT_FALSE(b.add(doc("c", "", "tiny")));                                   // body too short
  EXPECT_FALSE(b.add(doc("d", "", "   \n\t ")));  // empty after cleaning
  CorpusDocument bad = doc("e", "", "x");
  bad.texts[0].text = "broken \xFF utf-8";
  EXPECT_FALSE(b.add(bad));
  const CorpusImportResult r = b.finish();
  EXPECT_EQ(r.report.documents_read, 5);
  EXPECT_EQ(r.report.documents_kept, 2);
  EXPECT_EQ(r.report.rows_removed.at("too_long"), 1);
  EXPECT_EQ(r.report.documents_rejected.at("too_short"), 1);
  EXPECT_EQ(r.report.documents_rejected.at("empty"), 1);
  EXPECT_EQ(r.report.documents_rejected.at("broken_utf8"), 1);
  EXPECT_EQ(r.rows.size(), 3u);
  ASSERT_EQ(r.rejects.size(), 4u);
  EXPECT_EQ(r.rejects[0].scope, "row");
  EXPECT_EQ(r.rejects[0].field, "subject");
  EXPECT_EQ(r.rejects[0].detail, "26 chars, maximum 10");
}

TEST(CorpusCleaning, DedupeWithinAnImportAndAgainstTheDataset) {
  CorpusCleanParams p;
  CorpusBuilder b(p, "aeslc", "in");
  EXPECT_TRUE(b.add(doc("a", "Hello", "Same   body")));
  EXPECT_FALSE(b.add(doc("b", "Hello ", "Same body")));  // equal after whitespace cleaning
  EXPECT_TRUE(b.add(doc("c", "Hello", "Other body")));
  CorpusImportResult first = b.finish();
  EXPECT_EQ(first.report.documents_rejected.at("duplicate"), 1);
  EXPECT_EQ(first.rejects[0].detail, "same text as test/a");

  // Appending: documents already in the dataset count, and new ids continue after them.
  CorpusBuilder again(p, "aeslc", "in2", &first.rows);
  EXPECT_FALSE(again.add(doc("x", "Hello", "Other body")));
  EXPECT_TRUE(again.add(doc("y", "New", "Body")));
  const CorpusImportResult second = again.finish();
  EXPECT_NE(second.rejects[0].detail.find("already in the dataset"), std::string::npos)
      << second.rejects[0].detail;
  ASSERT_EQ(second.rows.size(), 2u);
  EXPECT_EQ(second.rows.document[0], 2);

  p.dedupe = false;
  CorpusBuilder keep(p, "aeslc", "in");
  EXPECT_TRUE(keep.add(doc("a", "Hello", "Same body")));
  EXPECT_TRUE(keep.add(doc("b", "Hello", "Same body")));
}

TEST(CorpusCleaning, BlocklistRemovesTheWholeDocument) {
  CorpusBuilder b(CorpusCleanParams(), "spamassassin", "in");
  EXPECT_FALSE(b.add(doc("a", "Weekly news", "Visit our online casino tonight")));
  const CorpusImportResult r = b.finish();
  EXPECT_EQ(r.report.documents_rejected.at("blocklist"), 1);
  EXPECT_EQ(r.rejects[0].detail, "'online casino' in the body");
  EXPECT_EQ(r.rows.size(), 0u);
}

TEST(CorpusCleaning, SlotsFollowTheSourceUnlessForced) {
  CorpusCleanParams p;
  EXPECT_TRUE(corpus_slots_enabled(p, "spamassassin"));
  EXPECT_TRUE(corpus_slots_enabled(p, "csv"));
  EXPECT_FALSE(corpus_slots_enabled(p, "aeslc"));
  EXPECT_FALSE(corpus_slots_enabled(p, "fashion"));
  p.slots = "on";
  EXPECT_TRUE(corpus_slots_enabled(p, "aeslc"));
  p.slots = "off";
  EXPECT_FALSE(corpus_slots_enabled(p, "csv"));
  p.slots = "maybe";
  EXPECT_THROW(validate_corpus_clean_params(p), Error);
}

TEST(CorpusCleaning, SeededSplitDependsOnSeedSourceAndMemberOnly) {
  CorpusCleanParams p;
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 20000; ++i) ++counts[seeded_corpus_split(p, "s", "m" + std::to_string(i))];
  EXPECT_NEAR(counts[1] / 20000.0, 0.1, 0.01);
  EXPECT_NEAR(counts[2] / 20000.0, 0.1, 0.01);
  EXPECT_EQ(seeded_corpus_split(p, "s", "m7"), seeded_corpus_split(p, "s", "m7"));
  int changed = 0;
  CorpusCleanParams q = p;
  q.seed = 7;
  for (int i = 0; i < 1000; ++i)
    changed += seeded_corpus_split(p, "s", "m" + std::to_string(i)) !=
               seeded_corpus_split(q, "s", "m" + std::to_string(i));
  EXPECT_GT(changed, 100);
}

TEST(CorpusCleaning, ConfigFileHoldsEveryDefault) {
  const std::string path = std::string(TAILOR_SOURCE_DIR) + "/configs/corpus.yaml";
  const YAML::Node root = load_yaml_file(path);
  CorpusCleanParams defaults, from_file;
  CLI::App app_a, app_b;
  ParamSet a(&app_a, "corpus"), b(&app_b, "corpus");
  add_corpus_clean_params(a, defaults);
  add_corpus_clean_params(b, from_file);
  app_b.parse(std::vector<std::string>{});
  b.apply_yaml(root, path);
  ASSERT_EQ(root["corpus"].size(), a.to_yaml().size())
      << "configs/corpus.yaml must list every parameter";
  EXPECT_EQ(corpus_clean_params_yaml(from_file), corpus_clean_params_yaml(defaults));
}

}  // namespace
}  // namespace tailor
