// One synthetic customer's year stepped day by day (organic sessions, baskets and returns, the
// day's email decision and its response), shared by the generator and by policy simulators.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/data/synth_rng.h"

namespace tailor {

/// Shop-wide per-day facts of the history (day d = start_date + d, customers' local days).
struct SynthCalendar {
  UnixTime start = 0;              ///< first history day, 00:00 UTC
  std::vector<uint8_t> clearance;  ///< January or July
  std::vector<double> season;      ///< purchase-rate multiplier
  std::vector<int8_t> month, mday;
  std::vector<uint8_t> leap;  ///< the day's year is a leap year
};

SynthCalendar make_synth_calendar(const SynthParams& p);

/// One transaction line of a simulated customer; `invoice` numbers the customer's invoices in
/// creation order (0, 1, ...), `invoice_is_return` of the process says which are credit notes.
struct SynthLine {
  UnixTime time;
  int32_t product;
  int32_t quantity;
  float unit_price;
  int32_t invoice;
  uint8_t kind;  ///< TransactionKind
};

/// What one email decision did: the logged row's fields plus the true outcome probabilities.
struct SynthOutcome {
  bool sent = false;
  UnixTime time = 0;  ///< send time (send) or local midnight (no email), UTC seconds
  bool opened = false, clicked = false, converted = false, unsubscribed = false;
  double revenue = 0.0;             ///< value of the converted basket, 0 otherwise
  SynthResponse response;           ///< true probabilities of the action (all 0 for no email)
  double expected_order_value = 0;  ///< true expected value of a converted basket today
};

/// Steps customer i through the history: `start`, then for d = first_day() .. days-1 in order:
/// `begin_day(d)`; when it says a decision is due, exactly one `apply`; then `end_day()`. The
/// customer's random stream is (history_seed, i, customer history): with history_seed = the
/// shop's seed and the logging policy drawing from `rng()` before `apply`, this is exactly the
/// history generate_synthetic_shop writes.
class SynthCustomerProcess {
 public:
  SynthCustomerProcess(const SynthParams& p, const SynthCatalog& catalog, const SynthCalendar& cal);

  void start(int64_t customer, uint64_t history_seed);
  /// Decays the fatigue (from the second day on) and builds the day's state. True when the shop
  /// makes an email decision today: emailable, not unsubscribed, some campaign eligible.
  bool begin_day(int d, SynthCustomerState* state, uint32_t* eligible);
  /// Sends `campaign` (-1: no email) at local `hour` and draws the response from the stream.
  SynthOutcome apply(int campaign, int hour);
  /// The day's organic sessions (after its email decision).
  void end_day();

  int64_t customer() const { return customer_; }
  int first_day() const { return first_day_; }
  const SynthLatentCustomer& latent() const { return c_; }
  SynthRng& rng() { return rng_; }
  bool unsubscribed() const { return unsubscribed_; }
  double fatigue() const { return fatigue_; }
  /// Lines created so far in creation order (returns are created with their future time).
  const std::vector<SynthLine>& lines() const { return lines_; }
  const std::vector<uint8_t>& invoice_is_return() const { return invoice_is_return_; }
  int32_t invoices() const { return n_invoices_; }
  /// UTC seconds of local second `local_second` of day `day`.
  UnixTime local_time(int day, int local_second) const;

 private:
  enum SessionKind : uint8_t { kPurchaseSession, kCartSession, kBrowseSession };
  struct Session {
    int day;
    int second;  ///< local second of the day
    SessionKind kind;
  };

  bool is_birthday(int d) const;
  int draw_local_second();
  void draw_sessions();
  double make_basket(UnixTime t, bool clearance);

  const SynthParams& p_;
  const SynthCatalog& catalog_;
  const SynthCalendar& cal_;
  SynthResponseModel response_;
  const double decay_;  ///< daily fatigue decay factor
  int broadcast_phase_ = 0;

  int64_t customer_ = -1;
  SynthLatentCustomer c_;
  SynthRng rng_{0, 0, SynthStream::kCustomerHistory};
  std::vector<double> taste_cum_;
  std::vector<Session> sessions_;
  size_t next_session_ = 0;
  std::vector<SynthLine> lines_;
  std::vector<uint8_t> invoice_is_return_;
  int32_t n_invoices_ = 0;
  bool unsubscribed_ = false;
  int last_purchase_ = -1, last_cart_ = -1, last_browse_ = -1, purchases_ = 0;
  double fatigue_ = 0.0;
  int first_day_ = 0, day_ = -1;
  SynthCustomerState state_;
  bool decision_due_ = false;
};

}  // namespace tailor
