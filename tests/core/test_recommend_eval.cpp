// Recommender evaluation: ranking metrics on hand-computed cases, the time split on a tiny
// dataset, the blend weight grid, and the Online Retail protocol (1,886 test customers, blend
// NDCG@10) on the real data, cross-checked against tests/scripts/recommend_protocol_reference.py.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

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

TEST(RecommendEval, WeightGridCoversTheSimplex) {
  const std::vector<BlendWeights> g = blend_weight_grid(0.05);
  EXPECT_EQ(g.size(), 1771u);  // C(20 + 3, 3)
  for (const auto& w : g) {
    double sum = 0;
    for (double x : w) {
      EXPECT_GE(x, 0.0);
      sum += x;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
  EXPECT_EQ(g.front(), (BlendWeights{0, 0, 0, 1}));
  EXPECT_EQ(g.back(), (BlendWeights{1, 0, 0, 0}));
  EXPECT_EQ(blend_weight_grid(1).size(), 4u);
  EXPECT_EQ(blend_weight_grid(0.5).size(), 10u);
  EXPECT_THROW(blend_weight_grid(0.3), Error);  // does not divide 1
  EXPECT_THROW(blend_weight_grid(0), Error);
}

TEST(RecommendEval, SweepAxesAndSettings) {
  const RecommendSweepAxis a = parse_sweep_axis("item_cf_half_life_days=15,30,60");
  EXPECT_EQ(a.key, "item_cf_half_life_days");
  EXPECT_EQ(a.values, (std::vector<std::string>{"15", "30", "60"}));
  const RecommendParams p = with_settings(
      RecommendParams{}, {{"item_cf_half_life_days", "15"}, {"copurchase_score", "lift"}});
  EXPECT_EQ(p.item_cf_half_life_days, 15.0);
  EXPECT_EQ(p.copurchase_score, "lift");
  EXPECT_EQ(p.k, RecommendParams{}.k);  // everything else as given
  EXPECT_THROW(parse_sweep_axis("item_cf_half_life_days"), Error);       // no values
  EXPECT_THROW(parse_sweep_axis("item_cf_half_life_dayz=1,2"), Error);  // unknown key
  EXPECT_THROW(parse_sweep_axis("item_cf_min_customers=2,0"), Error);   // out of range
  EXPECT_THROW(parse_sweep_axis("item_cf_min_customers=2,,3"), Error);  // empty value
  EXPECT_THROW(parse_sweep_axis("k=ten"), Error);                       // wrong type
  EXPECT_THROW(parse_sweep_axis("weight_tfidf=0.1,0.2"), Error);        // the grid's job
}

/// Runs `cmd`, returns its stdout ("" when it could not start).
std::string run_command(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  return out;
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
  EXPECT_EQ(rep.validation_customers, 1278);
  EXPECT_EQ(rep.candidates, 3388);
  EXPECT_EQ(rep.validation_cutoff, "2011-06-03");
  ASSERT_EQ(rep.test_rows.size(), 5u);
  const auto& pop = rep.test_rows[0];
  const auto& tfidf = rep.test_rows[1];
  const auto& cop = rep.test_rows[2];
  const auto& cf = rep.test_rows[3];
  const auto& blend = rep.test_rows[4];
  EXPECT_EQ(cf.method, "item_cf");
  EXPECT_EQ(blend.method, "blend");
  // The grid's fast NDCG equals the one of the reported lists.
  EXPECT_DOUBLE_EQ(rep.validation_ndcg10, rep.validation_rows[4].at10.ndcg);
  // Measured (docs/quality.md): popularity 0.0589, tfidf 0.0933, copurchase 0.1048, item_cf
  // 0.1141, blend 0.1176; the goal is blend >= 0.113.
  EXPECT_GE(blend.at10.ndcg, 0.115);
  EXPECT_GE(blend.at10.ndcg, 0.113) << "the issue's goal";
  EXPECT_GT(blend.at10.ndcg, cf.at10.ndcg);     // the blend beats every single source
  EXPECT_GT(cf.at10.ndcg, cop.at10.ndcg);       // item CF > co-purchase > TF-IDF > popularity
  EXPECT_GT(cop.at10.ndcg, tfidf.at10.ndcg);
  EXPECT_GT(tfidf.at10.ndcg, pop.at10.ndcg);

  // The independent NumPy/SciPy/scikit-learn implementation of the protocol, from the raw CSV,
  // with the weights the validation cut chose: every test metric equal.
  const std::string probe =
      run_command("/usr/bin/python3 -c 'import sklearn, scipy' 2>&1 && echo ok");
  if (probe.find("ok") == std::string::npos)
    GTEST_SKIP() << "the Python reference needs /usr/bin/python3 with scipy and scikit-learn";
  std::ostringstream cmd;
  cmd << "/usr/bin/python3 " << TAILOR_SOURCE_DIR
      << "/tests/scripts/recommend_protocol_reference.py " << path
      << " --cutoff 2011-09-01 --weights ";
  for (int s = 0; s < kRecommendSources; ++s) cmd << (s ? "," : "") << rep.tuned_weights[s];
  cmd << " --item-cf-half-life " << rep.tuned_params.item_cf_half_life_days
      << " --item-cf-min-customers " << rep.tuned_params.item_cf_min_customers
      << " --popularity-half-life " << rep.tuned_params.popularity_half_life_days
      << " --profile-half-life " << rep.tuned_params.profile_half_life_days
      << " --json - 2>/dev/null";
  nlohmann::json ref;
  const std::string out = run_command(cmd.str());
  ASSERT_NO_THROW(ref = nlohmann::json::parse(out)) << cmd.str() << "\n" << out;
  EXPECT_EQ(ref.at("test_customers").get<int64_t>(), rep.test_customers);
  EXPECT_EQ(ref.at("candidates").get<int64_t>(), rep.candidates);
  for (const auto& row : rep.test_rows) {
    const auto& r = ref.at("methods").at(row.method);
    EXPECT_NEAR(r.at("hit_rate_10").get<double>(), row.at10.hit_rate, 1e-12) << row.method;
    EXPECT_NEAR(r.at("recall_10").get<double>(), row.at10.recall, 1e-12) << row.method;
    EXPECT_NEAR(r.at("ndcg_10").get<double>(), row.at10.ndcg, 1e-12) << row.method;
    EXPECT_NEAR(r.at("ndcg_20").get<double>(), row.at20.ndcg, 1e-12) << row.method;
    EXPECT_NEAR(r.at("coverage_10").get<double>(), row.at10.coverage, 1e-12) << row.method;
  }
}

}  // namespace
}  // namespace tailor
