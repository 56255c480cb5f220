// Offline quality of the recommender: time split into history and new-product targets, ranking
// metrics (HitRate, Recall, NDCG, coverage) and the protocol of docs/quality.md (validation-tuned
// blend, then test).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
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
  BlendWeights weights{};
  RankingMetrics at10, at20;
};

/// A recommender parameter (RecommendParams key, e.g. item_cf_half_life_days) and the values
/// (YAML scalars) tried for it on the validation cut, jointly with the blend weights.
struct RecommendSweepAxis {
  std::string key;
  std::vector<std::string> values;
};
/// "key=v1,v2,..." -> axis; tailor::Error on a malformed text, an unknown key, a bad value or a
/// weight_* key (the weights are always searched on the grid).
RecommendSweepAxis parse_sweep_axis(const std::string& text);

/// (key, value) settings of one sweep point.
using RecommendSettings = std::vector<std::pair<std::string, std::string>>;
/// `p` with the settings applied (as if given in its YAML config); checks the result.
RecommendParams with_settings(const RecommendParams& p, const RecommendSettings& settings);

/// One validation point of the sweep: its settings and best blend on the weight grid.
struct RecommendSweepRow {
  RecommendSettings settings;
  BlendWeights weights{};
  double validation_ndcg10 = 0;
};

struct RecommendEvalReport {
  std::string cutoff, validation_cutoff;
  int64_t test_customers = 0, validation_customers = 0, candidates = 0;
  /// What the validation cut chose: the sweep point and the blend weights, and the parameters
  /// of the test model (the input params with both applied).
  RecommendSettings tuned_settings;
  BlendWeights tuned_weights{};
  RecommendParams tuned_params;
  double validation_ndcg10 = 0;  ///< of the tuned blend on the validation cut
  int weight_grid_points = 0;    ///< blend weightings tried per sweep point
  std::vector<RecommendSweepRow> sweep;
  std::vector<RecommendEvalRow> validation_rows, test_rows;
  double seconds = 0;  ///< wall time of the whole protocol
  std::string to_table() const;
  std::string to_json() const;
};

/// Every weighting (w_0 .. w_{kRecommendSources-1}) with w_s = n_s * step, n_s >= 0 integer and
/// Σ w_s = 1 (step must divide 1 to within 1e-9 of an integer count).
std::vector<BlendWeights> blend_weight_grid(double step);

/// The full protocol: validation cut = cutoff - validation_days; for each sweep point (the
/// cartesian product of the axes' values; no axes = `params` as given), a model trained before
/// the cut scores validation targets (purchases in [validation cut, cutoff)) and
/// blend_weight_grid(weight_step) is searched for the best NDCG@10; the best (sweep point,
/// weights) overall is kept (ties: the first). The single sources and the blend are reported on
/// the validation cut at that point, then a model trained before `cutoff` with it is evaluated
/// on [cutoff, +inf). Nothing of the test period is used to choose.
RecommendEvalReport evaluate_recommender(const Dataset& ds, const RecommendParams& params,
                                         UnixTime cutoff, int validation_days, double weight_step,
                                         const std::vector<RecommendSweepAxis>& sweep = {});

/// "YYYY-MM-DD" -> Unix seconds at 00:00 UTC; throws tailor::Error on a bad date.
UnixTime parse_date_utc(const std::string& date);
std::string format_date_utc(UnixTime t);

}  // namespace tailor
