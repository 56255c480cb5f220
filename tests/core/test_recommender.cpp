// Recommender: training on a tiny shop, checkpoint round trip (identical recommendations),
// exclusion of bought and unavailable products, parameter checks.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/checkpoint/checkpoint.h"
#include "core/common/error.h"
#include "core/recommend/evaluation.h"
#include "core/recommend/recommender.h"

namespace tailor {
namespace fs = std::filesystem;
namespace {

/// 8 products with titles, 6 customers, baskets with clear co-purchase structure.
Dataset tiny_shop() {
  Dataset ds;
  ds.customers.external_id = {"c0", "c1", "c2", "c3", "c4", "c5"};
  ds.products.external_id = {"P0", "P1", "P2", "P3", "P4", "P5", "P6", "POST"};
  ds.products.title = {"red heart mug",   "red heart plate", "blue star mug",  "blue star plate",
                       "green tea towel", "green tea cup",   "wooden toy car", "postage"};
  ds.products.available.assign(8, 1);
  int64_t inv = 0;
  auto basket = [&](int64_t c, std::vector<int32_t> ps, int day) {
    ds.invoices.push_back("i" + std::to_string(inv));
    for (int32_t p : ps) {
      auto& t = ds.transactions;
      t.customer.push_back(c);
      t.product.push_back(p);
      t.invoice.push_back(inv);
      t.time.push_back(1300000000 + int64_t(day) * 86400);
      t.quantity.push_back(2);
      t.unit_price.push_back(1.5f);
      t.kind.push_back(0);
    }
    ++inv;
  };
  basket(0, {0, 1, 7}, 1);
  basket(1, {0, 1, 4}, 2);
  basket(2, {2, 3}, 3);
  basket(3, {2, 3, 5}, 4);
  basket(4, {4, 5, 6}, 5);
  basket(5, {0}, 6);
  basket(4, {0, 1}, 7);
  return ds;
}

std::vector<int64_t> all_customers(const Dataset& ds) {
  std::vector<int64_t> c(ds.customers.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<int64_t>(i);
  return c;
}

TEST(Recommender, TrainsOnPurchases) {
  const Dataset ds = tiny_shop();
  const RecommendModel m = train_recommender(ds, RecommendParams{});
  EXPECT_EQ(m.product_ids.size(), 8u);
  EXPECT_EQ(m.candidate, (std::vector<uint8_t>{1, 1, 1, 1, 1, 1, 1, 0}));  // POST excluded
  EXPECT_GT(m.popularity[0], m.popularity[6]);
  EXPECT_EQ(m.copurchase.rows, 8);
  EXPECT_GT(m.tfidf.vocabulary.size(), 10u);
}

TEST(Recommender, ExcludesBoughtAndPrefersBoughtTogether) {
  const Dataset ds = tiny_shop();
  RecommendParams p;
  p.k = 3;
  const RecommendModel m = train_recommender(ds, p);
  const auto customers = all_customers(ds);
  const TopKResult r = recommend(m, ds, customers);
  const CustomerHistory h = customer_histories(m, ds, customers);
  for (int64_t q = 0; q < r.rows; ++q) {
    std::set<int32_t> bought(h.weights.indices.begin() + h.weights.indptr[q],
                             h.weights.indices.begin() + h.weights.indptr[q + 1]);
    for (int s = 0; s < r.k; ++s) {
      const int32_t j = r.items[q * r.k + s];
      if (j < 0) continue;
      EXPECT_EQ(bought.count(j), 0u) << "customer " << q << " got bought product " << j;
      EXPECT_NE(j, 7) << "POST is not a product";
      if (s > 0) {
        EXPECT_LE(r.scores[q * r.k + s], r.scores[q * r.k + s - 1]);
      }
    }
  }
  // c5 bought P0 only: P1 (always bought with P0, same title words) comes first.
  EXPECT_EQ(r.items[5 * r.k], 1);
}

TEST(Recommender, UnavailableProductsAreNeverRecommended) {
  Dataset ds = tiny_shop();
  RecommendParams p;
  p.k = 7;
  // Unavailable at training time.
  ds.products.available[1] = 0;
  const RecommendModel m = train_recommender(ds, p);
  EXPECT_EQ(m.candidate[1], 0);
  // Unavailable only in the dataset given at recommendation time.
  ds.products.available[1] = 1;
  const RecommendModel m2 = train_recommender(ds, p);
  ds.products.available[3] = 0;
  for (const RecommendModel* model : {&m, &m2}) {
    const TopKResult r = recommend(*model, ds, all_customers(ds));
    for (int32_t j : r.items) {
      if (model == &m) {
        EXPECT_NE(j, 1);
      }
      EXPECT_NE(j, 3);
    }
  }
}

TEST(Recommender, CheckpointRoundTripGivesIdenticalRecommendations) {
  const Dataset ds = tiny_shop();
  RecommendParams p;
  p.k = 4;
  p.copurchase_score = "lift";
  p.weight_popularity = 0.2;
  const RecommendModel m = train_recommender(ds, p);
  const fs::path dir = fs::temp_directory_path() / ("tailor_rec_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "rec.h5").string();
  write_checkpoint(recommend_to_checkpoint(m), path);
  const RecommendModel back = recommend_from_checkpoint(read_checkpoint(path, "recommend"));
  fs::remove_all(dir);
  EXPECT_EQ(back.params.copurchase_score, "lift");
  EXPECT_EQ(back.params.k, 4);
  EXPECT_EQ(back.params.exclude_products, p.exclude_products);
  EXPECT_EQ(back.tfidf.vocabulary, m.tfidf.vocabulary);
  EXPECT_EQ(back.copurchase.values, m.copurchase.values);
  const TopKResult a = recommend(m, ds, all_customers(ds));
  const TopKResult b = recommend(back, ds, all_customers(ds));
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.scores, b.scores);
}

TEST(Recommender, ParamsAreChecked) {
  RecommendParams p;
  p.weight_popularity = p.weight_tfidf = p.weight_copurchase = 0;
  EXPECT_THROW(check_recommend_params(p), Error);
  p = RecommendParams{};
  p.k = 0;
  EXPECT_THROW(check_recommend_params(p), Error);
  p = RecommendParams{};
  p.copurchase_score = "nope";
  EXPECT_THROW(train_recommender(tiny_shop(), p), Error);
  EXPECT_TRUE(is_excluded_product("gift_0001_10", p.exclude_products));
  EXPECT_TRUE(is_excluded_product("POST", p.exclude_products));
  EXPECT_FALSE(is_excluded_product("POSTCARD", p.exclude_products));
  EXPECT_FALSE(is_excluded_product("85123A", p.exclude_products));
}

TEST(Recommender, YamlConfigRoundTrip) {
  RecommendParams p;
  p.tfidf_ngram_max = 3;
  p.exclude_products = {"X", "Y*"};
  const RecommendParams q = recommend_params_from_yaml(recommend_params_yaml(p), "test");
  EXPECT_EQ(q.tfidf_ngram_max, 3);
  EXPECT_EQ(q.exclude_products, p.exclude_products);
  EXPECT_THROW(recommend_params_from_yaml("recommend: {k: -3}", "test"), Error);
  EXPECT_THROW(recommend_params_from_yaml("recommend: {kk: 3}", "test"), Error);
}

}  // namespace
}  // namespace tailor
