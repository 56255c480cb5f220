// Time-split evaluation of the recommender (docs/quality.md, "Recommendations").
#include "core/recommend/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <set>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {

UnixTime parse_date_utc(const std::string& date) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  TAILOR_CHECK(std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
                   m <= 12 && d >= 1 && d <= 31,
               "date '" << date << "' is not YYYY-MM-DD");
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return static_cast<UnixTime>(timegm(&tm));
}

std::string format_date_utc(UnixTime t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

RecommendSplit make_recommend_split(const Dataset& ds, const std::vector<uint8_t>& mask,
                                    UnixTime cutoff, UnixTime end) {
  const auto& t = ds.transactions;
  TAILOR_CHECK(mask.size() == t.size(), "split: mask has " << mask.size() << " entries for "
                                                            << t.size() << " transactions");
  const size_t nc = ds.customers.size();
  std::vector<std::vector<int32_t>> before(nc), after(nc);
  for (size_t r = 0; r < t.size(); ++r) {
    if (!mask[r] || t.customer[r] < 0) continue;
    if (t.time[r] < cutoff)
      before[t.customer[r]].push_back(t.product[r]);
    else if (t.time[r] < end)
      after[t.customer[r]].push_back(t.product[r]);
  }
  RecommendSplit s;
  for (size_t c = 0; c < nc; ++c) {
    if (before[c].empty() || after[c].empty()) continue;
    ++s.customers_both_sides;
    std::sort(before[c].begin(), before[c].end());
    std::sort(after[c].begin(), after[c].end());
    after[c].erase(std::unique(after[c].begin(), after[c].end()), after[c].end());
    std::vector<int32_t> fresh;
    for (int32_t p : after[c])
      if (!std::binary_search(before[c].begin(), before[c].end(), p)) fresh.push_back(p);
    if (fresh.empty()) continue;
    s.customers.push_back(static_cast<int64_t>(c));
    s.targets.push_back(std::move(fresh));
  }
  return s;
}

RankingMetrics ranking_metrics(const TopKResult& recs, const std::vector<std::vector<int32_t>>& targets,
                               int k, int64_t n_candidates) {
  TAILOR_CHECK(recs.rows == static_cast<int64_t>(targets.size()),
               "metrics: " << recs.rows << " recommendation rows for " << targets.size()
                           << " customers");
  TAILOR_CHECK(k >= 1 && k <= recs.k, "metrics: k = " << k << " but lists hold " << recs.k);
  RankingMetrics m;
  m.customers = recs.rows;
  std::unordered_set<int32_t> covered;
  for (int64_t q = 0; q < recs.rows; ++q) {
    const auto& tg = targets[q];
    TAILOR_CHECK(!tg.empty(), "metrics: customer " << q << " has no targets");
    const std::unordered_set<int32_t> want(tg.begin(), tg.end());
    int hits = 0;
    double dcg = 0, idcg = 0;
    for (int s = 0; s < k; ++s) {
      const int32_t item = recs.items[static_cast<size_t>(q) * recs.k + s];
      if (item < 0) continue;
      covered.insert(item);
      if (want.count(item)) {
        ++hits;
        dcg += 1.0 / std::log2(s + 2.0);
      }
    }
    const int ideal = std::min<int>(static_cast<int>(want.size()), k);
    for (int s = 0; s < ideal; ++s) idcg += 1.0 / std::log2(s + 2.0);
    m.hit_rate += hits > 0;
    m.recall += static_cast<double>(hits) / static_cast<double>(want.size());
    m.ndcg += dcg / idcg;
  }
  if (m.customers > 0) {
    m.hit_rate /= static_cast<double>(m.customers);
    m.recall /= static_cast<double>(m.customers);
    m.ndcg /= static_cast<double>(m.customers);
  }
  m.coverage = n_candidates > 0 ? static_cast<double>(covered.size()) / static_cast<double>(n_candidates)
                                : 0.0;
  return m;
}

namespace {

RecommendEvalRow eval_row(const std::string& name, const CandidateScores& cs,
                          const std::array<double, 3>& w, const RecommendSplit& split,
                          int64_t n_candidates) {
  const TopKResult recs = blend_topk(cs, w, 20);
  RecommendEvalRow row;
  row.method = name;
  row.weights = w;
  row.at10 = ranking_metrics(recs, split.targets, 10, n_candidates);
  row.at20 = ranking_metrics(recs, split.targets, 20, n_candidates);
  return row;
}

int64_t count(const std::vector<uint8_t>& v) {
  int64_t n = 0;
  for (uint8_t x : v) n += x != 0;
  return n;
}

struct Stage {
  RecommendSplit split;
  int64_t candidates = 0;
  CandidateScores scores;
};

Stage run_stage(const Dataset& ds, const RecommendParams& p, UnixTime cutoff, UnixTime end) {
  Stage st;
  const auto mask = purchase_mask(ds, p);
  st.split = make_recommend_split(ds, mask, cutoff, end);
  const RecommendModel model = train_recommender(ds, p, cutoff);
  st.candidates = count(model.candidate);
  const CustomerHistory h = customer_histories(model, ds, st.split.customers, cutoff);
  st.scores = candidate_scores(model, h);
  return st;
}

const std::array<std::pair<const char*, std::array<double, 3>>, 3> kSingle = {{
    {"popularity", {1, 0, 0}}, {"tfidf", {0, 1, 0}}, {"copurchase", {0, 0, 1}}}};

}  // namespace

RecommendEvalReport evaluate_recommender(const Dataset& ds, const RecommendParams& params,
                                         UnixTime cutoff, int validation_days, double weight_step) {
  TAILOR_CHECK(validation_days >= 1, "recommend-eval: validation_days must be >= 1");
  TAILOR_CHECK(weight_step > 0 && weight_step <= 1, "recommend-eval: weight_step must be in (0, 1]");
  RecommendParams p = params;
  p.candidates_per_source = std::max(p.candidates_per_source, 20);
  RecommendEvalReport rep;
  const UnixTime vcut = cutoff - static_cast<UnixTime>(validation_days) * 86400;
  rep.cutoff = format_date_utc(cutoff);
  rep.validation_cutoff = format_date_utc(vcut);

  // Validation: trained before vcut, targets in [vcut, cutoff); nothing from the test period.
  spdlog::info("recommend-eval: validation model (purchases before {})", rep.validation_cutoff);
  const Stage val = run_stage(ds, p, vcut, cutoff);
  rep.validation_customers = static_cast<int64_t>(val.split.customers.size());
  for (const auto& [name, w] : kSingle)
    rep.validation_rows.push_back(eval_row(name, val.scores, w, val.split, val.candidates));
  const int steps = static_cast<int>(std::lround(1.0 / weight_step));
  double best = -1;
  for (int a = 0; a <= steps; ++a) {
    for (int b = 0; a + b <= steps; ++b) {
      const std::array<double, 3> w = {double(a) / steps, double(b) / steps,
                                       double(steps - a - b) / steps};
      const TopKResult recs = blend_topk(val.scores, w, 10);
      const double ndcg = ranking_metrics(recs, val.split.targets, 10, val.candidates).ndcg;
      if (ndcg > best + 1e-12) {
        best = ndcg;
        rep.tuned_weights = w;
      }
    }
  }
  rep.validation_ndcg10 = best;
  rep.validation_rows.push_back(eval_row("blend", val.scores, rep.tuned_weights, val.split, val.candidates));

  spdlog::info("recommend-eval: test model (purchases before {})", rep.cutoff);
  const Stage test = run_stage(ds, p, cutoff, std::numeric_limits<UnixTime>::max());
  rep.test_customers = static_cast<int64_t>(test.split.customers.size());
  rep.candidates = test.candidates;
  for (const auto& [name, w] : kSingle)
    rep.test_rows.push_back(eval_row(name, test.scores, w, test.split, test.candidates));
  rep.test_rows.push_back(eval_row("blend", test.scores, rep.tuned_weights, test.split, test.candidates));
  return rep;
}

std::string RecommendEvalReport::to_table() const {
  std::ostringstream os;
  char buf[256];
  auto table = [&](const std::vector<RecommendEvalRow>& rows) {
    std::snprintf(buf, sizeof buf, "  %-11s %9s %9s %8s %8s %9s\n", "method", "HitRate@10",
                  "Recall@10", "NDCG@10", "NDCG@20", "Coverage");
    os << buf;
    for (const auto& r : rows) {
      std::snprintf(buf, sizeof buf, "  %-11s %9.4f %9.4f %8.4f %8.4f %9.4f\n", r.method.c_str(),
                    r.at10.hit_rate, r.at10.recall, r.at10.ndcg, r.at20.ndcg, r.at10.coverage);
      os << buf;
    }
  };
  os << "validation: train before " << validation_cutoff << ", targets [" << validation_cutoff
     << ", " << cutoff << "), " << validation_customers << " customers\n";
  table(validation_rows);
  std::snprintf(buf, sizeof buf, "tuned blend weights: popularity %.2f, tfidf %.2f, copurchase %.2f\n",
                tuned_weights[0], tuned_weights[1], tuned_weights[2]);
  os << buf;
  os << "test: train before " << cutoff << ", targets from " << cutoff << " on, " << test_customers
     << " customers, " << candidates << " candidate products\n";
  table(test_rows);
  return os.str();
}

std::string RecommendEvalReport::to_json() const {
  using nlohmann::json;
  auto rows = [](const std::vector<RecommendEvalRow>& v) {
    json a = json::array();
    for (const auto& r : v)
      a.push_back({{"method", r.method},
                   {"weights", {r.weights[0], r.weights[1], r.weights[2]}},
                   {"hit_rate_10", r.at10.hit_rate},
                   {"recall_10", r.at10.recall},
                   {"ndcg_10", r.at10.ndcg},
                   {"ndcg_20", r.at20.ndcg},
                   {"coverage_10", r.at10.coverage},
                   {"customers", r.at10.customers}});
    return a;
  };
  json j = {{"cutoff", cutoff},
            {"validation_cutoff", validation_cutoff},
            {"test_customers", test_customers},
            {"validation_customers", validation_customers},
            {"candidates", candidates},
            {"tuned_weights", {tuned_weights[0], tuned_weights[1], tuned_weights[2]}},
            {"validation_ndcg_10", validation_ndcg10},
            {"validation", rows(validation_rows)},
            {"test", rows(test_rows)}};
  return j.dump(2) + "\n";
}

}  // namespace tailor
