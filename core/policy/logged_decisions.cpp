// build_logged_decisions: one pass per customer over its transactions and email log in time
// order (CustomerHistoryFeatures), two passes in all (count usable rows, then fill) so the
// parallel result lands in customer order.
#include "core/policy/logged_decisions.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/io/atomic_file.h"
#include "core/policy/policy_rng.h"
#include "core/segment/customer_rows.h"

namespace tailor {
namespace {

template <class T>
void check_length(const std::vector<T>& column, size_t n, const char* table, const char* field) {
  TAILOR_CHECK(column.size() == n, table << ": field '" << field << "' has " << column.size()
                                         << " rows, expected " << n);
}

/// Why a logged row cannot be used, or nullptr.
const char* reject_reason(const EmailLogTable& e, size_t r) {
  if (e.customer[r] < 0) return "no customer";
  const float p = e.propensity[r];
  if (!std::isfinite(p)) return "propensity unknown";
  if (!(p > 0.0f) || p > 1.0f + 1e-6f) return "propensity outside (0, 1]";
  if (e.campaign[r] >= 0 && !std::isfinite(e.revenue[r])) return "revenue not finite";
  return nullptr;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

}  // namespace

std::vector<std::vector<double>> LoggedDecisions::metric_columns(
    const RewardParams& p, const std::vector<int64_t>& rows) const {
  std::vector<std::vector<double>> cols(kPolicyMetricCount, std::vector<double>(rows.size()));
  for (size_t j = 0; j < rows.size(); ++j) {
    const auto m = decision_metrics(p, outcome[static_cast<size_t>(rows[j])]);
    for (int k = 0; k < kPolicyMetricCount; ++k)
      cols[static_cast<size_t>(k)][j] = m[static_cast<size_t>(k)];
  }
  return cols;
}

std::vector<uint8_t> split_customers(size_t n_customers, double train_share, uint64_t seed) {
  TAILOR_CHECK(train_share > 0.0 && train_share < 1.0,
               "policy.train_share must be in (0, 1), got " << train_share);
  std::vector<uint8_t> train(n_customers);
  for (size_t i = 0; i < n_customers; ++i)
    train[i] = policy_uniform(seed, i, 0, PolicyStream::kSplit) < train_share ? 1 : 0;
  return train;
}

LoggedDecisions build_logged_decisions(const Dataset& ds, const PolicySpec& spec,
                                       const std::vector<uint8_t>& campaign_eligible,
                                       std::vector<LoggedReject>* rejects) {
  const auto& e = ds.email_log;
  const auto& cu = ds.customers;
  const size_t m = e.size();
  check_length(e.time, m, "email_log", "time");
  check_length(e.campaign, m, "email_log", "campaign");
  check_length(e.hour, m, "email_log", "hour");
  check_length(e.propensity, m, "email_log", "propensity");
  check_length(e.opened, m, "email_log", "opened");
  check_length(e.clicked, m, "email_log", "clicked");
  check_length(e.converted, m, "email_log", "converted");
  check_length(e.revenue, m, "email_log", "revenue");
  check_length(e.unsubscribed, m, "email_log", "unsubscribed");
  check_length(cu.tz_offset_min, cu.size(), "customers", "tz_offset_min");
  check_length(cu.signup_time, cu.size(), "customers", "signup_time");
  check_length(cu.consent, cu.size(), "customers", "consent");
  check_length(cu.unsubscribed, cu.size(), "customers", "unsubscribed");
  check_length(cu.suppressed, cu.size(), "customers", "suppressed");
  const auto& tx = ds.transactions;
  check_length(tx.time, tx.size(), "transactions", "time");
  check_length(tx.product, tx.size(), "transactions", "product");
  for (size_t r = 0; r < tx.size(); ++r)
    TAILOR_CHECK(tx.product[r] >= 0 && static_cast<size_t>(tx.product[r]) < ds.products.size(),
                 "transactions row " << r << ": field 'product' = " << tx.product[r]
                                     << " is outside [0, " << ds.products.size() << ")");
  const int C = spec.actions.campaigns();
  TAILOR_CHECK(campaign_eligible.empty() || campaign_eligible.size() == m * size_t(C),
               "logged decisions: eligibility has " << campaign_eligible.size()
                                                    << " entries, expected " << m << " x " << C);
  for (size_t r = 0; r < m; ++r)
    TAILOR_CHECK(e.campaign[r] >= -1 && e.campaign[r] < static_cast<int>(ds.campaigns.size()),
                 "email_log row " << r << ": field 'campaign' = " << e.campaign[r]
                                  << " is outside [-1, " << ds.campaigns.size() << ")");

  // Dataset campaign -> policy campaign.
  std::vector<int> policy_campaign(ds.campaigns.size(), -1);
  for (size_t k = 0; k < ds.campaigns.size(); ++k)
    for (int c = 0; c < C; ++c)
      if (spec.actions.campaign_names()[size_t(c)] == ds.campaigns[k]) policy_campaign[k] = c;

  const size_t n_cust = cu.size();
  const CustomerRows em_rows = group_rows_by_customer(e.customer, n_cust, "email_log");
  const CustomerRows tx_rows = group_rows_by_customer(tx.customer, n_cust, "transactions");
  if (rejects) {
    rejects->clear();
    for (size_t r = 0; r < m; ++r)
      if (const char* why = reject_reason(e, r)) rejects->push_back({static_cast<int64_t>(r), why});
  }

  // Pass 1: usable rows per customer.
  std::vector<int64_t> count(n_cust + 1, 0);
#pragma omp parallel for schedule(dynamic, 1024)
  for (int64_t c = 0; c < static_cast<int64_t>(n_cust); ++c) {
    int64_t k = 0;
    for (int64_t j = em_rows.offsets[size_t(c)]; j < em_rows.offsets[size_t(c) + 1]; ++j)
      k += reject_reason(e, em_rows.rows[size_t(j)]) == nullptr;
    count[size_t(c) + 1] = k;
  }
  std::partial_sum(count.begin(), count.end(), count.begin());

  LoggedDecisions L;
  L.n = count[n_cust];
  L.dim = spec.dim();
  L.n_actions = spec.n_actions();
  const size_t n = size_t(L.n), D = size_t(L.dim), A = size_t(L.n_actions);
  L.log_row.resize(n);
  L.customer.resize(n);
  L.day_start.resize(n);
  L.states.resize(n * D);
  L.masks.resize(n * A);
  L.action.resize(n);
  L.propensity.resize(n);
  L.outcome.resize(n);
  L.reward.resize(n);
  L.next.resize(n);
  L.gap_days.resize(n);
  L.terminal.resize(n);

  const StateFeatureBinding binding = bind_state_features(spec.features, ds);
  const ActionMasker masker(spec.actions, spec.masks);
  const int64_t window_s = int64_t(spec.masks.frequency_window_days - 1) * 86400;
  int64_t outside = 0, masked = 0;
#pragma omp parallel reduction(+ : outside, masked)
  {
    CustomerHistoryFeatures hist(spec.features);
    std::vector<uint32_t> er, trow;
    std::vector<UnixTime> send_times;
    std::vector<uint8_t> eligible(size_t(std::max(C, 1)));
#pragma omp for schedule(dynamic, 256)
    for (int64_t ci = 0; ci < static_cast<int64_t>(n_cust); ++ci) {
      const size_t c = size_t(ci);
      if (count[c + 1] == count[c]) continue;
      const int16_t tz = cu.tz_offset_min[c];
      er.assign(em_rows.rows.begin() + em_rows.offsets[c],
                em_rows.rows.begin() + em_rows.offsets[c + 1]);
      std::stable_sort(er.begin(), er.end(),
                       [&](uint32_t a, uint32_t b) { return e.time[a] < e.time[b]; });
      trow.assign(tx_rows.rows.begin() + tx_rows.offsets[c],
                  tx_rows.rows.begin() + tx_rows.offsets[c + 1]);
      hist.reset(cu.signup_time[c], tz);
      for (uint32_t r : trow)
        hist.add_line(tx.time[r], tx.invoice[r], tx.kind[r],
                      binding.product_slot[size_t(tx.product[r])], tx.quantity[r],
                      tx.unit_price[r]);
      bool any_unsub_event = false;
      send_times.clear();
      for (uint32_t r : er) {
        hist.add_email(e.time[r], e.campaign[r] >= 0, e.opened[r] != 0, e.clicked[r] != 0,
                       e.unsubscribed[r] != 0);
        any_unsub_event |= e.unsubscribed[r] != 0;
        if (e.campaign[r] >= 0 && e.time[r] >= 0) send_times.push_back(e.time[r]);
      }
      // Unsubscribed outside the log (no unsubscribe row): unsubscribed for every decision.
      const bool unsub_outside_log = cu.unsubscribed[c] != 0 && !any_unsub_event;
      size_t out = size_t(count[c]);
      for (uint32_t r : er) {
        if (reject_reason(e, r) != nullptr) continue;
        const UnixTime t = e.time[r];
        const UnixTime T = t >= 0 ? local_day_start(t, tz) : -1;
        if (T >= 0) hist.advance_to(T);
        float* row = &L.states[out * D];
        if (C > 0) {
          for (int k = 0; k < C; ++k)
            eligible[size_t(k)] =
                campaign_eligible.empty() ? 1 : campaign_eligible[size_t(r) * C + k];
        }
        hist.write(T, row);
        write_context_features(spec.features, binding, ci, T, tz, eligible.data(), row);
        MaskInputs in;
        in.consent = cu.consent[c] != 0;
        in.unsubscribed = unsub_outside_log || (T >= 0 && hist.unsubscribed());
        in.suppressed = cu.suppressed[c] != 0;
        if (T >= 0 && t >= 0) {
          const auto lo = std::lower_bound(send_times.begin(), send_times.end(), T - window_s);
          const auto hi = std::lower_bound(send_times.begin(), send_times.end(), t);
          in.sends_in_window = static_cast<int>(std::max<std::ptrdiff_t>(0, hi - lo));
        }
        in.campaign_eligible = eligible.data();
        uint8_t* mask = &L.masks[out * A];
        masker.fill(in, mask);
        int32_t a = 0;
        if (e.campaign[r] >= 0) {
          const int pc = policy_campaign[size_t(e.campaign[r])];
          a = pc < 0 ? -1 : spec.actions.action_of(pc, e.hour[r]);
        }
        if (a < 0)
          ++outside;
        else if (!mask[a])
          ++masked;
        DecisionOutcome o;
        o.sent = e.campaign[r] >= 0 ? 1.0 : 0.0;
        o.opened = e.opened[r];
        o.clicked = e.clicked[r];
        o.converted = e.converted[r];
        o.revenue = e.campaign[r] >= 0 ? e.revenue[r] : 0.0;
        o.unsubscribed = e.unsubscribed[r];
        L.log_row[out] = r;
        L.customer[out] = ci;
        L.day_start[out] = T;
        L.action[out] = a;
        L.propensity[out] = e.propensity[r];
        L.outcome[out] = o;
        L.reward[out] = decision_reward(spec.reward, o);
        L.terminal[out] = e.unsubscribed[r] != 0;
        ++out;
      }
      // Links to the next decision.
      for (size_t j = size_t(count[c]); j < out; ++j) {
        const bool last = j + 1 == out;
        L.next[j] = last || L.terminal[j] ? -1 : static_cast<int64_t>(j + 1);
        L.gap_days[j] = 1.0f;
        if (!last && L.day_start[j] >= 0 && L.day_start[j + 1] >= 0)
          L.gap_days[j] =
              std::max(1.0f, float(double(L.day_start[j + 1] - L.day_start[j]) / 86400.0));
        if (last) L.terminal[j] = 1;
      }
    }
  }
  L.outside_action_space = outside;
  L.logged_action_masked = masked;
  spdlog::info(
      "logged decisions: {} usable of {} email-log rows ({} rejected, {} outside the "
      "action space, {} with a logged action the policy masks)",
      L.n, m, m - size_t(L.n), outside, masked);
  return L;
}

void write_logged_rejects(const Dataset& ds, const std::vector<LoggedReject>& rejects,
                          const std::string& path) {
  AtomicOutputFile out(path);
  auto& s = out.stream();
  s << "log_row,customer_id,reason\n";
  for (const auto& r : rejects) {
    const int64_t c = ds.email_log.customer[size_t(r.log_row)];
    s << r.log_row << ','
      << (c >= 0 && size_t(c) < ds.customers.size() ? csv_field(ds.customers.external_id[size_t(c)])
                                                    : "")
      << ',' << csv_field(r.reason) << '\n';
  }
  out.commit();
}

}  // namespace tailor
