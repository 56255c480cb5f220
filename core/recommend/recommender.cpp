// Recommender training (TF-IDF, popularity, co-purchase, item CF), checkpoint I/O and blended
// top-k.
#include "core/recommend/recommender.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "core/common/error.h"

namespace tailor {
namespace {

constexpr double kSecondsPerDay = 86400.0;

double decay(UnixTime reference, UnixTime t, double half_life_days) {
  if (half_life_days <= 0) return 1.0;
  const double age_days = static_cast<double>(reference - t) / kSecondsPerDay;
  return std::exp2(-age_days / half_life_days);
}

/// rows x cols CSR from per-row (col, value) lists; columns sorted, duplicates not allowed.
CsrMatrix from_rows(int64_t cols, std::vector<std::vector<std::pair<int32_t, float>>>& rows) {
  CsrMatrix m;
  m.rows = static_cast<int64_t>(rows.size());
  m.cols = cols;
  m.indptr.assign(rows.size() + 1, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    std::sort(rows[r].begin(), rows[r].end());
    m.indptr[r + 1] = m.indptr[r] + static_cast<int64_t>(rows[r].size());
    for (const auto& [c, v] : rows[r]) {
      m.indices.push_back(c);
      m.values.push_back(v);
    }
  }
  return m;
}

/// a (n x k) times b (k x m), Gustavson row by row with a dense accumulator.
CsrMatrix spgemm(const CsrMatrix& a, const CsrMatrix& b) {
  std::vector<std::vector<std::pair<int32_t, float>>> rows(static_cast<size_t>(a.rows));
#pragma omp parallel
  {
    std::vector<double> acc(static_cast<size_t>(b.cols), 0.0);
    std::vector<uint8_t> seen(static_cast<size_t>(b.cols), 0);
    std::vector<int32_t> touched;
#pragma omp for schedule(dynamic, 64)
    for (int64_t r = 0; r < a.rows; ++r) {
      touched.clear();
      for (int64_t k = a.indptr[r]; k < a.indptr[r + 1]; ++k) {
        const int32_t i = a.indices[k];
        const double w = a.values[k];
        for (int64_t q = b.indptr[i]; q < b.indptr[i + 1]; ++q) {
          const int32_t j = b.indices[q];
          if (!seen[j]) {
            seen[j] = 1;
            touched.push_back(j);
          }
          acc[j] += w * b.values[q];
        }
      }
      auto& out = rows[r];
      out.reserve(touched.size());
      for (int32_t j : touched) {
        out.emplace_back(j, static_cast<float>(acc[j]));
        acc[j] = 0.0;
        seen[j] = 0;
      }
    }
  }
  return from_rows(b.cols, rows);
}

void put_csr(Checkpoint& ck, const std::string& name, const CsrMatrix& m) {
  ck.tensors["params/" + name + "/shape"] = TensorBlob::from(std::vector<int64_t>{m.rows, m.cols});
  ck.tensors["params/" + name + "/indptr"] = TensorBlob::from(m.indptr);
  ck.tensors["params/" + name + "/indices"] = TensorBlob::from(m.indices);
  ck.tensors["params/" + name + "/values"] = TensorBlob::from(m.values);
}

CsrMatrix get_csr(const Checkpoint& ck, const std::string& name) {
  CsrMatrix m;
  const auto shape = ck.tensor("params/" + name + "/shape").values<int64_t>();
  TAILOR_CHECK(shape.size() == 2, "checkpoint " << ck.path << ": params/" << name
                                                << "/shape must hold 2 values");
  m.rows = shape[0];
  m.cols = shape[1];
  m.indptr = ck.tensor("params/" + name + "/indptr").values<int64_t>();
  m.indices = ck.tensor("params/" + name + "/indices").values<int32_t>();
  m.values = ck.tensor("params/" + name + "/values").values<float>();
  const std::string what = "checkpoint " + ck.path + ": params/" + name;
  check_csr(m, what.c_str());
  return m;
}

/// Top n entries of `score` over `allowed` items with score > 0 (descending, ties by lower id).
void top_n(const std::vector<std::pair<float, int32_t>>& scored, int n, std::vector<int32_t>& out) {
  std::vector<std::pair<float, int32_t>> v = scored;
  auto better = [](const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t m = std::min(v.size(), static_cast<size_t>(n));
  std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end(), better);
  for (size_t i = 0; i < m; ++i) out.push_back(v[i].second);
}

}  // namespace

const std::array<const char*, kRecommendSources> kRecommendSourceNames = {
    "popularity", "tfidf", "copurchase", "item_cf"};

BlendWeights blend_weights(const RecommendParams& p) {
  return {p.weight_popularity, p.weight_tfidf, p.weight_copurchase, p.weight_item_cf};
}

void set_blend_weights(RecommendParams& p, const BlendWeights& w) {
  p.weight_popularity = w[0];
  p.weight_tfidf = w[1];
  p.weight_copurchase = w[2];
  p.weight_item_cf = w[3];
}

void bind_recommend_params(ParamSet& ps, RecommendParams& p) {
  ps.add("tfidf_ngram_min", &p.tfidf_ngram_min, "TF-IDF: smallest word n-gram");
  ps.add("tfidf_ngram_max", &p.tfidf_ngram_max, "TF-IDF: largest word n-gram");
  ps.add("tfidf_min_df", &p.tfidf_min_df, "TF-IDF: ignore terms in fewer products than this");
  ps.add("tfidf_max_df", &p.tfidf_max_df, "TF-IDF: ignore terms in more than this fraction");
  ps.add("tfidf_max_features", &p.tfidf_max_features, "TF-IDF: keep at most this many terms (0 = all)");
  ps.add("tfidf_sublinear_tf", &p.tfidf_sublinear_tf, "TF-IDF: tf = 1 + ln(tf)");
  ps.add("profile_half_life_days", &p.profile_half_life_days,
         "half-life (days) of a bought product in a customer's profile; 0 = no decay");
  ps.add("popularity_half_life_days", &p.popularity_half_life_days,
         "half-life (days) of a purchase in product popularity; 0 = no decay");
  ps.add("copurchase_min_support", &p.copurchase_min_support,
         "co-purchase: minimum baskets holding both products");
  ps.add("copurchase_min_confidence", &p.copurchase_min_confidence,
         "co-purchase: minimum confidence(a -> b)");
  ps.add("copurchase_score", &p.copurchase_score, "co-purchase pair score: confidence, lift, cosine");
  ps.add("item_cf_half_life_days", &p.item_cf_half_life_days,
         "item CF: half-life (days) of a purchase in a product's vector over customers; 0 = none");
  ps.add("item_cf_normalize_customers", &p.item_cf_normalize_customers,
         "item CF: scale each customer's purchases to unit length (n products -> 1/n per pair)");
  ps.add("item_cf_min_customers", &p.item_cf_min_customers,
         "item CF: minimum customers who bought both products of a pair");
  ps.add("weight_popularity", &p.weight_popularity, "blend weight of popularity");
  ps.add("weight_tfidf", &p.weight_tfidf, "blend weight of TF-IDF content similarity");
  ps.add("weight_copurchase", &p.weight_copurchase, "blend weight of co-purchase");
  ps.add("weight_item_cf", &p.weight_item_cf, "blend weight of item-based collaborative filtering");
  ps.add("candidates_per_source", &p.candidates_per_source,
         "candidates taken from each source per customer before blending");
  ps.add("k", &p.k, "recommendations per customer");
  ps.add("exclude_bought", &p.exclude_bought, "never recommend a product the customer bought");
  ps.add("exclude_products", &p.exclude_products,
         "stock codes that are not products (trailing * = prefix)");
  ps.add("device", &p.device, "device of the TF-IDF top-k: cpu or cuda");
}

void check_recommend_params(const RecommendParams& p) {
  TAILOR_CHECK(p.tfidf_ngram_min >= 1 && p.tfidf_ngram_max >= p.tfidf_ngram_min,
               "recommend: need 1 <= tfidf_ngram_min <= tfidf_ngram_max, got "
                   << p.tfidf_ngram_min << ".." << p.tfidf_ngram_max);
  TAILOR_CHECK(p.tfidf_min_df >= 0, "recommend: tfidf_min_df must be >= 0");
  TAILOR_CHECK(p.tfidf_max_df > 0 && p.tfidf_max_df <= 1, "recommend: tfidf_max_df must be in (0, 1]");
  TAILOR_CHECK(p.tfidf_max_features >= 0, "recommend: tfidf_max_features must be >= 0");
  TAILOR_CHECK(p.profile_half_life_days >= 0, "recommend: profile_half_life_days must be >= 0");
  TAILOR_CHECK(p.popularity_half_life_days >= 0, "recommend: popularity_half_life_days must be >= 0");
  check_copurchase_params(copurchase_params(p));
  check_item_cf_params(item_cf_params(p));
  double total = 0;
  for (int s = 0; s < kRecommendSources; ++s) {
    const double w = blend_weights(p)[s];
    TAILOR_CHECK(w >= 0 && std::isfinite(w),
                 "recommend: weight_" << kRecommendSourceNames[s] << " must be >= 0, got " << w);
    total += w;
  }
  TAILOR_CHECK(total > 0, "recommend: at least one blend weight must be > 0");
  TAILOR_CHECK(p.candidates_per_source >= 1, "recommend: candidates_per_source must be >= 1");
  TAILOR_CHECK(p.k >= 1 && p.k <= 1000, "recommend: k must be in [1, 1000], got " << p.k);
  TAILOR_CHECK(p.device == "cpu" || p.device == "cuda",
               "recommend: device must be cpu or cuda, got '" << p.device << "'");
}

TfidfParams tfidf_params(const RecommendParams& p) {
  TfidfParams t;
  t.ngram_min = p.tfidf_ngram_min;
  t.ngram_max = p.tfidf_ngram_max;
  t.min_df = p.tfidf_min_df;
  t.max_df = p.tfidf_max_df;
  t.max_features = p.tfidf_max_features;
  t.sublinear_tf = p.tfidf_sublinear_tf;
  return t;
}

CopurchaseParams copurchase_params(const RecommendParams& p) {
  CopurchaseParams c;
  c.min_support = p.copurchase_min_support;
  c.min_confidence = p.copurchase_min_confidence;
  c.score = p.copurchase_score;
  return c;
}

ItemCfParams item_cf_params(const RecommendParams& p) {
  ItemCfParams c;
  c.half_life_days = p.item_cf_half_life_days;
  c.normalize_customers = p.item_cf_normalize_customers;
  c.min_customers = p.item_cf_min_customers;
  return c;
}

bool is_excluded_product(const std::string& code, const std::vector<std::string>& patterns) {
  for (const auto& pat : patterns) {
    if (!pat.empty() && pat.back() == '*') {
      if (code.compare(0, pat.size() - 1, pat, 0, pat.size() - 1) == 0 &&
          code.size() >= pat.size() - 1)
        return true;
    } else if (code == pat) {
      return true;
    }
  }
  return false;
}

std::vector<uint8_t> purchase_mask(const Dataset& ds, const RecommendParams& p, UnixTime from,
                                   UnixTime before) {
  std::vector<uint8_t> product_ok(ds.products.size());
  for (size_t i = 0; i < ds.products.size(); ++i)
    product_ok[i] = !is_excluded_product(ds.products.external_id[i], p.exclude_products);
  const auto& t = ds.transactions;
  std::vector<uint8_t> mask(t.size(), 0);
  for (size_t r = 0; r < t.size(); ++r) {
    mask[r] = t.customer[r] >= 0 && t.kind[r] == static_cast<uint8_t>(TransactionKind::kPurchase) &&
              t.quantity[r] > 0 && t.unit_price[r] > 0 && product_ok[t.product[r]] &&
              t.time[r] >= from && t.time[r] < before;
  }
  return mask;
}

RecommendModel train_recommender(const Dataset& ds, const RecommendParams& p, UnixTime before) {
  check_recommend_params(p);
  RecommendModel m;
  m.params = p;
  const int64_t n_products = static_cast<int64_t>(ds.products.size());
  m.product_ids = ds.products.external_id;
  const auto mask = purchase_mask(ds, p, std::numeric_limits<UnixTime>::min(), before);
  const auto& t = ds.transactions;

  m.candidate.assign(static_cast<size_t>(n_products), 0);
  m.reference_time = std::numeric_limits<UnixTime>::min();
  std::vector<int64_t> basket, customer;
  std::vector<int32_t> product;
  std::vector<UnixTime> time;
  // Last purchase time per (customer, product), for popularity.
  std::unordered_map<int64_t, UnixTime> last;
  last.reserve(t.size() / 2);
  for (size_t r = 0; r < t.size(); ++r) {
    if (!mask[r]) continue;
    m.candidate[t.product[r]] = 1;
    m.reference_time = std::max(m.reference_time, t.time[r]);
    basket.push_back(t.invoice[r]);
    customer.push_back(t.customer[r]);
    product.push_back(t.product[r]);
    time.push_back(t.time[r]);
    const int64_t key = t.customer[r] * n_products + t.product[r];
    auto [it, inserted] = last.emplace(key, t.time[r]);
    if (!inserted) it->second = std::max(it->second, t.time[r]);
  }
  TAILOR_CHECK(!basket.empty(), "recommend: the dataset has no purchases to train on");
  for (int64_t i = 0; i < n_products; ++i)
    if (!ds.products.available.empty() && !ds.products.available[i]) m.candidate[i] = 0;

  // Popularity: customers who bought the product, each weighted by the age of their last purchase.
  m.popularity.assign(static_cast<size_t>(n_products), 0.0f);
  std::vector<double> pop(static_cast<size_t>(n_products), 0.0);
  std::vector<std::pair<int64_t, UnixTime>> sorted_last(last.begin(), last.end());
  std::sort(sorted_last.begin(), sorted_last.end());  // fixed summation order
  for (const auto& [key, time] : sorted_last)
    pop[key % n_products] += decay(m.reference_time, time, p.popularity_half_life_days);
  for (int64_t i = 0; i < n_products; ++i) m.popularity[i] = static_cast<float>(pop[i]);

  // TF-IDF of the titles, fitted on the products bought in training.
  std::vector<std::string> fit_docs;
  for (int64_t i = 0; i < n_products; ++i)
    if (m.candidate[i]) fit_docs.push_back(ds.products.title[i]);
  m.tfidf = fit_tfidf(fit_docs, tfidf_params(p));
  m.product_vectors = m.tfidf.transform(ds.products.title);

  // Co-purchase over baskets (invoices).
  const CsrMatrix x = basket_matrix(basket, product, static_cast<int64_t>(ds.invoices.size()), n_products);
  m.copurchase = copurchase_scores(count_copurchases(x), copurchase_params(p));

  // Item-based CF over customers.
  m.item_cf = item_cf_similarity(customer, product, time, static_cast<int64_t>(ds.customers.size()),
                                 n_products, m.reference_time, item_cf_params(p));
  return m;
}

std::string recommend_params_yaml(const RecommendParams& p) {
  CLI::App app;
  RecommendParams copy = p;
  ParamSet ps(&app, "recommend");
  bind_recommend_params(ps, copy);
  YAML::Node root;
  root["recommend"] = ps.to_yaml();
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

RecommendParams recommend_params_from_yaml(const std::string& yaml, const std::string& source) {
  RecommendParams p;
  CLI::App app;
  ParamSet ps(&app, "recommend");
  bind_recommend_params(ps, p);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    TAILOR_FAIL(source << ": config is not valid YAML: " << e.what());
  }
  ps.apply_yaml(root, source);
  check_recommend_params(p);
  return p;
}

Checkpoint recommend_to_checkpoint(const RecommendModel& m) {
  Checkpoint ck;
  ck.model_type = "recommend";
  ck.config = recommend_params_yaml(m.params);
  ck.string_lists["meta/product_ids"] = m.product_ids;
  ck.string_lists["meta/vocabulary"] = m.tfidf.vocabulary;
  ck.tensors["params/idf"] = TensorBlob::from(m.tfidf.idf);
  ck.tensors["params/candidate"] = TensorBlob::from(m.candidate);
  ck.tensors["params/popularity"] = TensorBlob::from(m.popularity);
  ck.tensors["meta/reference_time"] = TensorBlob::scalar<int64_t>(m.reference_time);
  put_csr(ck, "product_vectors", m.product_vectors);
  put_csr(ck, "copurchase", m.copurchase);
  put_csr(ck, "item_cf", m.item_cf);
  ck.tensors["meta/recommend_version"] = TensorBlob::scalar<int32_t>(kRecommendModelVersion);
  return ck;
}

RecommendModel recommend_from_checkpoint(const Checkpoint& ck) {
  TAILOR_CHECK(ck.model_type == "recommend", "checkpoint " << ck.path << " holds a '"
                                                           << ck.model_type
                                                           << "' model, not 'recommend'");
  int32_t version = 1;  // version 1 had no meta/recommend_version
  if (ck.tensors.count("meta/recommend_version")) {
    check_tensor(ck, "meta/recommend_version", TensorDType::kInt32, {});
    version = ck.tensor("meta/recommend_version").values<int32_t>()[0];
  }
  TAILOR_CHECK(version >= 1 && version <= kRecommendModelVersion,
               "checkpoint " << ck.path << ": recommender version " << version
                             << " is not supported (this build reads 1.." << kRecommendModelVersion
                             << ")");
  RecommendModel m;
  m.params = recommend_params_from_yaml(ck.config, "checkpoint " + ck.path);
  if (version == 1) {
    // Before item CF: the config has no item_cf keys; blend as the model was trained.
    m.params.weight_item_cf = 0;
    check_recommend_params(m.params);
  }
  m.tfidf.params = tfidf_params(m.params);
  m.product_ids = ck.string_list("meta/product_ids");
  m.tfidf.vocabulary = ck.string_list("meta/vocabulary");
  const auto n = static_cast<int64_t>(m.product_ids.size());
  const auto v = static_cast<int64_t>(m.tfidf.vocabulary.size());
  check_tensor(ck, "params/idf", TensorDType::kFloat32, {v});
  check_tensor(ck, "params/candidate", TensorDType::kUInt8, {n});
  check_tensor(ck, "params/popularity", TensorDType::kFloat32, {n});
  check_tensor(ck, "meta/reference_time", TensorDType::kInt64, {});
  m.tfidf.idf = ck.tensor("params/idf").values<float>();
  m.candidate = ck.tensor("params/candidate").values<uint8_t>();
  m.popularity = ck.tensor("params/popularity").values<float>();
  m.reference_time = ck.tensor("meta/reference_time").values<int64_t>()[0];
  m.product_vectors = get_csr(ck, "product_vectors");
  m.copurchase = get_csr(ck, "copurchase");
  if (version >= 2) {
    m.item_cf = get_csr(ck, "item_cf");
  } else {
    m.item_cf.rows = n;
    m.item_cf.cols = n;
    m.item_cf.indptr.assign(static_cast<size_t>(n) + 1, 0);
  }
  TAILOR_CHECK(m.product_vectors.rows == n && m.product_vectors.cols == v,
               "checkpoint " << ck.path << ": product_vectors is " << m.product_vectors.rows << "x"
                             << m.product_vectors.cols << ", expected " << n << "x" << v);
  TAILOR_CHECK(m.copurchase.rows == n && m.copurchase.cols == n,
               "checkpoint " << ck.path << ": copurchase is " << m.copurchase.rows << "x"
                             << m.copurchase.cols << ", expected " << n << "x" << n);
  TAILOR_CHECK(m.item_cf.rows == n && m.item_cf.cols == n,
               "checkpoint " << ck.path << ": item_cf is " << m.item_cf.rows << "x"
                             << m.item_cf.cols << ", expected " << n << "x" << n);
  return m;
}

CustomerHistory customer_histories(const RecommendModel& m, const Dataset& ds,
                                   const std::vector<int64_t>& customers, UnixTime before) {
  const auto n = static_cast<int64_t>(m.product_ids.size());
  std::unordered_map<std::string, int32_t> index;
  index.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) index.emplace(m.product_ids[i], static_cast<int32_t>(i));
  std::vector<int32_t> to_model(ds.products.size(), -1);
  CustomerHistory h;
  h.allowed.assign(static_cast<size_t>(n), 1);
  for (size_t i = 0; i < ds.products.size(); ++i) {
    auto it = index.find(ds.products.external_id[i]);
    if (it == index.end()) continue;
    to_model[i] = it->second;
    if (!ds.products.available.empty() && !ds.products.available[i]) h.allowed[it->second] = 0;
  }
  std::unordered_map<int64_t, size_t> row_of;
  for (size_t r = 0; r < customers.size(); ++r) {
    TAILOR_CHECK(customers[r] >= 0 && customers[r] < static_cast<int64_t>(ds.customers.size()),
                 "recommend: customer row " << customers[r] << " out of range");
    row_of.emplace(customers[r], r);
  }
  const auto mask =
      purchase_mask(ds, m.params, std::numeric_limits<UnixTime>::min(), before);
  const auto& t = ds.transactions;
  std::vector<std::unordered_map<int32_t, UnixTime>> last(customers.size());
  std::vector<UnixTime> newest(customers.size(), std::numeric_limits<UnixTime>::min());
  for (size_t r = 0; r < t.size(); ++r) {
    if (!mask[r]) continue;
    auto it = row_of.find(t.customer[r]);
    if (it == row_of.end()) continue;
    const int32_t j = to_model[t.product[r]];
    if (j < 0) continue;
    auto [pos, inserted] = last[it->second].emplace(j, t.time[r]);
    if (!inserted) pos->second = std::max(pos->second, t.time[r]);
    newest[it->second] = std::max(newest[it->second], t.time[r]);
  }
  std::vector<std::vector<std::pair<int32_t, float>>> rows(customers.size());
  for (size_t r = 0; r < customers.size(); ++r)
    for (const auto& [j, time] : last[r])
      rows[r].emplace_back(
          j, static_cast<float>(decay(newest[r], time, m.params.profile_half_life_days)));
  h.weights = from_rows(n, rows);
  return h;
}

CandidateScores candidate_scores(const RecommendModel& m, const CustomerHistory& h) {
  const RecommendParams& p = m.params;
  const auto n = static_cast<int64_t>(m.product_ids.size());
  const int64_t nc = h.weights.rows;
  TAILOR_CHECK(h.weights.cols == n, "recommend: histories have " << h.weights.cols
                                                                 << " products, the model " << n);
  std::vector<uint8_t> allowed(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) allowed[i] = m.candidate[i] && h.allowed[i];

  // Popularity order of the allowed products.
  std::vector<int32_t> by_popularity;
  for (int64_t i = 0; i < n; ++i)
    if (allowed[i] && m.popularity[i] > 0) by_popularity.push_back(static_cast<int32_t>(i));
  std::stable_sort(by_popularity.begin(), by_popularity.end(),
                   [&](int32_t a, int32_t b) { return m.popularity[a] > m.popularity[b]; });

  // TF-IDF: l2-normalised weighted sum of the bought products' vectors; top-k by cosine.
  CsrMatrix profiles = spgemm(h.weights, m.product_vectors);
  l2_normalize_rows(profiles);
  SparseTopKParams tp;
  tp.k = std::min(p.candidates_per_source, 1000);
  tp.device = p.device;
  const TopKResult tfidf_top = sparse_topk(profiles, m.product_vectors, tp,
                                           p.exclude_bought ? &h.weights : nullptr, allowed.data());

  std::vector<std::vector<int32_t>> items(static_cast<size_t>(nc));
  std::vector<std::vector<std::array<float, kRecommendSources>>> scores(static_cast<size_t>(nc));
#pragma omp parallel
  {
    std::vector<double> cop(static_cast<size_t>(n), 0.0), icf(static_cast<size_t>(n), 0.0);
    std::vector<float> prof(static_cast<size_t>(m.product_vectors.cols), 0.0f);
    std::vector<uint8_t> bought(static_cast<size_t>(n), 0), in_union(static_cast<size_t>(n), 0);
    std::vector<int32_t> touched, touched_cf, cand;
    std::vector<std::pair<float, int32_t>> scored;
#pragma omp for schedule(dynamic, 16)
    for (int64_t c = 0; c < nc; ++c) {
      touched.clear();
      touched_cf.clear();
      cand.clear();
      // Σ_i h_ci pair(i, j) for the co-purchase and item-CF matrices.
      auto accumulate = [&](const CsrMatrix& pairs, std::vector<double>& acc,
                            std::vector<int32_t>& hit) {
        for (int64_t k = h.weights.indptr[c]; k < h.weights.indptr[c + 1]; ++k) {
          const int32_t i = h.weights.indices[k];
          const double w = h.weights.values[k];
          for (int64_t q = pairs.indptr[i]; q < pairs.indptr[i + 1]; ++q) {
            const int32_t j = pairs.indices[q];
            if (acc[j] == 0.0) hit.push_back(j);
            acc[j] += w * pairs.values[q];
          }
        }
      };
      for (int64_t k = h.weights.indptr[c]; k < h.weights.indptr[c + 1]; ++k)
        bought[h.weights.indices[k]] = 1;
      accumulate(m.copurchase, cop, touched);
      accumulate(m.item_cf, icf, touched_cf);
      auto ok = [&](int32_t j) { return allowed[j] && !(p.exclude_bought && bought[j]); };
      // Candidates: popularity, TF-IDF, co-purchase and item-CF top candidates_per_source each.
      int taken = 0;
      for (int32_t j : by_popularity) {
        if (taken >= p.candidates_per_source) break;
        if (ok(j)) {
          cand.push_back(j);
          ++taken;
        }
      }
      for (int s = 0; s < tfidf_top.k; ++s) {
        const int32_t j = tfidf_top.items[static_cast<size_t>(c) * tfidf_top.k + s];
        if (j >= 0) cand.push_back(j);
      }
      for (const auto* src : {&touched, &touched_cf}) {
        const std::vector<double>& acc = src == &touched ? cop : icf;
        scored.clear();
        for (int32_t j : *src)
          if (ok(j) && acc[j] > 0) scored.emplace_back(static_cast<float>(acc[j]), j);
        top_n(scored, p.candidates_per_source, cand);
      }
      std::sort(cand.begin(), cand.end());
      cand.erase(std::unique(cand.begin(), cand.end()), cand.end());

      // Exact source scores of every candidate.
      for (int64_t k = profiles.indptr[c]; k < profiles.indptr[c + 1]; ++k)
        prof[profiles.indices[k]] = profiles.values[k];
      auto& sc = scores[c];
      sc.resize(cand.size());
      std::array<float, kRecommendSources> mx{};
      for (size_t u = 0; u < cand.size(); ++u) {
        const int32_t j = cand[u];
        double dot = 0.0;
        for (int64_t q = m.product_vectors.indptr[j]; q < m.product_vectors.indptr[j + 1]; ++q)
          dot += static_cast<double>(prof[m.product_vectors.indices[q]]) * m.product_vectors.values[q];
        sc[u] = {m.popularity[j], static_cast<float>(dot), static_cast<float>(cop[j]),
                 static_cast<float>(icf[j])};
        for (int s = 0; s < kRecommendSources; ++s) mx[s] = std::max(mx[s], sc[u][s]);
      }
      for (auto& v : sc)
        for (int s = 0; s < kRecommendSources; ++s) v[s] = mx[s] > 0 ? v[s] / mx[s] : 0.0f;
      items[c] = cand;

      for (int64_t k = profiles.indptr[c]; k < profiles.indptr[c + 1]; ++k)
        prof[profiles.indices[k]] = 0.0f;
      for (int32_t j : touched) cop[j] = 0.0;
      for (int32_t j : touched_cf) icf[j] = 0.0;
      for (int64_t k = h.weights.indptr[c]; k < h.weights.indptr[c + 1]; ++k)
        bought[h.weights.indices[k]] = 0;
    }
  }
  CandidateScores out;
  out.offsets.assign(static_cast<size_t>(nc) + 1, 0);
  for (int64_t c = 0; c < nc; ++c) out.offsets[c + 1] = out.offsets[c] + items[c].size();
  out.items.reserve(static_cast<size_t>(out.offsets[nc]));
  out.scores.reserve(static_cast<size_t>(out.offsets[nc]));
  for (int64_t c = 0; c < nc; ++c) {
    out.items.insert(out.items.end(), items[c].begin(), items[c].end());
    out.scores.insert(out.scores.end(), scores[c].begin(), scores[c].end());
  }
  return out;
}

TopKResult blend_topk(const CandidateScores& c, const BlendWeights& w, int k) {
  TAILOR_CHECK(k >= 1, "recommend: k must be >= 1, got " << k);
  TopKResult r;
  r.rows = c.customers();
  r.k = k;
  r.items.assign(static_cast<size_t>(r.rows) * k, -1);
  r.scores.assign(static_cast<size_t>(r.rows) * k, -std::numeric_limits<float>::infinity());
#pragma omp parallel
  {
    std::vector<std::pair<float, int32_t>> scored;
#pragma omp for schedule(dynamic, 64)
    for (int64_t q = 0; q < r.rows; ++q) {
      scored.clear();
      for (int64_t u = c.offsets[q]; u < c.offsets[q + 1]; ++u) {
        const auto& s = c.scores[u];
        double b = 0;
        for (int src = 0; src < kRecommendSources; ++src) b += w[src] * s[src];
        if (b > 0) scored.emplace_back(static_cast<float>(b), c.items[u]);
      }
      std::vector<int32_t> top;
      top_n(scored, k, top);
      for (size_t s = 0; s < top.size(); ++s) {
        r.items[q * k + s] = top[s];
        for (const auto& e : scored)
          if (e.second == top[s]) r.scores[q * k + s] = e.first;
      }
    }
  }
  return r;
}

TopKResult recommend(const RecommendModel& m, const Dataset& ds,
                     const std::vector<int64_t>& customers) {
  const CustomerHistory h = customer_histories(m, ds, customers);
  const CandidateScores c = candidate_scores(m, h);
  return blend_topk(c, blend_weights(m.params), m.params.k);
}

}  // namespace tailor
