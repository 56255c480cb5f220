// Offline quality of the recommender: time split into history and new-product targets, ranking
// metrics (HitRate, Recall, NDCG, coverage) and the protocol of docs/quality.md (validation-tuned
// blend, then test).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/recommend/recommender.h"
#include "kernels/sparse_topk.h"

namespace tailor {

/// Customers with purchases before `cutoff` and in [cutoff, end) who bought at least one product
/// in [cutoff, end) they had not bought before; their targets are those products (dataset rows).
struct RecommendSplit {
  std::vector<int64_t> customers;             ///< dataset rows, ascending
  std::vector<std::vector<int32_t>> targets;  ///< per customer, ascending product rows
  int64_t customers_both_sides = 0;           ///< customers with purchases on both sides
};

/// `mask` selects the purchase lines (purchase_mask).
RecommendSplit make_recommend_split(const Dataset& ds, const std::vector<uint8_t>& mask,
                                    UnixTime cutoff, UnixTime end);

/// Mean over customers of HitRate@k, Recall@k (hits / |targets|), NDCG@k (binary relevance,
/// ideal DCG over min(|targets|, k)); coverage@k = distinct items in the top k lists / n_candidates.
struct RankingMetrics {
  int64_t customers = 0;
  double hit_rate = 0, recall = 0, ndcg = 0, coverage = 0;
};
RankingMetrics ranking_metrics(const TopKResult& recs, const std::vector<std::vector<int32_t>>& targets,
                               int k, int64_t n_candidates);

/// One row of the quality table.
struct RecommendEvalRow {
  std::string method;
  std::array<double, 3> weights{};
  RankingMetrics at10, at20;
};

struct RecommendEvalReport {
  std::string cutoff, validation_cutoff;
  int64_t test_customers = 0, validation_customers = 0, candidates = 0;
  std::array<double, 3> tuned_weights{};
  double validation_ndcg10 = 0;  ///< of the tuned blend on the validation cut
  std::vector<RecommendEvalRow> validation_rows, test_rows;
  std::string to_table() const;
  std::string to_json() const;
};

/// The full protocol: validation cut = cutoff - validation_days; a model trained before it
/// scores validation targets (purchases in [validation cut, cutoff)) for the four methods and a
/// grid of blend weights (step `weight_step`, weights summing to 1) picks the blend with the
/// best NDCG@10. Then a model trained before `cutoff` is evaluated on [cutoff, +inf).
RecommendEvalReport evaluate_recommender(const Dataset& ds, const RecommendParams& params,
                                         UnixTime cutoff, int validation_days, double weight_step);

/// "YYYY-MM-DD" -> Unix seconds at 00:00 UTC; throws tailor::Error on a bad date.
UnixTime parse_date_utc(const std::string& date);
std::string format_date_utc(UnixTime t);

}  // namespace tailor
