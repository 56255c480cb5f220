// Binary classification metrics and threshold selection.
#include "core/corpus/binary_metrics.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/common/error.h"

namespace tailor {

std::string BinaryMetrics::to_json() const {
  nlohmann::ordered_json j;
  j["n"] = n;
  j["positives"] = positives;
  j["threshold"] = threshold;
  j["accuracy"] = accuracy;
  j["precision"] = precision;
  j["recall"] = recall;
  j["f1"] = f1;
  j["roc_auc"] = roc_auc;
  j["log_loss"] = log_loss;
  j["tp"] = tp;
  j["fp"] = fp;
  j["tn"] = tn;
  j["fn"] = fn;
  return j.dump();
}

double roc_auc(const std::vector<double>& score, const std::vector<uint8_t>& y) {
  TAILOR_CHECK(score.size() == y.size(),
               "roc_auc: " << score.size() << " scores, " << y.size() << " labels");
  const size_t n = score.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  // Sum of the (average) ranks of the positives.
  double rank_sum = 0;
  int64_t pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    const double avg_rank = 0.5 * double(i + 1 + j);  // ranks i+1 .. j
    for (size_t k = i; k < j; ++k)
      if (y[order[k]]) {
        rank_sum += avg_rank;
        ++pos;
      }
    i = j;
  }
  const int64_t neg = static_cast<int64_t>(n) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - double(pos) * double(pos + 1) / 2.0) / (double(pos) * double(neg));
}

BinaryMetrics binary_metrics(const std::vector<double>& prob, const std::vector<uint8_t>& y,
                             double threshold) {
  TAILOR_CHECK(prob.size() == y.size(),
               "binary_metrics: " << prob.size() << " scores, " << y.size() << " labels");
  BinaryMetrics m;
  m.n = static_cast<int64_t>(y.size());
  m.threshold = threshold;
  double ll = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const bool pred = prob[i] >= threshold;
    m.positives += y[i];
    if (pred && y[i]) ++m.tp;
    if (pred && !y[i]) ++m.fp;
    if (!pred && !y[i]) ++m.tn;
    if (!pred && y[i]) ++m.fn;
    const double p = std::min(1.0 - 1e-15, std::max(1e-15, prob[i]));
    ll -= y[i] ? std::log(p) : std::log(1.0 - p);
  }
  if (m.n > 0) {
    m.accuracy = double(m.tp + m.tn) / double(m.n);
    m.log_loss = ll / double(m.n);
  }
  m.precision = m.tp + m.fp > 0 ? double(m.tp) / double(m.tp + m.fp) : 0.0;
  m.recall = m.tp + m.fn > 0 ? double(m.tp) / double(m.tp + m.fn) : 0.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  m.roc_auc = roc_auc(prob, y);
  return m;
}

double best_threshold(const std::vector<double>& prob, const std::vector<uint8_t>& y,
                      const std::string& metric) {
  TAILOR_CHECK(metric == "f1" || metric == "accuracy",
               "threshold metric must be f1 or accuracy, got '" << metric << "'");
  TAILOR_CHECK(!prob.empty() && prob.size() == y.size(), "best_threshold: need scored examples");
  const size_t n = prob.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return prob[a] > prob[b]; });
  int64_t total_pos = 0;
  for (uint8_t v : y) total_pos += v;
  // Predict positive the first k (by probability) for each k at a boundary between values.
  double best = -1, best_thr = 1.0 + 1e-9;
  int64_t tp = 0, fp = 0;
  auto value = [&](int64_t tp_, int64_t fp_) {
    const int64_t fn = total_pos - tp_, tn = static_cast<int64_t>(n) - total_pos - fp_;
    if (metric == "accuracy") return double(tp_ + tn) / double(n);
    const double denom = 2.0 * tp_ + fp_ + fn;
    return denom > 0 ? 2.0 * tp_ / denom : 0.0;
  };
  best = value(0, 0);  // nothing positive: threshold above every probability
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && prob[order[j]] == prob[order[i]]) {
      tp += y[order[j]];
      fp += !y[order[j]];
      ++j;
    }
    const double v = value(tp, fp);
    if (v > best) {
      best = v;
      const double lower = j < n ? prob[order[j]] : 0.0;
      best_thr = 0.5 * (prob[order[i]] + lower);
    }
    i = j;
  }
  return best_thr;
}

}  // namespace tailor
