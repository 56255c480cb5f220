// Time-split evaluation of the recommender (docs/quality.md, "Recommendations").
#include "core/recommend/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <set>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/common/error.h"
#include "core/common/log.h"
#include "kernels/sparse_topk_cuda.h"

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

RecommendEvalRow eval_row(const std::string& name, const CandidateScores& cs, const BlendWeights& w,
                          const RecommendSplit& split, int64_t n_candidates) {
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

/// Source s alone.
BlendWeights single(int s) {
  BlendWeights w{};
  w[s] = 1;
  return w;
}

/// NDCG@10 of every weighting in `grid` on one stage, equal to
/// ranking_metrics(blend_topk(scores, w, 10), targets, 10, .).ndcg but without building the lists:
/// per customer, the blended scores of the candidates (as float, > 0 only, ties by lower item) go
/// through a 10-slot insertion list, hits are read from a per-candidate target flag. OpenMP over
/// weightings; each weighting sums its customers in order, so results match exactly.
std::vector<double> grid_ndcg10(const Stage& st, const std::vector<BlendWeights>& grid) {
  constexpr int kK = 10;
  const CandidateScores& cs = st.scores;
  const int64_t nc = cs.customers();
  std::vector<uint8_t> is_target(cs.items.size(), 0);
  std::vector<double> idcg(static_cast<size_t>(nc), 0.0);
  for (int64_t q = 0; q < nc; ++q) {
    const auto& tg = st.split.targets[q];
    for (int64_t u = cs.offsets[q]; u < cs.offsets[q + 1]; ++u)
      is_target[u] = std::binary_search(tg.begin(), tg.end(), cs.items[u]);
    const int ideal = std::min<int>(static_cast<int>(tg.size()), kK);
    for (int s = 0; s < ideal; ++s) idcg[q] += 1.0 / std::log2(s + 2.0);
  }
  std::vector<double> out(grid.size(), 0.0);
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t g = 0; g < static_cast<int64_t>(grid.size()); ++g) {
    const BlendWeights& w = grid[g];
    double total = 0;
    std::array<float, kK> top_s{};
    std::array<int32_t, kK> top_i{};
    std::array<uint8_t, kK> top_hit{};
    for (int64_t q = 0; q < nc; ++q) {
      int filled = 0;
      for (int64_t u = cs.offsets[q]; u < cs.offsets[q + 1]; ++u) {
        double b = 0;
        for (int src = 0; src < kRecommendSources; ++src) b += w[src] * cs.scores[u][src];
        if (!(b > 0)) continue;
        const float f = static_cast<float>(b);
        const int32_t item = cs.items[u];
        if (filled == kK && !topk_better(f, item, top_s[kK - 1], top_i[kK - 1])) continue;
        int pos = filled < kK ? filled++ : kK - 1;
        while (pos > 0 && topk_better(f, item, top_s[pos - 1], top_i[pos - 1])) {
          top_s[pos] = top_s[pos - 1];
          top_i[pos] = top_i[pos - 1];
          top_hit[pos] = top_hit[pos - 1];
          --pos;
        }
        top_s[pos] = f;
        top_i[pos] = item;
        top_hit[pos] = is_target[u];
      }
      double dcg = 0;
      for (int s = 0; s < filled; ++s)
        if (top_hit[s]) dcg += 1.0 / std::log2(s + 2.0);
      total += dcg / idcg[q];
    }
    out[g] = nc > 0 ? total / static_cast<double>(nc) : 0.0;
  }
  return out;
}

void add_method_rows(std::vector<RecommendEvalRow>& rows, const Stage& st, const BlendWeights& w) {
  for (int s = 0; s < kRecommendSources; ++s)
    rows.push_back(
        eval_row(kRecommendSourceNames[s], st.scores, single(s), st.split, st.candidates));
  rows.push_back(eval_row("blend", st.scores, w, st.split, st.candidates));
}

}  // namespace

std::vector<BlendWeights> blend_weight_grid(double step) {
  TAILOR_CHECK(step > 0 && step <= 1,
               "recommend-eval: weight_step must be in (0, 1], got " << step);
  const double exact = 1.0 / step;
  const int steps = static_cast<int>(std::lround(exact));
  TAILOR_CHECK(std::fabs(exact - steps) < 1e-9 * exact,
               "recommend-eval: weight_step " << step << " does not divide 1");
  std::vector<BlendWeights> grid;
  std::array<int, kRecommendSources> n{};
  // Compositions of `steps` into kRecommendSources parts, earlier sources varying slowest.
  auto fill = [&](auto&& self, int s, int left) -> void {
    if (s == kRecommendSources - 1) {
      n[s] = left;
      BlendWeights w{};
      for (int q = 0; q < kRecommendSources; ++q) w[q] = static_cast<double>(n[q]) / steps;
      grid.push_back(w);
      return;
    }
    for (int v = 0; v <= left; ++v) {
      n[s] = v;
      self(self, s + 1, left - v);
    }
  };
  fill(fill, 0, steps);
  return grid;
}

RecommendParams with_settings(const RecommendParams& p, const RecommendSettings& settings) {
  RecommendParams out = p;
  CLI::App app;
  ParamSet ps(&app, "recommend");
  bind_recommend_params(ps, out);
  YAML::Node root;
  for (const auto& [key, value] : settings) {
    try {
      root["recommend"][key] = YAML::Load(value);
    } catch (const YAML::Exception& e) {
      TAILOR_FAIL("recommend-eval: sweep value '" << value << "' of " << key
                                                  << " is not a YAML scalar: " << e.what());
    }
  }
  ps.apply_yaml(root, "recommend-eval --sweep");
  check_recommend_params(out);
  return out;
}

RecommendSweepAxis parse_sweep_axis(const std::string& text) {
  const size_t eq = text.find('=');
  TAILOR_CHECK(eq != std::string::npos && eq > 0 && eq + 1 < text.size(),
               "recommend-eval: --sweep '" << text << "' is not key=value1,value2,...");
  RecommendSweepAxis axis;
  axis.key = text.substr(0, eq);
  TAILOR_CHECK(axis.key.rfind("weight_", 0) != 0,
               "recommend-eval: --sweep " << axis.key
                                          << ": the blend weights are always searched on the grid");
  std::stringstream values(text.substr(eq + 1));
  for (std::string v; std::getline(values, v, ',');) {
    TAILOR_CHECK(!v.empty(), "recommend-eval: --sweep '" << text << "' has an empty value");
    axis.values.push_back(v);
  }
  for (const auto& v : axis.values) with_settings(RecommendParams{}, {{axis.key, v}});  // checks
  return axis;
}

RecommendEvalReport evaluate_recommender(const Dataset& ds, const RecommendParams& params,
                                         UnixTime cutoff, int validation_days, double weight_step,
                                         const std::vector<RecommendSweepAxis>& sweep) {
  const auto t0 = std::chrono::steady_clock::now();
  TAILOR_CHECK(validation_days >= 1, "recommend-eval: validation_days must be >= 1");
  const std::vector<BlendWeights> grid = blend_weight_grid(weight_step);
  RecommendParams p = params;
  p.candidates_per_source = std::max(p.candidates_per_source, 20);
  RecommendEvalReport rep;
  rep.weight_grid_points = static_cast<int>(grid.size());
  const UnixTime vcut = cutoff - static_cast<UnixTime>(validation_days) * 86400;
  rep.cutoff = format_date_utc(cutoff);
  rep.validation_cutoff = format_date_utc(vcut);
  // Sweep points: the cartesian product of the axes, the last axis varying fastest.
  std::vector<RecommendSettings> points = {{}};
  for (const auto& axis : sweep) {
    TAILOR_CHECK(!axis.values.empty(), "recommend-eval: --sweep " << axis.key << " has no values");
    std::vector<RecommendSettings> next;
    for (const auto& pt : points) {
      for (const auto& v : axis.values) {
        next.push_back(pt);
        next.back().emplace_back(axis.key, v);
      }
    }
    points.swap(next);
  }

  // Validation: trained before vcut, targets in [vcut, cutoff); nothing from the test period.
  Stage best_stage;
  double best = -1;
  for (const RecommendSettings& pt : points) {
    {
      const RecommendParams q = with_settings(p, pt);
      std::string what;
      for (const auto& [k, v] : pt) what += ", " + k + " " + v;
      spdlog::info("recommend-eval: validation model (purchases before {}{})",
                   rep.validation_cutoff, what);
      Stage val = run_stage(ds, q, vcut, cutoff);
      RecommendSweepRow row;
      row.settings = pt;
      row.validation_ndcg10 = -1;
      const std::vector<double> ndcg = grid_ndcg10(val, grid);
      for (size_t g = 0; g < grid.size(); ++g) {
        if (ndcg[g] > row.validation_ndcg10 + 1e-12) {
          row.validation_ndcg10 = ndcg[g];
          row.weights = grid[g];
        }
      }
      rep.sweep.push_back(row);
      if (row.validation_ndcg10 > best + 1e-12) {
        best = row.validation_ndcg10;
        rep.tuned_weights = row.weights;
        rep.tuned_settings = pt;
        best_stage = std::move(val);
      }
    }
  }
  rep.validation_ndcg10 = best;
  rep.validation_customers = static_cast<int64_t>(best_stage.split.customers.size());
  add_method_rows(rep.validation_rows, best_stage, rep.tuned_weights);

  p = with_settings(p, rep.tuned_settings);
  rep.tuned_params = p;
  set_blend_weights(rep.tuned_params, rep.tuned_weights);
  spdlog::info("recommend-eval: test model (purchases before {})", rep.cutoff);
  const Stage test = run_stage(ds, p, cutoff, std::numeric_limits<UnixTime>::max());
  rep.test_customers = static_cast<int64_t>(test.split.customers.size());
  rep.candidates = test.candidates;
  add_method_rows(rep.test_rows, test, rep.tuned_weights);
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
  auto weights = [&](const BlendWeights& w) {
    std::string out;
    for (int s = 0; s < kRecommendSources; ++s) {
      std::snprintf(buf, sizeof buf, "%s%s %.2f", s ? ", " : "", kRecommendSourceNames[s], w[s]);
      out += buf;
    }
    return out;
  };
  os << "validation: train before " << validation_cutoff << ", targets [" << validation_cutoff
     << ", " << cutoff << "), " << validation_customers << " customers, " << weight_grid_points
     << " blend weightings";
  auto settings = [](const RecommendSettings& st) {
    std::string out;
    for (const auto& [k, v] : st) out += (out.empty() ? "" : ", ") + k + " " + v;
    return out;
  };
  if (sweep.size() > 1) {
    os << " x " << sweep.size() << " settings\n";
    for (const auto& r : sweep) {
      std::snprintf(buf, sizeof buf, ": NDCG@10 %.4f (", r.validation_ndcg10);
      os << "  " << settings(r.settings) << buf << weights(r.weights) << ")\n";
    }
  } else {
    os << "\n";
  }
  table(validation_rows);
  os << "tuned blend weights: " << weights(tuned_weights);
  if (!tuned_settings.empty()) os << "; " << settings(tuned_settings);
  os << "\n";
  os << "test: train before " << cutoff << ", targets from " << cutoff << " on, " << test_customers
     << " customers, " << candidates << " candidate products\n";
  table(test_rows);
  std::snprintf(buf, sizeof buf, "protocol time %.1f s\n", seconds);
  os << buf;
  return os.str();
}

std::string RecommendEvalReport::to_json() const {
  using nlohmann::json;
  auto wj = [](const BlendWeights& w) {
    json o = json::object();
    for (int s = 0; s < kRecommendSources; ++s) o[kRecommendSourceNames[s]] = w[s];
    return o;
  };
  auto rows = [&](const std::vector<RecommendEvalRow>& v) {
    json a = json::array();
    for (const auto& r : v)
      a.push_back({{"method", r.method},
                   {"weights", wj(r.weights)},
                   {"hit_rate_10", r.at10.hit_rate},
                   {"recall_10", r.at10.recall},
                   {"ndcg_10", r.at10.ndcg},
                   {"ndcg_20", r.at20.ndcg},
                   {"coverage_10", r.at10.coverage},
                   {"customers", r.at10.customers}});
    return a;
  };
  auto sj = [](const RecommendSettings& st) {
    json o = json::object();
    for (const auto& [k, v] : st) o[k] = v;
    return o;
  };
  json sw = json::array();
  for (const auto& r : sweep)
    sw.push_back({{"settings", sj(r.settings)},
                  {"weights", wj(r.weights)},
                  {"validation_ndcg_10", r.validation_ndcg10}});
  json j = {{"cutoff", cutoff},
            {"validation_cutoff", validation_cutoff},
            {"test_customers", test_customers},
            {"validation_customers", validation_customers},
            {"candidates", candidates},
            {"weight_grid_points", weight_grid_points},
            {"tuned_weights", wj(tuned_weights)},
            {"tuned_settings", sj(tuned_settings)},
            {"tuned_config", recommend_params_yaml(tuned_params)},
            {"validation_ndcg_10", validation_ndcg10},
            {"sweep", sw},
            {"validation", rows(validation_rows)},
            {"test", rows(test_rows)},
            {"seconds", seconds}};
  return j.dump(2) + "\n";
}

}  // namespace tailor
