// The product recommender: popularity, TF-IDF content similarity, co-purchase and item-based
// collaborative filtering scores blended per customer; training from a dataset, checkpoint round
// trip and top-k recommendation.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/config/param_set.h"
#include "core/data/dataset.h"
#include "core/recommend/copurchase.h"
#include "core/recommend/item_cf.h"
#include "core/recommend/sparse_matrix.h"
#include "core/recommend/tfidf.h"
#include "kernels/sparse_topk.h"

namespace tailor {

/// Every parameter of the recommender (configs/recommend.yaml holds them with these defaults).
struct RecommendParams {
  /// TF-IDF of the product titles: word n-grams tfidf_ngram_min..tfidf_ngram_max.
  int tfidf_ngram_min = 1;
  int tfidf_ngram_max = 2;
  /// TF-IDF: ignore terms in fewer documents than this (absolute count when >= 1).
  double tfidf_min_df = 1;
  /// TF-IDF: ignore terms in more than this fraction of the products.
  double tfidf_max_df = 1.0;
  /// TF-IDF: keep at most this many terms (0 = all).
  int64_t tfidf_max_features = 0;
  /// TF-IDF: tf = 1 + ln(tf).
  bool tfidf_sublinear_tf = false;
  /// Half-life (days) of a bought product's weight in a customer's profile (TF-IDF profile and
  /// co-purchase sum), counted back from the customer's reference time; 0 = no decay.
  double profile_half_life_days = 90;
  /// Half-life (days) of a customer's last purchase of a product in its popularity; 0 = no decay.
  /// The Online Retail validation cut prefers recent ("trending") popularity: 7 days.
  double popularity_half_life_days = 7;
  /// Co-purchase: minimum number of baskets holding both products.
  int64_t copurchase_min_support = 1;
  /// Co-purchase: minimum confidence(a -> b).
  double copurchase_min_confidence = 0.0;
  /// Co-purchase pair score: confidence, lift or cosine (see core/recommend/copurchase.h).
  std::string copurchase_score = "cosine";
  /// Item-based CF (core/recommend/item_cf.h): half-life (days) of a customer's last purchase of
  /// a product in that product's vector over customers; 0 = no decay.
  double item_cf_half_life_days = 30;
  /// Item-based CF: scale each customer's purchases to unit length before the cosine (a customer
  /// with n products adds 1/n to each of their pairs).
  bool item_cf_normalize_customers = true;
  /// Item-based CF: keep a product pair only if at least this many customers bought both.
  int64_t item_cf_min_customers = 4;
  /// Blend weights of the per-customer max-normalised source scores: the ones the Online Retail
  /// validation cut picks with the defaults above (`tailor-train recommend-eval`,
  /// docs/quality.md). Popularity keeps a share, so customers without history still get a list.
  double weight_popularity = 0.25;
  double weight_tfidf = 0.25;
  double weight_copurchase = 0.0;
  double weight_item_cf = 0.5;
  /// Candidates taken from each source per customer before blending.
  int candidates_per_source = 100;
  /// Recommendations per customer.
  int k = 10;
  /// Never recommend a product the customer already bought.
  bool exclude_bought = true;
  /// Stock codes that are not products (postage, fees, adjustments): ignored everywhere. A
  /// trailing '*' matches a prefix.
  std::vector<std::string> exclude_products = {
      "POST", "DOT",   "M",       "m",       "BANK CHARGES", "AMAZONFEE", "D",
      "CRUK", "C2",    "C3",      "PADS",    "S",            "B",         "ADJUST",
      "ADJUST2", "TEST001", "TEST002", "GIFT", "gift_*"};
  /// Device of the TF-IDF top-k: cpu or cuda.
  std::string device = "cpu";
};

/// Binds every field to `--name` options and the YAML section of `ps`.
void bind_recommend_params(ParamSet& ps, RecommendParams& p);
/// Checks ranges; throws tailor::Error naming the field.
void check_recommend_params(const RecommendParams& p);
TfidfParams tfidf_params(const RecommendParams& p);
CopurchaseParams copurchase_params(const RecommendParams& p);
ItemCfParams item_cf_params(const RecommendParams& p);

/// The blend's sources, in the order of CandidateScores::scores and of BlendWeights.
constexpr int kRecommendSources = 4;
/// "popularity", "tfidf", "copurchase", "item_cf".
extern const std::array<const char*, kRecommendSources> kRecommendSourceNames;
using BlendWeights = std::array<double, kRecommendSources>;
/// The weights of `p` in source order.
BlendWeights blend_weights(const RecommendParams& p);
/// Sets the weights of `p` from `w` (source order).
void set_blend_weights(RecommendParams& p, const BlendWeights& w);

/// True when `code` matches one of `patterns` (exact, or prefix for a trailing '*').
bool is_excluded_product(const std::string& code, const std::vector<std::string>& patterns);

/// Purchase lines used by the recommender: a customer, kind purchase, quantity > 0,
/// unit price > 0, product not excluded, from <= time < before.
std::vector<uint8_t> purchase_mask(const Dataset& ds, const RecommendParams& p,
                                   UnixTime from = std::numeric_limits<UnixTime>::min(),
                                   UnixTime before = std::numeric_limits<UnixTime>::max());

/// A trained recommender. Products are indexed like the training dataset's products.
struct RecommendModel {
  RecommendParams params;
  std::vector<std::string> product_ids;  ///< external id per product
  std::vector<uint8_t> candidate;        ///< 1: may be recommended (bought in training, available)
  TfidfModel tfidf;
  CsrMatrix product_vectors;             ///< products x vocabulary, TF-IDF of the titles
  std::vector<float> popularity;         ///< decayed number of customers who bought the product
  CsrMatrix copurchase;                  ///< products x products pair scores
  CsrMatrix item_cf;                     ///< products x products item-CF cosine (item_cf.h)
  UnixTime reference_time = 0;           ///< last training purchase
};

/// Trains on the purchases of `ds` made before `before`.
RecommendModel train_recommender(const Dataset& ds, const RecommendParams& p,
                                 UnixTime before = std::numeric_limits<UnixTime>::max());

/// Version of the recommender's checkpoint layout, stored as meta/recommend_version.
/// 1 (no meta/recommend_version): popularity, TF-IDF, co-purchase; read with weight_item_cf = 0
///   and an empty item_cf matrix, so it recommends exactly as before.
/// 2: adds params/item_cf and the item_cf_* / weight_item_cf config keys.
constexpr int32_t kRecommendModelVersion = 2;

/// Checkpoint (model_type "recommend") holding the config YAML, product ids, vocabulary, idf,
/// popularity and the CSR arrays; and back. Reading checks every size and the version.
Checkpoint recommend_to_checkpoint(const RecommendModel& m);
RecommendModel recommend_from_checkpoint(const Checkpoint& ck);
/// The parameters as YAML text (section "recommend"), and back.
std::string recommend_params_yaml(const RecommendParams& p);
RecommendParams recommend_params_from_yaml(const std::string& yaml, const std::string& source);

/// Customers' purchase histories in model product space: weights (customers x products) are
/// 2^(-age / profile half-life) of the last purchase, age counted from the customer's own last
/// purchase; `blocked` additionally lists products never to recommend to that customer.
struct CustomerHistory {
  CsrMatrix weights;
  /// Per model product: 0 = not to be recommended to anyone (e.g. unavailable in the dataset).
  std::vector<uint8_t> allowed;
};

/// Histories of `customers` (dataset rows) from their purchases in `ds` before `before`; products
/// are matched to the model by external id. Products unavailable in `ds` become disallowed.
CustomerHistory customer_histories(const RecommendModel& m, const Dataset& ds,
                                   const std::vector<int64_t>& customers,
                                   UnixTime before = std::numeric_limits<UnixTime>::max());

/// Candidates per customer (union of each source's top candidates_per_source; sources with
/// weight 0 in the model's params are still scored) with every source's score, each divided by
/// its maximum over the customer's candidates (so in [0, 1]). Source scores of customer c and
/// product j: popularity(j); tfidf = cosine(l2-normalised Σ_i h_ci tfidf(i), tfidf(j));
/// copurchase = Σ_i h_ci copurchase(i, j); item_cf = Σ_i h_ci item_cf(i, j), h = history weights.
struct CandidateScores {
  std::vector<int64_t> offsets;  ///< customers + 1
  std::vector<int32_t> items;
  std::vector<std::array<float, kRecommendSources>> scores;  ///< in kRecommendSourceNames order
  int64_t customers() const { return static_cast<int64_t>(offsets.size()) - 1; }
};
CandidateScores candidate_scores(const RecommendModel& m, const CustomerHistory& h);

/// Top k of the blend w · scores per customer (only blended scores > 0; ties by lower item).
TopKResult blend_topk(const CandidateScores& c, const BlendWeights& weights, int k);

/// Top m.params.k recommendations (model product indices) for `customers` of `ds`, with the
/// model's blend weights.
TopKResult recommend(const RecommendModel& m, const Dataset& ds,
                     const std::vector<int64_t>& customers);

}  // namespace tailor
