// IPS / SNIPS / DM / DR point estimates and their customer-level percentile bootstrap.
//
// Per row i with logged action a_i, propensity mu_i, observed r_i and target pi:
//   w_i  = pi(a_i | x_i) / mu_i          (0 when a_i is outside the target's action space)
//   IPS  = sum_i w_i r_i / n
//   SNIPS= sum_i w_i r_i / sum_i w_i
//   DM   = sum_i sum_a pi(a | x_i) q(x_i, a) / n
//   DR   = sum_i [ sum_a pi(a | x_i) q(x_i, a) + w_i (r_i - q(x_i, a_i)) ] / n
// Each estimate is a ratio of sums over rows, so a bootstrap resample of customers only needs
// per-customer sums of the row terms, weighted by how often the resample drew each customer.
#include "core/policy/ope.h"

#include <omp.h>

#include <algorithm>
#include <unordered_map>

#include "core/common/error.h"
#include "core/policy/policy_rng.h"

namespace tailor {

void check_ope_params(const OpeParams& p) {
  TAILOR_CHECK(p.bootstrap_resamples >= 10,
               "ope.bootstrap_resamples must be >= 10, got " << p.bootstrap_resamples);
  TAILOR_CHECK(p.confidence > 0.0 && p.confidence < 1.0,
               "ope.confidence must be in (0, 1), got " << p.confidence);
  TAILOR_CHECK(p.ridge_lambda >= 0.0, "ope.ridge_lambda must be >= 0, got " << p.ridge_lambda);
}

OffPolicyEvaluator::OffPolicyEvaluator(int64_t n, int n_actions, std::vector<int32_t> action,
                                       std::vector<float> propensity, std::vector<int64_t> cluster,
                                       const OpeParams& params)
    : n_(n),
      n_actions_(n_actions),
      action_(std::move(action)),
      propensity_(std::move(propensity)),
      params_(params) {
  check_ope_params(params);
  TAILOR_CHECK(n > 0, "off-policy evaluation: no logged rows");
  TAILOR_CHECK(static_cast<int64_t>(action_.size()) == n &&
                   static_cast<int64_t>(propensity_.size()) == n &&
                   static_cast<int64_t>(cluster.size()) == n,
               "off-policy evaluation: action, propensity and cluster need " << n << " rows");
  for (int64_t i = 0; i < n; ++i) {
    const float mu = propensity_[static_cast<size_t>(i)];
    TAILOR_CHECK(
        mu > 0.0f && mu <= 1.0f + 1e-6f && std::isfinite(mu),
        "off-policy evaluation: row " << i << " has propensity " << mu << " (must be in (0, 1])");
    const int32_t a = action_[static_cast<size_t>(i)];
    TAILOR_CHECK(a >= -1 && a < n_actions,
                 "off-policy evaluation: row " << i << " has action " << a);
  }
  std::unordered_map<int64_t, int64_t> dense;
  cluster_index_.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    auto it =
        dense.emplace(cluster[static_cast<size_t>(i)], static_cast<int64_t>(dense.size())).first;
    cluster_index_[static_cast<size_t>(i)] = it->second;
  }
  n_clusters_ = static_cast<int64_t>(dense.size());
}

int OffPolicyEvaluator::add_metric(std::string name, std::vector<double> observed,
                                   std::vector<float> q_hat) {
  TAILOR_CHECK(policy_names_.empty(),
               "off-policy evaluation: add every metric before the policies");
  TAILOR_CHECK(static_cast<int64_t>(observed.size()) == n_,
               "off-policy evaluation: metric '" << name << "' has " << observed.size()
                                                 << " rows, expected " << n_);
  TAILOR_CHECK(q_hat.empty() || static_cast<int64_t>(q_hat.size()) == n_ * n_actions_,
               "off-policy evaluation: metric '" << name << "' reward model has " << q_hat.size()
                                                 << " values, expected " << n_ << " x "
                                                 << n_actions_);
  metric_names_.push_back(std::move(name));
  observed_.push_back(std::move(observed));
  q_hat_.push_back(std::move(q_hat));
  return static_cast<int>(metric_names_.size()) - 1;
}

int OffPolicyEvaluator::add_policy(std::string name, const std::vector<float>& probs) {
  TAILOR_CHECK(!metric_names_.empty(), "off-policy evaluation: add the metrics first");
  TAILOR_CHECK(static_cast<int64_t>(probs.size()) == n_ * n_actions_,
               "off-policy evaluation: policy '" << name << "' has " << probs.size()
                                                 << " probabilities, expected " << n_ << " x "
                                                 << n_actions_);
  const size_t M = metric_names_.size(), A = static_cast<size_t>(n_actions_);
  const size_t K = 1 + 3 * M;
  std::vector<double> terms(static_cast<size_t>(n_clusters_) * K, 0.0);
  OpeWeights wt;
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < n_; ++i) {
    const size_t ii = static_cast<size_t>(i);
    const float* pi = &probs[ii * A];
    double sum = 0.0;
    for (size_t b = 0; b < A; ++b) {
      TAILOR_CHECK(pi[b] >= 0.0f, "off-policy evaluation: policy '"
                                      << name << "' row " << i << " has a negative probability");
      sum += pi[b];
    }
    TAILOR_CHECK(std::fabs(sum - 1.0) < 1e-4,
                 "off-policy evaluation: policy '" << name << "' row " << i << " sums to " << sum);
    const int32_t a = action_[ii];
    const double w = a >= 0 ? double(pi[a]) / double(propensity_[ii]) : 0.0;
    s += w;
    s2 += w * w;
    wt.max = std::max(wt.max, w);
    double* t = &terms[static_cast<size_t>(cluster_index_[ii]) * K];
    t[0] += w;
    for (size_t m = 0; m < M; ++m) {
      const double r = observed_[m][ii];
      double dm = 0.0, q_logged = 0.0;
      if (!q_hat_[m].empty()) {
        const float* q = &q_hat_[m][ii * A];
        for (size_t b = 0; b < A; ++b) dm += double(pi[b]) * double(q[b]);
        if (a >= 0) q_logged = q[a];
      }
      t[1 + 3 * m] += w * r;
      t[2 + 3 * m] += dm;
      t[3 + 3 * m] += dm + w * (r - q_logged);
    }
  }
  wt.mean = s / double(n_);
  wt.ess = s2 > 0 ? s * s / s2 : 0.0;
  policy_names_.push_back(std::move(name));
  policy_terms_.push_back(std::move(terms));
  weights_.push_back(wt);
  return static_cast<int>(policy_names_.size()) - 1;
}

void OffPolicyEvaluator::run() {
  const size_t P = policy_names_.size(), M = metric_names_.size();
  TAILOR_CHECK(M > 0, "off-policy evaluation: no metric");
  const size_t C = static_cast<size_t>(n_clusters_);
  // Per cluster: rows and the observed sum of each metric.
  const size_t KB = 1 + M, KP = 1 + 3 * M;
  std::vector<double> base(C * KB, 0.0);
  for (int64_t i = 0; i < n_; ++i) {
    const size_t ii = static_cast<size_t>(i);
    double* t = &base[static_cast<size_t>(cluster_index_[ii]) * KB];
    t[0] += 1.0;
    for (size_t m = 0; m < M; ++m) t[1 + m] += observed_[m][ii];
  }
  // Statistics of one weighted sum: per metric on-policy, then per (p, m) ips, snips, dm, dr.
  const size_t S = M + 4 * P * M;
  auto estimates = [&](const std::vector<double>& sb, const std::vector<double>& sp, double* out) {
    const double rows = sb[0];
    for (size_t m = 0; m < M; ++m) out[m] = sb[1 + m] / rows;
    for (size_t p = 0; p < P; ++p) {
      const double* tp = &sp[p * KP];
      for (size_t m = 0; m < M; ++m) {
        double* o = out + M + 4 * (p * M + m);
        o[0] = tp[1 + 3 * m] / rows;
        o[1] = tp[0] > 0 ? tp[1 + 3 * m] / tp[0] : 0.0;
        o[2] = tp[2 + 3 * m] / rows;
        o[3] = tp[3 + 3 * m] / rows;
      }
    }
  };
  auto weighted_sums = [&](const int32_t* count, std::vector<double>* sb, std::vector<double>* sp) {
    sb->assign(KB, 0.0);
    sp->assign(P * KP, 0.0);
    for (size_t c = 0; c < C; ++c) {
      const double w = count ? count[c] : 1.0;
      if (w == 0.0) continue;
      for (size_t k = 0; k < KB; ++k) (*sb)[k] += w * base[c * KB + k];
      for (size_t p = 0; p < P; ++p) {
        const double* t = &policy_terms_[p][c * KP];
        double* o = &(*sp)[p * KP];
        for (size_t k = 0; k < KP; ++k) o[k] += w * t[k];
      }
    }
  };
  std::vector<double> point(S), sb, sp;
  weighted_sums(nullptr, &sb, &sp);
  estimates(sb, sp, point.data());

  // Bootstrap: resample C customers with replacement; resample b uses stream (seed, b).
  const int B = params_.bootstrap_resamples;
  std::vector<double> boot(static_cast<size_t>(B) * S);
#pragma omp parallel
  {
    std::vector<int32_t> count(C);
    std::vector<double> tb, tp;
#pragma omp for schedule(dynamic, 4)
    for (int b = 0; b < B; ++b) {
      SynthRng rng =
          policy_rng(params_.bootstrap_seed, static_cast<uint64_t>(b), PolicyStream::kBootstrap);
      std::fill(count.begin(), count.end(), 0);
      for (size_t j = 0; j < C; ++j)
        ++count[static_cast<size_t>(rng.below(static_cast<int64_t>(C)))];
      weighted_sums(count.data(), &tb, &tp);
      estimates(tb, tp, &boot[static_cast<size_t>(b) * S]);
    }
  }
  const double alpha = 1.0 - params_.confidence;
  auto interval = [&](size_t j) {
    std::vector<double> v(static_cast<size_t>(B));
    for (int b = 0; b < B; ++b) v[static_cast<size_t>(b)] = boot[size_t(b) * S + j];
    std::sort(v.begin(), v.end());
    auto q = [&](double prob) {  // linear interpolation between order statistics
      const double x = prob * (B - 1);
      const size_t lo = static_cast<size_t>(std::floor(x));
      const size_t hi = std::min(lo + 1, static_cast<size_t>(B - 1));
      return v[lo] + (x - double(lo)) * (v[hi] - v[lo]);
    };
    return OpeEstimate{point[j], q(alpha / 2), q(1 - alpha / 2)};
  };
  on_policy_.assign(M, OpeEstimate());
  for (size_t m = 0; m < M; ++m) on_policy_[m] = interval(m);
  results_.assign(P, std::vector<OpeResult>(M));
  for (size_t p = 0; p < P; ++p)
    for (size_t m = 0; m < M; ++m) {
      const size_t j = M + 4 * (p * M + m);
      OpeResult& r = results_[p][m];
      r.ips = interval(j);
      r.snips = interval(j + 1);
      r.dm = interval(j + 2);
      r.dr = interval(j + 3);
    }
}

const OpeResult& OffPolicyEvaluator::result(int policy, int metric) const {
  TAILOR_CHECK(!results_.empty(), "off-policy evaluation: run() has not been called");
  return results_.at(static_cast<size_t>(policy)).at(static_cast<size_t>(metric));
}

const OpeEstimate& OffPolicyEvaluator::on_policy(int metric) const {
  TAILOR_CHECK(!on_policy_.empty(), "off-policy evaluation: run() has not been called");
  return on_policy_.at(static_cast<size_t>(metric));
}

PolicyApproval decide_approval(double dr_lower, double logging_value, bool force) {
  PolicyApproval a;
  a.dr_lower = dr_lower;
  a.logging_value = logging_value;
  a.dr_beats_logging =
      std::isfinite(dr_lower) && std::isfinite(logging_value) && dr_lower > logging_value;
  a.approved = a.dr_beats_logging || force;
  a.forced = force && !a.dr_beats_logging;
  char buf[256];
  if (a.dr_beats_logging) {
    std::snprintf(buf, sizeof buf, "approved: DR lower bound %.6g > logging policy value %.6g",
                  dr_lower, logging_value);
  } else if (a.forced) {
    std::snprintf(buf, sizeof buf,
                  "APPROVED BY --force-approve: DR lower bound %.6g does not beat the logging "
                  "policy value %.6g",
                  dr_lower, logging_value);
  } else {
    std::snprintf(buf, sizeof buf,
                  "not approved: DR lower bound %.6g does not beat the logging policy value %.6g",
                  dr_lower, logging_value);
  }
  a.reason = buf;
  return a;
}

}  // namespace tailor
