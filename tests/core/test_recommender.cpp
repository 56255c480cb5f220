// Recommender: training on a tiny shop, checkpoint round trip (identical recommendations) and
// reading version-1 checkpoints, item-CF scores, exclusion of bought and unavailable products,
// parameter checks.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

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
  EXPECT_EQ(m.item_cf.rows, 8);
  EXPECT_EQ(m.item_cf.nnz(), 0);  // no pair has 4 common customers in this shop
  EXPECT_GT(m.tfidf.vocabulary.size(), 10u);
}

TEST(Recommender, ItemCfScoresAreHistoryWeightedSums) {
  const Dataset ds = tiny_shop();
  RecommendParams p;
  p.item_cf_min_customers = 1;
  p.profile_half_life_days = 0;  // history weights 1
  const RecommendModel m = train_recommender(ds, p);
  EXPECT_GT(m.item_cf.nnz(), 0);
  // c4 bought P4, P5, P6 (day 5) and P0, P1 (day 7): item_cf(j) = Σ_i sim(i, j) over those.
  const std::vector<int64_t> c4 = {4};
  const CandidateScores cs = candidate_scores(m, customer_histories(m, ds, c4));
  auto sim = [&](int32_t i, int32_t j) {
    for (int64_t k = m.item_cf.indptr[i]; k < m.item_cf.indptr[i + 1]; ++k)
      if (m.item_cf.indices[k] == j) return static_cast<double>(m.item_cf.values[k]);
    return 0.0;
  };
  std::vector<double> raw;
  double mx = 0;
  for (int64_t u = cs.offsets[0]; u < cs.offsets[1]; ++u) {
    const int32_t j = cs.items[u];
    double v = 0;
    for (int32_t i : {0, 1, 4, 5, 6}) v += sim(i, j);
    raw.push_back(v);
    mx = std::max(mx, v);
  }
  ASSERT_GT(mx, 0);
  ASSERT_EQ(raw.size(), 2u);  // P2, P3: everything else is bought or POST
  for (int64_t u = cs.offsets[0]; u < cs.offsets[1]; ++u)
    EXPECT_NEAR(cs.scores[u][3], raw[u] / mx, 1e-6) << "item " << cs.items[u];
  // P2 and P3 (customers c2, c3) meet c4's products only through P5, which c3 bought too.
  EXPECT_NEAR(raw[0], sim(5, 2), 1e-6);
  EXPECT_NEAR(raw[1], sim(5, 3), 1e-6);
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
  p.item_cf_min_customers = 2;
  p.weight_item_cf = 0.5;
  const RecommendModel m = train_recommender(ds, p);
  ASSERT_GT(m.item_cf.nnz(), 0);
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
  EXPECT_EQ(back.item_cf.indptr, m.item_cf.indptr);
  EXPECT_EQ(back.item_cf.indices, m.item_cf.indices);
  EXPECT_EQ(back.item_cf.values, m.item_cf.values);
  EXPECT_EQ(back.params.item_cf_min_customers, 2);
  EXPECT_EQ(back.params.weight_item_cf, 0.5);
  const TopKResult a = recommend(m, ds, all_customers(ds));
  const TopKResult b = recommend(back, ds, all_customers(ds));
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.scores, b.scores);
}

/// `m` as a version-1 checkpoint (before item CF): no meta/recommend_version, no params/item_cf,
/// no item_cf keys in the config.
Checkpoint version1_checkpoint(const RecommendModel& m) {
  Checkpoint ck = recommend_to_checkpoint(m);
  for (auto it = ck.tensors.begin(); it != ck.tensors.end();) {
    if (it->first.rfind("params/item_cf/", 0) == 0 || it->first == "meta/recommend_version")
      it = ck.tensors.erase(it);
    else
      ++it;
  }
  std::istringstream in(ck.config);
  std::string line, config;
  while (std::getline(in, line))
    if (line.find("item_cf") == std::string::npos) config += line + "\n";
  ck.config = config;
  return ck;
}

TEST(Recommender, ReadsVersion1CheckpointsWithoutItemCf) {
  const Dataset ds = tiny_shop();
  RecommendParams p;
  p.k = 4;
  p.item_cf_min_customers = 1;
  p.weight_popularity = 0.1;
  p.weight_tfidf = 0.4;
  p.weight_copurchase = 0.5;
  const RecommendModel m = train_recommender(ds, p);
  ASSERT_GT(m.item_cf.nnz(), 0);
  const Checkpoint v1 = version1_checkpoint(m);
  ASSERT_EQ(v1.config.find("item_cf"), std::string::npos);
  const RecommendModel back = recommend_from_checkpoint(v1);
  EXPECT_EQ(back.params.weight_item_cf, 0.0);
  EXPECT_EQ(back.params.weight_copurchase, 0.5);
  EXPECT_EQ(back.item_cf.rows, 8);
  EXPECT_EQ(back.item_cf.nnz(), 0);
  // It recommends as the three-source model did: m without item CF.
  RecommendModel three = m;
  three.params.weight_item_cf = 0;
  three.item_cf = back.item_cf;
  const TopKResult a = recommend(three, ds, all_customers(ds));
  const TopKResult b = recommend(back, ds, all_customers(ds));
  EXPECT_EQ(a.items, b.items);
  EXPECT_EQ(a.scores, b.scores);

  Checkpoint future = recommend_to_checkpoint(m);
  future.tensors["meta/recommend_version"] =
      TensorBlob::scalar<int32_t>(kRecommendModelVersion + 1);
  EXPECT_THROW(recommend_from_checkpoint(future), Error);
  Checkpoint missing = recommend_to_checkpoint(m);
  missing.tensors.erase("params/item_cf/values");
  EXPECT_THROW(recommend_from_checkpoint(missing), Error);  // a version-2 file must hold item_cf
}

TEST(Recommender, ParamsAreChecked) {
  RecommendParams p;
  p.weight_popularity = p.weight_tfidf = p.weight_copurchase = p.weight_item_cf = 0;
  EXPECT_THROW(check_recommend_params(p), Error);
  p = RecommendParams{};
  p.weight_item_cf = -0.1;
  EXPECT_THROW(check_recommend_params(p), Error);
  p = RecommendParams{};
  p.item_cf_min_customers = 0;
  EXPECT_THROW(check_recommend_params(p), Error);
  p = RecommendParams{};
  p.item_cf_half_life_days = -1;
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
  p.item_cf_half_life_days = 12.5;
  p.item_cf_normalize_customers = false;
  p.weight_item_cf = 0.25;
  const RecommendParams q = recommend_params_from_yaml(recommend_params_yaml(p), "test");
  EXPECT_EQ(q.tfidf_ngram_max, 3);
  EXPECT_EQ(q.item_cf_half_life_days, 12.5);
  EXPECT_FALSE(q.item_cf_normalize_customers);
  EXPECT_EQ(q.weight_item_cf, 0.25);
  EXPECT_EQ(q.exclude_products, p.exclude_products);
  EXPECT_THROW(recommend_params_from_yaml("recommend: {k: -3}", "test"), Error);
  EXPECT_THROW(recommend_params_from_yaml("recommend: {kk: 3}", "test"), Error);
}

// configs/recommend.yaml holds every key, each with its default value.
TEST(Recommender, ConfigFileHoldsEveryDefault) {
  const std::string file = std::string(TAILOR_SOURCE_DIR) + "/configs/recommend.yaml";
  RecommendParams defaults, loaded;
  CLI::App app_d, app_l;
  ParamSet pd(&app_d, "recommend"), pl(&app_l, "recommend");
  bind_recommend_params(pd, defaults);
  bind_recommend_params(pl, loaded);
  // Start `loaded` far from the defaults so a key missing from the file shows.
  loaded.weight_item_cf = 99;
  loaded.item_cf_min_customers = 99;
  loaded.item_cf_half_life_days = 99;
  loaded.item_cf_normalize_customers = !defaults.item_cf_normalize_customers;
  loaded.weight_copurchase = 99;
  const YAML::Node root = load_yaml_file(file);
  pl.apply_yaml(root, file);
  EXPECT_EQ(root["recommend"].size(), pd.to_yaml().size());
  EXPECT_EQ(recommend_params_yaml(loaded), recommend_params_yaml(defaults));
}

}  // namespace
}  // namespace tailor
