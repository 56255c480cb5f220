// generate_synthetic_shop: simulates every customer's year (purchases, returns, logged email
// decisions and their outcomes) in parallel blocks with per-customer random streams, then
// concatenates the blocks in customer order so the result never depends on the thread count.
#include "core/data/synth.h"

#include <omp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/corpus/synth_copy.h"
#include "core/data/synth_calendar.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/data/synth_param_set.h"
#include "core/data/synth_replay.h"
#include "core/data/synth_rng.h"

namespace tailor {

void validate_synth_params(const SynthParams& p) {
  auto prob = [](double v, const char* name) {
    TAILOR_CHECK(v >= 0.0 && v <= 1.0, "synth: " << name << " must be in [0, 1], got " << v);
  };
  TAILOR_CHECK(p.customers >= 1, "synth: customers must be >= 1, got " << p.customers);
  TAILOR_CHECK(
      p.categories >= 1 && p.categories <= kSynthMaxCategories,
      "synth: categories must be in 1.." << kSynthMaxCategories << ", got " << p.categories);
  TAILOR_CHECK(p.products >= p.categories && p.products <= INT32_MAX,
               "synth: products must be in [categories, 2^31), got " << p.products);
  TAILOR_CHECK(p.days >= 1 && p.days <= 36500, "synth: days must be in 1..36500, got " << p.days);
  int64_t start = 0;
  TAILOR_CHECK(synth_parse_date(p.start_date, &start),
               "synth: start_date must be a valid YYYY-MM-DD date, got '" << p.start_date << "'");
  TAILOR_CHECK(p.threads >= 0, "synth: threads must be >= 0, got " << p.threads);
  TAILOR_CHECK(p.copy_documents >= 0, "synth: copy_documents must be >= 0, got " << p.copy_documents);
  TAILOR_CHECK(p.taste_concentration > 0.0, "synth: taste_concentration must be > 0");
  TAILOR_CHECK(p.purchases_per_year > 0.0, "synth: purchases_per_year must be > 0");
  TAILOR_CHECK(p.activity_sigma >= 0.0, "synth: activity_sigma must be >= 0");
  TAILOR_CHECK(p.signup_lookback_days >= 1, "synth: signup_lookback_days must be >= 1");
  prob(p.signup_before_share, "signup_before_share");
  prob(p.birthday_known_share, "birthday_known_share");
  prob(p.consent_rate, "consent_rate");
  prob(p.unsubscribed_initial_rate, "unsubscribed_initial_rate");
  prob(p.suppressed_rate, "suppressed_rate");
  TAILOR_CHECK(p.hour_width_min > 0.0 && p.hour_width_max >= p.hour_width_min,
               "synth: need 0 < hour_width_min <= hour_width_max");
  TAILOR_CHECK(p.hour_floor > 0.0 && p.hour_floor <= 1.0, "synth: hour_floor must be in (0, 1]");
  TAILOR_CHECK(p.fatigue_sensitivity_mean >= 0.0, "synth: fatigue_sensitivity_mean must be >= 0");
  TAILOR_CHECK(p.open_offset_sigma >= 0.0, "synth: open_offset_sigma must be >= 0");
  TAILOR_CHECK(p.price_sigma >= 0.0 && p.popularity_sigma >= 0.0,
               "synth: price_sigma and popularity_sigma must be >= 0");
  prob(p.available_rate, "available_rate");
  TAILOR_CHECK(p.basket_extra_lines >= 0.0 && p.basket_extra_lines < 30.0,
               "synth: basket_extra_lines must be in [0, 30)");
  TAILOR_CHECK(p.extra_quantity >= 0.0 && p.extra_quantity < 30.0,
               "synth: extra_quantity must be in [0, 30)");
  prob(p.return_rate, "return_rate");
  TAILOR_CHECK(p.cart_abandon_ratio >= 0.0 && p.browse_abandon_ratio >= 0.0,
               "synth: abandonment ratios must be >= 0");
  prob(p.seasonality, "seasonality");
  TAILOR_CHECK(p.clearance_discount >= 0.0 && p.clearance_discount < 1.0,
               "synth: clearance_discount must be in [0, 1)");
  TAILOR_CHECK(p.clearance_boost >= 0.0, "synth: clearance_boost must be >= 0");
  TAILOR_CHECK(p.broadcast_interval_days >= 1, "synth: broadcast_interval_days must be >= 1");
  prob(p.epsilon, "epsilon");
  TAILOR_CHECK(p.rule_send_hour >= 0 && p.rule_send_hour <= 23,
               "synth: rule_send_hour must be in 0..23, got " << p.rule_send_hour);
  TAILOR_CHECK(p.fatigue_decay_days > 0.0, "synth: fatigue_decay_days must be > 0");
  TAILOR_CHECK(p.loyalty_min_purchases >= 0, "synth: loyalty_min_purchases must be >= 0");
  TAILOR_CHECK(p.cross_sell_after_days >= 1, "synth: cross_sell_after_days must be >= 1");
  TAILOR_CHECK(p.win_back_after_days >= 1, "synth: win_back_after_days must be >= 1");
}

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kCustomersPerBlock = 1024;
constexpr int64_t kBlocksPerWave = 32;

/// Shop-wide per-day facts.
struct Calendar {
  UnixTime start = 0;              ///< first history day, 00:00 UTC
  std::vector<uint8_t> clearance;  ///< January or July
  std::vector<double> season;      ///< purchase-rate multiplier
  std::vector<int8_t> month, mday;
  std::vector<uint8_t> leap;  ///< the day's year is a leap year
};

Calendar make_calendar(const SynthParams& p) {
  Calendar cal;
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

/// One transaction line before invoices get their global numbers.
struct Line {
  UnixTime time;
  int32_t product;
  int32_t quantity;
  float unit_price;
  int32_t invoice;  ///< per-customer invoice number in creation order
  uint8_t kind;
};

/// Rows of a range of customers; invoices are numbered within the block.
struct Block {
  CustomerTable customers;
  TransactionTable tx;
  std::vector<uint8_t> invoice_is_return;
  EmailLogTable email;
};

enum SessionKind : uint8_t { kPurchaseSession, kCartSession, kBrowseSession };
struct Session {
  int day;
  int second;  ///< local second of the day
  SessionKind kind;
};

class CustomerSimulator {
 public:
  CustomerSimulator(const SynthParams& p, const SynthCatalog& catalog, const Calendar& cal)
      : p_(p),
        catalog_(catalog),
        cal_(cal),
        response_(p),
        policy_(p),
        decay_(std::exp(-1.0 / p.fatigue_decay_days)) {}

  /// Simulates customer i, appending its rows to `b`; with `trace`, also records each decision.
  void run(int64_t i, Block& b, std::vector<SynthDecision>* trace = nullptr) {
    const SynthLatentCustomer c = synth_latent_customer(p_, i);
    SynthRng rng(p_.seed, static_cast<uint64_t>(i), SynthStream::kCustomerHistory);
    taste_cum_.resize(p_.categories);
    double acc = 0.0;
    for (int k = 0; k < p_.categories; ++k) taste_cum_[k] = (acc += c.taste[k]);

    const auto sessions = draw_sessions(c, rng);
    lines_.clear();
    n_invoices_ = 0;
    invoice_is_return_.clear();

    bool unsubscribed = false;
    int last_purchase = -1, last_cart = -1, last_browse = -1, purchases = 0;
    double fatigue = 0.0;
    size_t next_session = 0;
    const int first_day = std::max(0, c.signup_day + 1);
    const int broadcast_phase = static_cast<int>(p_.seed % p_.broadcast_interval_days);
    for (int d = first_day; d < p_.days; ++d) {
      if (d > first_day) fatigue *= decay_;
      if (c.emailable() && !unsubscribed) {
        SynthCustomerState s;
        s.day = d;
        s.days_since_signup = d - c.signup_day;
        s.days_since_purchase = last_purchase < 0 ? -1 : d - last_purchase;
        s.purchases = purchases;
        s.days_since_cart_abandon = last_cart < 0 ? -1 : d - last_cart;
        s.days_since_browse_abandon = last_browse < 0 ? -1 : d - last_browse;
        s.birthday_today = is_birthday(c, d);
        s.in_clearance = cal_.clearance[d] != 0;
        s.broadcast_day = (d + broadcast_phase) % p_.broadcast_interval_days == 0;
        s.fatigue = fatigue;
        const uint32_t eligible = synth_eligible_campaigns(p_, s);
        if (eligible != 0) {
          const SynthAction a = policy_.sample(eligible, fatigue, rng);
          if (trace) trace->push_back({s, eligible, a});
          const bool sent = a.campaign >= 0;
          const UnixTime t = local_time(c, d, sent ? a.hour * 3600 : 0);
          uint8_t opened = 0, clicked = 0, converted = 0, unsub = 0;
          float revenue = 0.0f;
          if (sent) {
            const SynthResponse r = response_.respond(c, s, a.campaign, a.hour);
            opened = rng.bernoulli(r.open);
            clicked = opened && rng.bernoulli(r.click / r.open);
            converted = clicked && rng.bernoulli(r.convert / r.click);
            unsub = opened && rng.bernoulli(r.unsubscribe / r.open);
            if (converted) {
              const UnixTime when = t + 300 + rng.below(6 * 3600);
              revenue = static_cast<float>(make_basket(when, s.in_clearance, rng));
              last_purchase = d;
              ++purchases;
            }
            if (unsub) unsubscribed = true;
            fatigue += 1.0;
          }
          b.email.customer.push_back(i);
          b.email.time.push_back(t);
          b.email.campaign.push_back(static_cast<int16_t>(a.campaign));
          b.email.hour.push_back(static_cast<int8_t>(a.hour));
          b.email.propensity.push_back(static_cast<float>(a.propensity));
          b.email.opened.push_back(opened);
          b.email.clicked.push_back(clicked);
          b.email.converted.push_back(converted);
          b.email.revenue.push_back(revenue);
          b.email.unsubscribed.push_back(unsub);
        }
      }
      // Organic sessions of day d happen after the day's email decision.
      for (; next_session < sessions.size() && sessions[next_session].day == d; ++next_session) {
        const Session& ss = sessions[next_session];
        if (ss.kind == kPurchaseSession) {
          make_basket(local_time(c, d, ss.second), cal_.clearance[d] != 0, rng);
          last_purchase = d;
          ++purchases;
        } else if (ss.kind == kCartSession) {
          last_cart = d;
        } else {
          last_browse = d;
        }
      }
    }
    append_customer(i, c, unsubscribed, b);
  }

 private:
  UnixTime local_time(const SynthLatentCustomer& c, int day, int local_second) const {
    return cal_.start + day * kSecondsPerDay + local_second - c.tz_offset_min * 60;
  }

  bool is_birthday(const SynthLatentCustomer& c, int d) const {
    if (c.birth_month < 0) return false;
    // Born on 29 February: celebrated on 28 February in non-leap years.
    const int bd = (c.birth_month == 2 && c.birth_day == 29 && !cal_.leap[d]) ? 28 : c.birth_day;
    return cal_.month[d] == c.birth_month && cal_.mday[d] == bd;
  }

  int draw_local_second(const SynthLatentCustomer& c, SynthRng& rng) const {
    double u = rng.uniform(), acc = 0.0;
    int h = 23;
    for (int k = 0; k < 24; ++k) {
      acc += c.hour_prob[k];
      if (u < acc) {
        h = k;
        break;
      }
    }
    return h * 3600 + static_cast<int>(rng.below(3600));
  }

  /// Organic sessions: a Poisson process over days by thinning; rate = activity / 365 times
  /// seasonality (and the clearance boost for purchases), plus abandonment sessions.
  std::vector<Session> draw_sessions(const SynthLatentCustomer& c, SynthRng& rng) const {
    std::vector<Session> out;
    const double boost = p_.clearance_boost * c.price_sensitivity;
    const double base = c.activity / 365.0;
    const double max_rate = base * (1.0 + p_.seasonality) *
                            (1.0 + boost + p_.cart_abandon_ratio + p_.browse_abandon_ratio);
    if (max_rate <= 0.0) return out;
    double t = std::max(0, c.signup_day + 1);
    for (;;) {
      t += rng.exponential(1.0 / max_rate);
      if (t >= p_.days) break;
      const int d = static_cast<int>(t);
      const double purchase_w = 1.0 + (cal_.clearance[d] ? boost : 0.0);
      const double rate =
          base * cal_.season[d] * (purchase_w + p_.cart_abandon_ratio + p_.browse_abandon_ratio);
      const double u = rng.uniform() * max_rate;
      if (u >= rate) continue;
      const double v = u / (base * cal_.season[d]);  // uniform in [0, total weight)
      SessionKind kind = v < purchase_w                           ? kPurchaseSession
                         : v < purchase_w + p_.cart_abandon_ratio ? kCartSession
                                                                  : kBrowseSession;
      out.push_back({d, draw_local_second(c, rng), kind});
    }
    std::stable_sort(out.begin(), out.end(), [](const Session& a, const Session& b) {
      return a.day != b.day ? a.day < b.day : a.second < b.second;
    });
    return out;
  }

  /// One basket (invoice) at time t plus its returns; returns the basket's revenue.
  double make_basket(UnixTime t, bool clearance, SynthRng& rng) {
    const int32_t inv = n_invoices_++;
    invoice_is_return_.push_back(0);
    const int64_t n_lines = 1 + rng.poisson(p_.basket_extra_lines);
    const double discount = clearance ? 1.0 - p_.clearance_discount : 1.0;
    double total = 0.0;
    const size_t first = lines_.size();
    std::vector<size_t> returned;
    for (int64_t l = 0; l < n_lines; ++l) {
      const double u = rng.uniform() * taste_cum_.back();
      int k = static_cast<int>(std::upper_bound(taste_cum_.begin(), taste_cum_.end(), u) -
                               taste_cum_.begin());
      if (k >= p_.categories) k = p_.categories - 1;
      const int32_t prod = catalog_.draw_product(k, rng);
      const int32_t qty = 1 + static_cast<int32_t>(rng.poisson(p_.extra_quantity));
      const float price =
          static_cast<float>(std::round(catalog_.products.price[prod] * discount * 100.0) / 100.0);
      lines_.push_back(
          {t, prod, qty, price, inv, static_cast<uint8_t>(TransactionKind::kPurchase)});
      total += qty * static_cast<double>(price);
      if (rng.bernoulli(p_.return_rate)) returned.push_back(first + static_cast<size_t>(l));
    }
    if (!returned.empty()) {
      // One credit note 3..30 days later, if still inside the history.
      const UnixTime rt = t + (3 + rng.below(28)) * kSecondsPerDay + rng.below(kSecondsPerDay);
      if (rt < cal_.start + p_.days * kSecondsPerDay) {
        const int32_t rinv = n_invoices_++;
        invoice_is_return_.push_back(1);
        for (size_t li : returned) {
          Line r = lines_[li];
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

  void append_customer(int64_t i, const SynthLatentCustomer& c, bool unsubscribed_during,
                       Block& b) {
    auto& ct = b.customers;
    char id[32];
    std::snprintf(id, sizeof(id), "C%07lld", static_cast<long long>(i));
    ct.external_id.emplace_back(id);
    const std::string& name = synth_first_names()[c.first_name];
    std::string email;
    for (char ch : name) email += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    email += '.';
    email += std::to_string(i);
    email += c.email_org ? "@example.org" : "@example.com";
    ct.email.push_back(std::move(email));
    ct.first_name.push_back(name);
    ct.country.push_back(synth_countries()[c.country].first);
    ct.tz_offset_min.push_back(c.tz_offset_min);
    ct.signup_time.push_back(cal_.start + c.signup_day * kSecondsPerDay + c.signup_second);
    ct.birthday.push_back(c.birth_month < 0
                              ? -1
                              : synth_days_from_civil(c.birth_year, c.birth_month, c.birth_day) *
                                    kSecondsPerDay);
    ct.consent.push_back(c.consent);
    ct.unsubscribed.push_back(c.unsubscribed_initial || unsubscribed_during);
    ct.suppressed.push_back(c.suppressed);

    // Transactions in time order; invoices renumbered in order of first appearance.
    std::stable_sort(lines_.begin(), lines_.end(),
                     [](const Line& a, const Line& b) { return a.time < b.time; });
    std::vector<int32_t> remap(n_invoices_, -1);
    const int64_t base = static_cast<int64_t>(b.invoice_is_return.size());
    for (const Line& l : lines_) {
      if (remap[l.invoice] < 0) {
        remap[l.invoice] = static_cast<int32_t>(b.invoice_is_return.size() - base);
        b.invoice_is_return.push_back(invoice_is_return_[l.invoice]);
      }
      b.tx.customer.push_back(i);
      b.tx.product.push_back(l.product);
      b.tx.invoice.push_back(base + remap[l.invoice]);
      b.tx.time.push_back(l.time);
      b.tx.quantity.push_back(l.quantity);
      b.tx.unit_price.push_back(l.unit_price);
      b.tx.kind.push_back(l.kind);
    }
  }

  const SynthParams& p_;
  const SynthCatalog& catalog_;
  const Calendar& cal_;
  SynthResponseModel response_;
  SynthLoggingPolicy policy_;
  const double decay_;  ///< daily fatigue decay factor
  std::vector<double> taste_cum_;
  std::vector<Line> lines_;
  std::vector<uint8_t> invoice_is_return_;
  int32_t n_invoices_ = 0;
};

template <class T>
void append(std::vector<T>& dst, std::vector<T>& src) {
  dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  std::vector<T>().swap(src);
}

template <class T>
void reserve_for(std::vector<T>& v, size_t n) {
  if (v.capacity() < n) v.reserve(n);
}

}  // namespace

std::vector<SynthDecision> synth_replay_decisions(const SynthParams& p, const SynthCatalog& catalog,
                                                  int64_t customer) {
  validate_synth_params(p);
  TAILOR_CHECK(customer >= 0 && customer < p.customers,
               "synth: customer " << customer << " out of range [0, " << p.customers << ")");
  const Calendar cal = make_calendar(p);
  CustomerSimulator sim(p, catalog, cal);
  Block scratch;
  std::vector<SynthDecision> out;
  sim.run(customer, scratch, &out);
  return out;
}

Dataset generate_synthetic_shop(const SynthParams& p) {
  validate_synth_params(p);
  // The phrase bank is read first so that a bad file fails before the simulation runs.
  const CopyPhraseBank bank = p.copy_documents > 0 ? load_copy_phrase_bank(p.copy_phrase_bank) : CopyPhraseBank();
  Dataset ds;
  SynthCatalog catalog = build_synth_catalog(p);
  const Calendar cal = make_calendar(p);
  ds.campaigns = synth_campaign_names();
  ds.products = catalog.products;

  const int threads = p.threads > 0 ? p.threads : omp_get_max_threads();
  const int64_t n = p.customers;
  const int64_t n_blocks = (n + kCustomersPerBlock - 1) / kCustomersPerBlock;
  Progress progress("synth customers", n, "customers");
  std::vector<Block> blocks;
  for (int64_t wave = 0; wave < n_blocks; wave += kBlocksPerWave) {
    const int64_t wave_end = std::min(n_blocks, wave + kBlocksPerWave);
    blocks.assign(static_cast<size_t>(wave_end - wave), Block());
#pragma omp parallel num_threads(threads)
    {
      CustomerSimulator sim(p, catalog, cal);
#pragma omp for schedule(dynamic, 1)
      for (int64_t bi = wave; bi < wave_end; ++bi) {
        Block& b = blocks[static_cast<size_t>(bi - wave)];
        const int64_t lo = bi * kCustomersPerBlock, hi = std::min(n, lo + kCustomersPerBlock);
        for (int64_t i = lo; i < hi; ++i) sim.run(i, b);
      }
    }
    // Concatenate in block order. After the first wave, reserve for the extrapolated total so
    // the big columns are not reallocated (and copied) again and again.
    if (wave == 0) {
      size_t tx = 0, em = 0, inv = 0;
      int64_t done = 0;
      for (const Block& b : blocks) {
        tx += b.tx.size();
        em += b.email.size();
        inv += b.invoice_is_return.size();
        done += static_cast<int64_t>(b.customers.size());
      }
      const double scale = 1.05 * static_cast<double>(n) / static_cast<double>(done);
      const auto est = [scale](size_t v) { return static_cast<size_t>(v * scale) + 1024; };
      auto& t = ds.transactions;
      for (auto* v : {&t.customer, &t.invoice, &t.time}) reserve_for(*v, est(tx));
      reserve_for(t.product, est(tx));
      reserve_for(t.quantity, est(tx));
      reserve_for(t.unit_price, est(tx));
      reserve_for(t.kind, est(tx));
      auto& e = ds.email_log;
      reserve_for(e.customer, est(em));
      reserve_for(e.time, est(em));
      reserve_for(e.campaign, est(em));
      reserve_for(e.hour, est(em));
      reserve_for(e.propensity, est(em));
      reserve_for(e.revenue, est(em));
      for (auto* v : {&e.opened, &e.clicked, &e.converted, &e.unsubscribed})
        reserve_for(*v, est(em));
      ds.invoices.reserve(est(inv));
      auto& c = ds.customers;
      for (auto* v : {&c.external_id, &c.email, &c.first_name, &c.country}) v->reserve(n);
      c.tz_offset_min.reserve(n);
      c.signup_time.reserve(n);
      c.birthday.reserve(n);
      for (auto* v : {&c.consent, &c.unsubscribed, &c.suppressed}) v->reserve(n);
    }
    for (Block& b : blocks) {
      const int64_t inv_base = static_cast<int64_t>(ds.invoices.size());
      char id[32];
      for (uint8_t is_return : b.invoice_is_return) {
        std::snprintf(id, sizeof(id), "%c%09lld", is_return ? 'R' : 'S',
                      static_cast<long long>(ds.invoices.size()));
        ds.invoices.emplace_back(id);
      }
      for (int64_t& v : b.tx.invoice) v += inv_base;
      auto& c = ds.customers;
      append(c.external_id, b.customers.external_id);
      append(c.email, b.customers.email);
      append(c.first_name, b.customers.first_name);
      append(c.country, b.customers.country);
      append(c.tz_offset_min, b.customers.tz_offset_min);
      append(c.signup_time, b.customers.signup_time);
      append(c.birthday, b.customers.birthday);
      append(c.consent, b.customers.consent);
      append(c.unsubscribed, b.customers.unsubscribed);
      append(c.suppressed, b.customers.suppressed);
      auto& t = ds.transactions;
      append(t.customer, b.tx.customer);
      append(t.product, b.tx.product);
      append(t.invoice, b.tx.invoice);
      append(t.time, b.tx.time);
      append(t.quantity, b.tx.quantity);
      append(t.unit_price, b.tx.unit_price);
      append(t.kind, b.tx.kind);
      auto& e = ds.email_log;
      append(e.customer, b.email.customer);
      append(e.time, b.email.time);
      append(e.campaign, b.email.campaign);
      append(e.hour, b.email.hour);
      append(e.propensity, b.email.propensity);
      append(e.opened, b.email.opened);
      append(e.clicked, b.email.clicked);
      append(e.converted, b.email.converted);
      append(e.revenue, b.email.revenue);
      append(e.unsubscribed, b.email.unsubscribed);
    }
    const int64_t done_customers =
        std::min(n, wave_end * kCustomersPerBlock) - std::min(n, wave * kCustomersPerBlock);
    progress.advance(done_customers);
  }
  progress.finish();

  if (p.copy_documents > 0) {
    const std::map<std::string, int64_t> counts = generate_synth_copy(p, catalog, bank, ds);
    std::string json = "{\"documents\":" + std::to_string(p.copy_documents) + ",\"phrase_bank\":\"" +
                       (p.copy_phrase_bank == "builtin" ? std::string("builtin") : std::string("file")) + "\"";
    for (const auto& [key, n] : counts) json += ",\"" + key + "\":" + std::to_string(n);
    ds.metadata["synth_copy"] = json + "}";
  }
  ds.metadata["source"] = "synth";
  ds.metadata["synth_params"] = synth_params_yaml(p);
  spdlog::info(
      "synth: {} customers, {} products, {} invoices, {} transaction lines, {} email "
      "decisions",
      ds.customers.size(), ds.products.size(), ds.invoices.size(), ds.transactions.size(),
      ds.email_log.size());
  return ds;
}

}  // namespace tailor
