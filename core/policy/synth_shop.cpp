// Synthetic-shop helpers of the send policy: parameters, log replay, dataset-derived campaign
// rules and true expected outcomes.
#include "core/policy/synth_shop.h"

#include <omp.h>

#include <algorithm>
#include <unordered_set>

#include "core/common/error.h"
#include "core/config/param_set.h"
#include "core/data/synth_calendar.h"
#include "core/data/synth_param_set.h"
#include "core/data/synth_process.h"
#include "core/segment/customer_rows.h"

namespace tailor {
namespace {

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

UnixTime start_time(const SynthParams& p) {
  int64_t days = 0;
  synth_parse_date(p.start_date, &days);
  return days * 86400;
}

}  // namespace

bool is_synth_dataset(const Dataset& ds) {
  auto s = ds.metadata.find("source");
  return s != ds.metadata.end() && s->second == "synth" && ds.metadata.count("synth_params") > 0;
}

SynthParams synth_params_from_yaml(const std::string& yaml, const std::string& what) {
  SynthParams p;
  CLI::App app;
  ParamSet ps(&app, "");
  add_synth_params(ps, p);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    TAILOR_FAIL(what << ": synth_params is not valid YAML: " << e.what());
  }
  ps.apply_yaml(root, what);
  validate_synth_params(p);
  return p;
}

SynthParams synth_params_of_dataset(const Dataset& ds) {
  TAILOR_CHECK(is_synth_dataset(ds),
               "dataset is not a synthetic shop (metadata source/synth_params missing)");
  return synth_params_from_yaml(ds.metadata.at("synth_params"), "dataset metadata");
}

std::vector<int> synth_campaign_ids(const ActionSpace& space) {
  const auto& names = synth_campaign_names();
  std::vector<int> ids;
  for (const auto& c : space.campaign_names()) {
    auto it = std::find(names.begin(), names.end(), c);
    ids.push_back(it == names.end() ? -1 : static_cast<int>(it - names.begin()));
  }
  return ids;
}

SynthLogContext replay_synth_log(const Dataset& ds, const SynthParams& p) {
  SynthLogContext ctx;
  ctx.params = p;
  ctx.catalog = build_synth_catalog(p);
  const auto& e = ds.email_log;
  TAILOR_CHECK(static_cast<int64_t>(ds.customers.size()) == p.customers,
               "synthetic shop: the dataset has "
                   << ds.customers.size() << " customers, its synth_params say " << p.customers);
  const CustomerRows rows = group_rows_by_customer(e.customer, ds.customers.size(), "email_log");
  ctx.state.assign(e.size(), SynthCustomerState());
  ctx.eligible.assign(e.size(), 0u);
  const SynthCalendar cal = make_synth_calendar(p);
  int64_t bad_row = -1;
#pragma omp parallel
  {
    SynthCustomerProcess proc(p, ctx.catalog, cal);
    const SynthLoggingPolicy policy(p);
#pragma omp for schedule(dynamic, 256) reduction(max : bad_row)
    for (int64_t i = 0; i < p.customers; ++i) {
      proc.start(i, p.seed);
      int64_t k = rows.offsets[static_cast<size_t>(i)];
      const int64_t end = rows.offsets[static_cast<size_t>(i) + 1];
      SynthCustomerState s;
      uint32_t eligible = 0;
      for (int d = proc.first_day(); d < p.days; ++d) {
        if (proc.begin_day(d, &s, &eligible)) {
          const SynthAction a = policy.sample(eligible, s.fatigue, proc.rng());
          if (k >= end) {
            bad_row = std::max(bad_row, static_cast<int64_t>(e.size()));
            break;
          }
          const size_t r = rows.rows[static_cast<size_t>(k++)];
          if (e.campaign[r] != a.campaign || e.hour[r] != a.hour) {
            bad_row = std::max(bad_row, static_cast<int64_t>(r));
            break;
          }
          ctx.state[r] = s;
          ctx.eligible[r] = eligible;
          proc.apply(a.campaign, a.hour);
        }
        proc.end_day();
      }
      if (k != end)
        bad_row = std::max(bad_row, static_cast<int64_t>(rows.rows[static_cast<size_t>(k)]));
    }
  }
  TAILOR_CHECK(bad_row < 0, "synthetic shop: email_log row "
                                << bad_row
                                << " does not match the replay of its synth_params (the dataset "
                                   "was changed after generation)");
  return ctx;
}

std::vector<uint8_t> policy_eligibility_of_log(const ActionSpace& space,
                                               const SynthLogContext& ctx) {
  const std::vector<int> ids = synth_campaign_ids(space);
  const size_t C = ids.size();
  std::vector<uint8_t> out(ctx.eligible.size() * C, 0);
  for (size_t r = 0; r < ctx.eligible.size(); ++r)
    for (size_t k = 0; k < C; ++k)
      out[r * C + k] = ids[k] >= 0 && ((ctx.eligible[r] >> ids[k]) & 1u);
  return out;
}

int synth_local_day(const SynthParams& p, UnixTime t, int16_t tz_offset_min) {
  return static_cast<int>(floor_div(t + int64_t(tz_offset_min) * 60 - start_time(p), 86400));
}

uint32_t synth_eligible_from_dataset(const SynthParams& p, const Dataset& ds, int64_t c,
                                     const uint32_t* tx_rows, size_t n_tx_rows, int day) {
  const auto& cu = ds.customers;
  const size_t ci = static_cast<size_t>(c);
  const UnixTime start = start_time(p);
  const int16_t tz = cu.tz_offset_min[ci];
  SynthCustomerState s;
  s.day = day;
  const int signup_day = cu.signup_time[ci] >= 0
                             ? static_cast<int>(floor_div(cu.signup_time[ci] - start, 86400))
                             : -1000000;
  s.days_since_signup = day - signup_day;
  // Purchases: distinct baskets on local days before `day`.
  std::unordered_set<int64_t> invoices;
  int last_purchase = -1000000;
  const auto& tx = ds.transactions;
  for (size_t k = 0; k < n_tx_rows; ++k) {
    const size_t r = tx_rows[k];
    if (tx.kind[r] != static_cast<uint8_t>(TransactionKind::kPurchase) || tx.time[r] < 0) continue;
    const int d = synth_local_day(p, tx.time[r], tz);
    if (d >= day) continue;
    invoices.insert(tx.invoice[r]);
    last_purchase = std::max(last_purchase, d);
  }
  s.purchases = static_cast<int>(invoices.size());
  s.days_since_purchase = invoices.empty() ? -1 : day - last_purchase;
  s.days_since_cart_abandon = s.days_since_browse_abandon = -1;
  const SynthCivilDate today = synth_civil_from_days(start / 86400 + day);
  if (cu.birthday[ci] != -1) {  // -1 = unknown; dates before 1970 are negative
    const SynthCivilDate b = synth_civil_from_days(floor_div(cu.birthday[ci], 86400));
    const int bd = (b.month == 2 && b.day == 29 && !synth_is_leap(today.year)) ? 28 : b.day;
    s.birthday_today = today.month == b.month && today.day == bd;
  }
  s.in_clearance = today.month == 1 || today.month == 7;
  const int phase = static_cast<int>(p.seed % p.broadcast_interval_days);
  s.broadcast_day = ((day + phase) % p.broadcast_interval_days + p.broadcast_interval_days) %
                        p.broadcast_interval_days ==
                    0;
  return synth_eligible_campaigns(p, s);
}

DecisionOutcome synth_expected_outcome(const SynthResponseModel& model, const SynthCatalog& catalog,
                                       const SynthLatentCustomer& c, const SynthCustomerState& s,
                                       int synth_campaign, int hour) {
  DecisionOutcome o;
  if (synth_campaign < 0) return o;
  const SynthResponse r = model.respond(c, s, synth_campaign, hour);
  o.sent = 1.0;
  o.opened = r.open;
  o.clicked = r.click;
  o.converted = r.convert;
  o.revenue =
      r.convert * model.expected_order_value(c, catalog.category_mean_price, s.in_clearance);
  o.unsubscribed = r.unsubscribe;
  return o;
}

}  // namespace tailor
