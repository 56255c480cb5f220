// Recommender evaluation: ranking metrics on hand-computed cases, the time split on a tiny
// dataset, and the Online Retail protocol (1,886 test customers, blend NDCG@10) on the real data.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "core/common/error.h"
#include "core/data/import_mapping.h"
#include "core/data/importer.h"
#include "core/recommend/evaluation.h"

namespace tailor {
namespace {

TopKResult lists(const std::vector<std::vector<int32_t>>& rows, int k) {
  TopKResult r;
  r.rows = static_cast<int64_t>(rows.size());
  r.k = k;
  r.items.assign(rows.size() * k, -1);
  r.scores.assign(rows.size() * k, 0.0f);
  for (size_t q = 0; q < rows.size(); ++q)
    for (size_t s = 0; s < rows[q].size(); ++s) r.items[q * k + s] = rows[q][s];
  return r;
}

TEST(RecommendMetrics, HandComputed) {
  // Customer 0: list 5 7 9, targets {7, 9, 11, 12}; customer 1: list 1 2, target {3}.
  const TopKResult r = lists({{5, 7, 9}, {1, 2}}, 3);
  const std::vector<std::vector<int32_t>> t = {{7, 9, 11, 12}, {3}};
  const double l2 = 1 / std::log2(3.0), l3 = 0.5;
  const RankingMetrics m2 = ranking_metrics(r, t, 2, 10);
  EXPECT_DOUBLE_EQ(m2.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(m2.recall, (1.0 / 4) / 2);
  EXPECT_NEAR(m2.ndcg, (l2 / (1 + l2)) / 2, 1e-12);  // ideal DCG over min(4, 2) = 2 slots
  EXPECT_DOUBLE_EQ(m2.coverage, 4.0 / 10);           // {5, 7, 1, 2}
  const RankingMetrics m3 = ranking_metrics(r, t, 3, 10);
  EXPECT_DOUBLE_EQ(m3.recall, (2.0 / 4) / 2);
  EXPECT_NEAR(m3.ndcg, ((l2 + l3) / (1 + l2 + l3)) / 2, 1e-12);  // min(4, 3) = 3 slots
  EXPECT_DOUBLE_EQ(m3.coverage, 5.0 / 10);
}

TEST(RecommendMetrics, IdealDcgUsesFewTargets) {
  // One target, found at rank 1: NDCG 1 whatever k; found at rank 2: 1/log2(3).
  const std::vector<std::vector<int32_t>> t = {{4}};
  EXPECT_DOUBLE_EQ(ranking_metrics(lists({{4, 1, 2}}, 3), t, 3, 5).ndcg, 1.0);
  EXPECT_NEAR(ranking_metrics(lists({{1, 4, 2}}, 3), t, 3, 5).ndcg, 1 / std::log2(3.0), 1e-12);
  EXPECT_DOUBLE_EQ(ranking_metrics(lists({{1, 4, 2}}, 3), t, 1, 5).hit_rate, 0.0);
  EXPECT_THROW(ranking_metrics(lists({{1}}, 1), t, 2, 5), Error);  // k beyond the lists
}

void add_line(Dataset& ds, int64_t customer, int32_t product, int64_t invoice, const std::string& day,
              int32_t quantity = 1, float price = 1.0f,
              TransactionKind kind = TransactionKind::kPurchase) {
  auto& t = ds.transactions;
  t.customer.push_back(customer);
  t.product.push_back(product);
  t.invoice.push_back(invoice);
  t.time.push_back(parse_date_utc(day) + 3600);
  t.quantity.push_back(quantity);
  t.unit_price.push_back(price);
  t.kind.push_back(static_cast<uint8_t>(kind));
}

TEST(RecommendSplit, TinyDataset) {
  Dataset ds;
  ds.customers.external_id = {"c0", "c1", "c2", "c3", "c4"};
  ds.products.external_id = {"A1", "B1", "POST", "C1"};  // "B" alone is a non-product code
  ds.invoices = {"i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"};
  RecommendParams p;
  add_line(ds, 0, 0, 0, "2011-08-01");
  add_line(ds, 0, 0, 1, "2011-09-02");                       // rebought: not a target
  add_line(ds, 0, 1, 1, "2011-09-02");                       // new: target
  add_line(ds, 0, 2, 1, "2011-09-02");                       // POST: not a product
  add_line(ds, 0, 3, 1, "2011-09-02", 2, 0.0f);              // price 0: not a purchase
  add_line(ds, 1, 0, 2, "2011-08-01");                       // c1: before only
  add_line(ds, 2, 1, 3, "2011-08-01");
  add_line(ds, 2, 1, 4, "2011-10-01");                       // c2: both sides, nothing new
  add_line(ds, 3, 0, 5, "2011-08-01");
  add_line(ds, 3, 3, 6, "2011-10-01", -1, 1.0f, TransactionKind::kReturn);  // a return only
  add_line(ds, 4, 3, 7, "2011-11-01");                       // c4: after only
  add_line(ds, -1, 3, 7, "2011-11-01");                      // no customer
  const auto mask = purchase_mask(ds, p);
  const RecommendSplit s = make_recommend_split(ds, mask, parse_date_utc("2011-09-01"),
                                                std::numeric_limits<UnixTime>::max());
  EXPECT_EQ(s.customers_both_sides, 2);  // c0, c2
  ASSERT_EQ(s.customers, (std::vector<int64_t>{0}));
  EXPECT_EQ(s.targets[0], (std::vector<int32_t>{1}));
  // A window that ends before c0's second visit leaves nobody.
  EXPECT_TRUE(make_recommend_split(ds, mask, parse_date_utc("2011-09-01"),
                                   parse_date_utc("2011-09-02"))
                  .customers.empty());
}

TEST(RecommendSplit, DatesAreUtcDays) {
  EXPECT_EQ(parse_date_utc("2011-09-01"), 1314835200);
  EXPECT_EQ(format_date_utc(parse_date_utc("2011-09-01") - 90 * 86400), "2011-06-03");
  EXPECT_THROW(parse_date_utc("2011-13-01"), Error);
  EXPECT_THROW(parse_date_utc("yesterday"), Error);
}

TEST(RecommendRealData, OnlineRetailProtocol) {
  const char* env = std::getenv("TAILOR_SHARED_DATA");
  const std::string path =
      env != nullptr ? std::string(env) + "/online_retail/online_retail.csv.xz" : std::string();
  if (path.empty() || !std::ifstream(path).good())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/online_retail/online_retail.csv.xz is absent (set TAILOR_SHARED_DATA)";
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset ds =
      import_csv(load_import_mapping(std::string(TAILOR_SOURCE_DIR) + "/configs/import/online_retail.yaml"),
                 path)
          .dataset;
  const RecommendEvalReport rep =
      evaluate_recommender(ds, RecommendParams{}, parse_date_utc("2011-09-01"), 90, 0.05);
  std::fputs(rep.to_table().c_str(), stdout);
  std::printf("[ recommend ] Online Retail import + protocol in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  EXPECT_EQ(rep.test_customers, 1886);
  EXPECT_EQ(rep.validation_cutoff, "2011-06-03");
  ASSERT_EQ(rep.test_rows.size(), 4u);
  EXPECT_EQ(rep.test_rows[3].method, "blend");
  // Measured 0.1091 (docs/quality.md); the goal of 0.113 is not reached yet.
  EXPECT_GE(rep.test_rows[3].at10.ndcg, 0.105);
  EXPECT_GE(rep.test_rows[3].at10.ndcg, rep.test_rows[2].at10.ndcg);  // beats co-purchase alone
  EXPECT_GE(rep.test_rows[2].at10.ndcg, rep.test_rows[0].at10.ndcg);  // co-purchase beats popularity
}

}  // namespace
}  // namespace tailor
