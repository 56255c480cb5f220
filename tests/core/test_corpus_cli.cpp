// `tailor-train import-corpus` as a user runs it: a new dataset, --append-to a synthetic shop
// (everything else kept, reports accumulated), --help defaults, and clear errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/data/dataset_io.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

using corpus_test::TempDir;

struct CliRun {
  int code;
  std::string out;
};

class ImportCorpusCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access((bin_ + "/tailor-train").c_str(), X_OK) != 0)
      GTEST_SKIP() << bin_ << "/tailor-train is not built (build the tailor-train target)";
  }
  CliRun run(const std::string& args) {
    const std::string log = t_ / "log.txt";
    const int rc = std::system((bin_ + "/tailor-train " + args + " > " + log + " 2>&1").c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, corpus_test::read_file(log)};
  }
  TempDir t_;
  const std::string bin_ = TAILOR_BIN_DIR;
  const std::string src_ = TAILOR_SOURCE_DIR;
};

TEST_F(ImportCorpusCli, AppendsToASyntheticShopKeepingEverythingElse) {
  CliRun r = run("synth --customers 300 --products 40 --days 30 --copy-documents 50 --output " +
                 t_ / "shop.h5");
  ASSERT_EQ(r.code, 0) << r.out;
  const Dataset shop = read_dataset(t_ / "shop.h5");
  ASSERT_EQ(shop.corpus.size(), 100u);

  r = run("import-corpus --config " + src_ + "/configs/corpus.yaml --format csv --mapping " + src_ +
          "/configs/import/corpus_csv.yaml --input " + corpus_test::fixtures() +
          "/my_shop_copy.csv --append-to " + t_ / "shop.h5" + " --output " + t_ / "shop.h5" +
          " --rejects " + t_ / "rej.csv");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("documents kept                              5"), std::string::npos)
      << r.out;
  const Dataset ds = read_dataset(t_ / "shop.h5");
  EXPECT_EQ(ds.customers.size(), shop.customers.size());
  EXPECT_EQ(ds.transactions.size(), shop.transactions.size());
  EXPECT_EQ(ds.email_log.size(), shop.email_log.size());
  EXPECT_EQ(ds.metadata.at("synth_params"), shop.metadata.at("synth_params"));
  ASSERT_EQ(ds.corpus.size(), 100u + 10u);
  EXPECT_TRUE(std::equal(shop.corpus.text.begin(), shop.corpus.text.end(), ds.corpus.text.begin()));
  EXPECT_EQ(ds.corpus.document[100], 50);  // new ids follow the shop's documents
  EXPECT_EQ(ds.corpus.source[100], "my_shop");
  const std::string rejects = corpus_test::read_file(t_ / "rej.csv");
  EXPECT_EQ(rejects.substr(0, rejects.find('\n')), "source,member,line,scope,field,reason,detail");
  EXPECT_NE(rejects.find("my_shop,e7,"), std::string::npos) << rejects;

  // A second source into the same file: reports accumulate in the metadata.
  r = run("import-corpus --format fashion --input " + corpus_test::fixtures() +
          "/styles_sample.csv --append-to " + t_ / "shop.h5" + " --output " + t_ / "both.h5");
  ASSERT_EQ(r.code, 0) << r.out;
  const Dataset both = read_dataset(t_ / "both.h5");
  EXPECT_EQ(both.corpus.size(), 114u);
  const auto reports = nlohmann::json::parse(both.metadata.at("corpus_reports"));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["format"], "csv");
  EXPECT_EQ(reports[1]["format"], "fashion");
  EXPECT_EQ(reports[1]["documents_read"], 7);
  EXPECT_EQ(reports[1]["documents_rejected_by_reason"]["duplicate"], 1);
  EXPECT_TRUE(::access((t_ / "both.h5.corpus_rejects.csv").c_str(), F_OK) == 0);
}

TEST_F(ImportCorpusCli, HelpShowsDefaultsAndErrorsAreClear) {
  CliRun r = run("import-corpus --help");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* s :
       {"--body-max-chars", "20000", "--blocklist", "builtin", "--append-to", "--slots", "auto"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  r = run("import-corpus --format pdf --input x --output " + t_ / "o.h5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("unknown corpus format 'pdf'"), std::string::npos) << r.out;
  r = run("import-corpus --format csv --input " + corpus_test::fixtures() +
          "/my_shop_copy.csv --output " + t_ / "o.h5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("needs --mapping"), std::string::npos) << r.out;
  // A file of the wrong kind keeps nothing: no dataset is written, the rejects say why.
  r = run("import-corpus --format fashion --input " + corpus_test::fixtures() +
          "/my_shop_copy.csv --output " + t_ / "o.h5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("column 'id' required by the fashion importer"), std::string::npos) << r.out;
  EXPECT_FALSE(::access((t_ / "o.h5").c_str(), F_OK) == 0);
  r = run("import-corpus --format aeslc --input " + corpus_test::fixtures() +
          "/styles_sample.csv --output " + t_ / "o.h5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("styles_sample.csv"), std::string::npos) << r.out;
  EXPECT_FALSE(::access((t_ / "o.h5").c_str(), F_OK) == 0);
}

/// A dataset whose corpus is a separable toy spam / ham set over the three splits.
void write_toy_spam_dataset(const std::string& path) {
  Dataset ds;
  TextCorpusTable& k = ds.corpus;
  const char* spam[] = {"free money now", "click here to win cash", "cheap credit offer, act now"};
  const char* ham[] = {"meeting agenda for monday", "patch review for the kernel build",
                       "minutes of the call"};
  for (int d = 0; d < 120; ++d) {
    const bool is_spam = d % 2 == 0;
    for (int f = 0; f < 2; ++f) {
      k.document.push_back(d);
      k.source.push_back(is_spam ? "toy/spam" : "toy/ham");
      k.field.push_back(static_cast<uint8_t>(f == 0 ? TextField::kSubject : TextField::kBody));
      k.split.push_back(static_cast<uint8_t>(d % 10 == 8 ? 1 : d % 10 == 9 || d % 10 == 7 ? 2 : 0));
      const char* base = (is_spam ? spam : ham)[d % 3];
      k.text.push_back(f == 0 ? std::string(base) : std::string(base) + " " + std::to_string(d));
      k.campaign.push_back("");
      k.category.push_back("");
      k.customer.push_back(-1);
      k.product.push_back(-1);
      k.spam.push_back(is_spam ? 1 : 0);
      k.open_rate.push_back(NAN);
      k.click_rate.push_back(NAN);
    }
  }
  write_dataset(ds, path);
}

TEST_F(ImportCorpusCli, SpamScorerTrainsAndScoresADataset) {
  if (::access((bin_ + "/tailor-infer").c_str(), X_OK) != 0)
    GTEST_SKIP() << "tailor-infer is not built";
  write_toy_spam_dataset(t_ / "toy.h5");
  CliRun r =
      run("spam-scorer --config " + src_ + "/configs/spam_scorer.yaml --min-df 1 --dataset " +
          t_ / "toy.h5" + " --output " + t_ / "spam.h5");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("test, majority class"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("roc_auc"), std::string::npos) << r.out;
  const std::string log = t_ / "infer.txt";
  const int rc = std::system((bin_ + "/tailor-infer spam-score --checkpoint " + t_ / "spam.h5" +
                              " --dataset " + t_ / "toy.h5" + " --output " + t_ / "scores.csv > " +
                              log + " 2>&1")
                                 .c_str());
  ASSERT_EQ(WEXITSTATUS(rc), 0) << corpus_test::read_file(log);
  const std::string csv = corpus_test::read_file(t_ / "scores.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "document,source,campaign,split,spam_score,spammy");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 121);
  EXPECT_NE(corpus_test::read_file(log).find("toy/spam"), std::string::npos);
  // Bad parameters are a clear error naming the parameter.
  r = run("spam-scorer --dataset " + t_ / "toy.h5" + " --output " +
          t_ / "x.h5 --threshold-metric auc");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("threshold_metric"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tailor
