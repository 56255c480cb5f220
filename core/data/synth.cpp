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
#include "core/data/synth_process.h"
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

/// Rows of a range of customers; invoices are numbered within the block.
struct Block {
  CustomerTable customers;
  TransactionTable tx;
  std::vector<uint8_t> invoice_is_return;
  EmailLogTable email;
};

/// Drives SynthCustomerProcess with the logging policy (drawing from the customer's own stream)
/// and appends the customer's rows to a Block.
class CustomerSimulator {
 public:
  CustomerSimulator(const SynthParams& p, const SynthCatalog& catalog, const SynthCalendar& cal)
      : p_(p), cal_(cal), policy_(p), process_(p, catalog, cal) {}

  /// Simulates customer i, appending its rows to `b`; with `trace`, also records each decision.
  void run(int64_t i, Block& b, std::vector<SynthDecision>* trace = nullptr) {
    SynthCustomerProcess& proc = process_;
    proc.start(i, p_.seed);
    SynthCustomerState s;
    uint32_t eligible = 0;
    for (int d = proc.first_day(); d < p_.days; ++d) {
      if (proc.begin_day(d, &s, &eligible)) {
        const SynthAction a = policy_.sample(eligible, s.fatigue, proc.rng());
        if (trace) trace->push_back({s, eligible, a});
        const SynthOutcome o = proc.apply(a.campaign, a.hour);
        b.email.customer.push_back(i);
        b.email.time.push_back(o.time);
        b.email.campaign.push_back(static_cast<int16_t>(a.campaign));
        b.email.hour.push_back(static_cast<int8_t>(a.hour));
        b.email.propensity.push_back(static_cast<float>(a.propensity));
        b.email.opened.push_back(o.opened);
        b.email.clicked.push_back(o.clicked);
        b.email.converted.push_back(o.converted);
        b.email.revenue.push_back(static_cast<float>(o.revenue));
        b.email.unsubscribed.push_back(o.unsubscribed);
      }
      proc.end_day();
    }
    append_customer(i, proc.latent(), proc.unsubscribed(), b);
  }

 private:
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
    lines_ = process_.lines();
    const int32_t n_invoices = process_.invoices();
    const std::vector<uint8_t>& invoice_is_return = process_.invoice_is_return();
    std::stable_sort(lines_.begin(), lines_.end(),
                     [](const SynthLine& a, const SynthLine& b) { return a.time < b.time; });
    std::vector<int32_t> remap(n_invoices, -1);
    const int64_t base = static_cast<int64_t>(b.invoice_is_return.size());
    for (const SynthLine& l : lines_) {
      if (remap[l.invoice] < 0) {
        remap[l.invoice] = static_cast<int32_t>(b.invoice_is_return.size() - base);
        b.invoice_is_return.push_back(invoice_is_return[l.invoice]);
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
  const SynthCalendar& cal_;
  SynthLoggingPolicy policy_;
  SynthCustomerProcess process_;
  std::vector<SynthLine> lines_;  ///< scratch: the customer's lines, sorted by time
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
  const SynthCalendar cal = make_synth_calendar(p);
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
  const SynthCalendar cal = make_synth_calendar(p);
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
