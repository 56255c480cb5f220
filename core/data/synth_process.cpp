// SynthCustomerProcess: the synthetic shop's per-customer day loop (sessions by thinning, baskets
// and returns, the email decision's response), equations in docs/synth.md.
#include "core/data/synth_process.h"

#include <algorithm>
#include <cmath>

#include "core/data/synth_calendar.h"

namespace tailor {

namespace {
constexpr int64_t kSecondsPerDay = 86400;
}  // namespace

SynthCalendar make_synth_calendar(const SynthParams& p) {
  SynthCalendar cal;
  int64_t start_days = 0;
  synth_parse_date(p.start_date, &start_days);
  cal.start = start_days * kSecondsPerDay;
  for (int d = 0; d < p.days; ++d) {
    const SynthCivilDate date = synth_civil_from_days(start_days + d);
    const int64_t doy = start_days + d - synth_days_from_civil(date.year, 1, 1);
    cal.month.push_back(static_cast<int8_t>(date.month));
    cal.mday.push_back(static_cast<int8_t>(date.day));
    cal.leap.push_back(synth_is_leap(date.year));
    cal.clearance.push_back(date.month == 1 || date.month == 7);
    // Peak around 6 December (day of year 340).
    cal.season.push_back(1.0 + p.seasonality * std::cos(6.283185307179586 * (doy - 340) / 365.25));
  }
  return cal;
}

SynthCustomerProcess::SynthCustomerProcess(const SynthParams& p, const SynthCatalog& catalog,
                                           const SynthCalendar& cal)
    : p_(p),
      catalog_(catalog),
      cal_(cal),
      response_(p),
      decay_(std::exp(-1.0 / p.fatigue_decay_days)),
      broadcast_phase_(static_cast<int>(p.seed % p.broadcast_interval_days)) {}

void SynthCustomerProcess::start(int64_t customer, uint64_t history_seed) {
  customer_ = customer;
  c_ = synth_latent_customer(p_, customer);
  rng_ = SynthRng(history_seed, static_cast<uint64_t>(customer), SynthStream::kCustomerHistory);
  taste_cum_.resize(p_.categories);
  double acc = 0.0;
  for (int k = 0; k < p_.categories; ++k) taste_cum_[k] = (acc += c_.taste[k]);
  draw_sessions();
  next_session_ = 0;
  lines_.clear();
  n_invoices_ = 0;
  invoice_is_return_.clear();
  unsubscribed_ = false;
  last_purchase_ = last_cart_ = last_browse_ = -1;
  purchases_ = 0;
  fatigue_ = 0.0;
  first_day_ = std::max(0, c_.signup_day + 1);
  day_ = -1;
  decision_due_ = false;
}

UnixTime SynthCustomerProcess::local_time(int day, int local_second) const {
  return cal_.start + day * kSecondsPerDay + local_second - c_.tz_offset_min * 60;
}

bool SynthCustomerProcess::is_birthday(int d) const {
  if (c_.birth_month < 0) return false;
  // Born on 29 February: celebrated on 28 February in non-leap years.
  const int bd = (c_.birth_month == 2 && c_.birth_day == 29 && !cal_.leap[d]) ? 28 : c_.birth_day;
  return cal_.month[d] == c_.birth_month && cal_.mday[d] == bd;
}

bool SynthCustomerProcess::begin_day(int d, SynthCustomerState* state, uint32_t* eligible) {
  if (d > first_day_) fatigue_ *= decay_;
  day_ = d;
  decision_due_ = false;
  *eligible = 0;
  if (!c_.emailable() || unsubscribed_) return false;
  SynthCustomerState& s = state_;
  s = SynthCustomerState();
  s.day = d;
  s.days_since_signup = d - c_.signup_day;
  s.days_since_purchase = last_purchase_ < 0 ? -1 : d - last_purchase_;
  s.purchases = purchases_;
  s.days_since_cart_abandon = last_cart_ < 0 ? -1 : d - last_cart_;
  s.days_since_browse_abandon = last_browse_ < 0 ? -1 : d - last_browse_;
  s.birthday_today = is_birthday(d);
  s.in_clearance = cal_.clearance[d] != 0;
  s.broadcast_day = (d + broadcast_phase_) % p_.broadcast_interval_days == 0;
  s.fatigue = fatigue_;
  *eligible = synth_eligible_campaigns(p_, s);
  *state = s;
  decision_due_ = *eligible != 0;
  return decision_due_;
}

SynthOutcome SynthCustomerProcess::apply(int campaign, int hour) {
  SynthOutcome o;
  const int d = day_;
  o.sent = campaign >= 0;
  o.time = local_time(d, o.sent ? hour * 3600 : 0);
  decision_due_ = false;
  if (!o.sent) return o;
  const SynthCustomerState& s = state_;
  const SynthResponse r = response_.respond(c_, s, campaign, hour);
  o.response = r;
  o.expected_order_value =
      response_.expected_order_value(c_, catalog_.category_mean_price, s.in_clearance);
  o.opened = rng_.bernoulli(r.open);
  o.clicked = o.opened && rng_.bernoulli(r.click / r.open);
  o.converted = o.clicked && rng_.bernoulli(r.convert / r.click);
  o.unsubscribed = o.opened && rng_.bernoulli(r.unsubscribe / r.open);
  if (o.converted) {
    const UnixTime when = o.time + 300 + rng_.below(6 * 3600);
    o.revenue = make_basket(when, s.in_clearance);
    last_purchase_ = d;
    ++purchases_;
  }
  if (o.unsubscribed) unsubscribed_ = true;
  fatigue_ += 1.0;
  return o;
}

void SynthCustomerProcess::end_day() {
  const int d = day_;
  for (; next_session_ < sessions_.size() && sessions_[next_session_].day == d; ++next_session_) {
    const Session& ss = sessions_[next_session_];
    if (ss.kind == kPurchaseSession) {
      make_basket(local_time(d, ss.second), cal_.clearance[d] != 0);
      last_purchase_ = d;
      ++purchases_;
    } else if (ss.kind == kCartSession) {
      last_cart_ = d;
    } else {
      last_browse_ = d;
    }
  }
}

int SynthCustomerProcess::draw_local_second() {
  double u = rng_.uniform(), acc = 0.0;
  int h = 23;
  for (int k = 0; k < 24; ++k) {
    acc += c_.hour_prob[k];
    if (u < acc) {
      h = k;
      break;
    }
  }
  return h * 3600 + static_cast<int>(rng_.below(3600));
}

/// Organic sessions: a Poisson process over days by thinning; rate = activity / 365 times
/// seasonality (and the clearance boost for purchases), plus abandonment sessions.
void SynthCustomerProcess::draw_sessions() {
  sessions_.clear();
  const double boost = p_.clearance_boost * c_.price_sensitivity;
  const double base = c_.activity / 365.0;
  const double max_rate = base * (1.0 + p_.seasonality) *
                          (1.0 + boost + p_.cart_abandon_ratio + p_.browse_abandon_ratio);
  if (max_rate <= 0.0) return;
  double t = std::max(0, c_.signup_day + 1);
  for (;;) {
    t += rng_.exponential(1.0 / max_rate);
    if (t >= p_.days) break;
    const int d = static_cast<int>(t);
    const double purchase_w = 1.0 + (cal_.clearance[d] ? boost : 0.0);
    const double rate =
        base * cal_.season[d] * (purchase_w + p_.cart_abandon_ratio + p_.browse_abandon_ratio);
    const double u = rng_.uniform() * max_rate;
    if (u >= rate) continue;
    const double v = u / (base * cal_.season[d]);  // uniform in [0, total weight)
    SessionKind kind = v < purchase_w                           ? kPurchaseSession
                       : v < purchase_w + p_.cart_abandon_ratio ? kCartSession
                                                                : kBrowseSession;
    sessions_.push_back({d, draw_local_second(), kind});
  }
  std::stable_sort(sessions_.begin(), sessions_.end(), [](const Session& a, const Session& b) {
    return a.day != b.day ? a.day < b.day : a.second < b.second;
  });
}

/// One basket (invoice) at time t plus its returns; returns the basket's revenue.
double SynthCustomerProcess::make_basket(UnixTime t, bool clearance) {
  const int32_t inv = n_invoices_++;
  invoice_is_return_.push_back(0);
  const int64_t n_lines = 1 + rng_.poisson(p_.basket_extra_lines);
  const double discount = clearance ? 1.0 - p_.clearance_discount : 1.0;
  double total = 0.0;
  const size_t first = lines_.size();
  std::vector<size_t> returned;
  for (int64_t l = 0; l < n_lines; ++l) {
    const double u = rng_.uniform() * taste_cum_.back();
    int k = static_cast<int>(std::upper_bound(taste_cum_.begin(), taste_cum_.end(), u) -
                             taste_cum_.begin());
    if (k >= p_.categories) k = p_.categories - 1;
    const int32_t prod = catalog_.draw_product(k, rng_);
    const int32_t qty = 1 + static_cast<int32_t>(rng_.poisson(p_.extra_quantity));
    const float price =
        static_cast<float>(std::round(catalog_.products.price[prod] * discount * 100.0) / 100.0);
    lines_.push_back({t, prod, qty, price, inv, static_cast<uint8_t>(TransactionKind::kPurchase)});
    total += qty * static_cast<double>(price);
    if (rng_.bernoulli(p_.return_rate)) returned.push_back(first + static_cast<size_t>(l));
  }
  if (!returned.empty()) {
    // One credit note 3..30 days later, if still inside the history.
    const UnixTime rt = t + (3 + rng_.below(28)) * kSecondsPerDay + rng_.below(kSecondsPerDay);
    if (rt < cal_.start + p_.days * kSecondsPerDay) {
      const int32_t rinv = n_invoices_++;
      invoice_is_return_.push_back(1);
      for (size_t li : returned) {
        SynthLine r = lines_[li];
        r.time = rt;
        r.quantity = -r.quantity;
        r.invoice = rinv;
        r.kind = static_cast<uint8_t>(TransactionKind::kReturn);
        lines_.push_back(r);
      }
    }
  }
  return total;
}

}  // namespace tailor
