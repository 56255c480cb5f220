// Seeded synthetic shop: customers with latent tastes, a product catalogue, purchases and a logged
// email program with known propensities. The generative model is written out in docs/synth.md.
#pragma once

#include <cstdint>
#include <string>

#include "core/data/dataset.h"

namespace tailor {

/// Every knob of the synthetic shop (bound to `tailor-train synth` options and configs/synth.yaml).
/// Rates are per customer-year unless said otherwise. The result depends only on these values,
/// never on the thread count.
struct SynthParams {
  // --- sizes and time ---
  /// Number of customers.
  int64_t customers = 20000;
  /// Number of products (at least `categories`).
  int64_t products = 2000;
  /// Number of product categories, 1..12, taken in order from the built-in list
  /// (dresses, tops, bottoms, shoes, outerwear, accessories, beauty, skincare, kitchen, home,
  /// outdoor, sports).
  int categories = 12;
  /// Days of history.
  int days = 365;
  /// First day of history, YYYY-MM-DD (days are customers' local days).
  std::string start_date = "2023-01-01";
  /// Seed of every random choice.
  uint64_t seed = 42;
  /// OpenMP threads, 0 = OpenMP default. Does not change the result.
  int threads = 0;

  // --- customers ---
  /// Symmetric Dirichlet concentration of category tastes (small = focused customers).
  double taste_concentration = 0.4;
  /// Mean organic baskets per customer-year (activity is log-normal around it).
  double purchases_per_year = 6.0;
  /// Log-normal sigma of the activity rate across customers.
  double activity_sigma = 0.9;
  /// Share of customers who signed up before the history (the rest sign up during it).
  double signup_before_share = 0.7;
  /// How far back (days) sign-ups before the history go.
  int signup_lookback_days = 1095;
  /// Share of customers whose birthday is known.
  double birthday_known_share = 0.8;
  /// Share of customers opted in to marketing email.
  double consent_rate = 0.85;
  /// Share of opted-in customers already unsubscribed before the history.
  double unsubscribed_initial_rate = 0.06;
  /// Share of customers on the suppression list (bounces, complaints).
  double suppressed_rate = 0.01;
  /// Minimum width (hours, std dev) of a customer's preferred-hour distribution.
  double hour_width_min = 1.5;
  /// Maximum width (hours, std dev) of a customer's preferred-hour distribution.
  double hour_width_max = 3.5;
  /// Uniform floor mixed into the preferred-hour distribution (share of "any hour" activity).
  double hour_floor = 0.05;
  /// Mean email fatigue sensitivity (log-normal across customers).
  double fatigue_sensitivity_mean = 0.5;
  /// Std dev of the per-customer open-propensity offset (logit scale).
  double open_offset_sigma = 0.8;

  // --- products and baskets ---
  /// Log-normal sigma of product prices around the category median.
  double price_sigma = 0.45;
  /// Log-normal sigma of product popularity (long tail of best sellers).
  double popularity_sigma = 1.2;
  /// Share of products available (the rest must not be recommended).
  double available_rate = 0.95;
  /// Mean extra lines per basket beyond the first (Poisson).
  double basket_extra_lines = 1.3;
  /// Mean extra units per line beyond the first (Poisson).
  double extra_quantity = 0.2;
  /// Probability that a purchased line is returned.
  double return_rate = 0.04;
  /// Cart-abandonment sessions per organic basket.
  double cart_abandon_ratio = 0.3;
  /// Browse-abandonment sessions per organic basket.
  double browse_abandon_ratio = 0.6;
  /// Amplitude of the yearly purchase seasonality (peak in early December).
  double seasonality = 0.3;
  /// Clearance-sale price discount (January and July).
  double clearance_discount = 0.3;
  /// Extra purchase rate during clearance, times the customer's price sensitivity.
  double clearance_boost = 0.8;

  // --- logging policy (epsilon-mixed rule policy) ---
  /// Days between broadcast emails (new_arrivals, clearance, loyalty).
  int broadcast_interval_days = 7;
  /// Exploration share: with this probability the action is (uniform campaign-or-none among the
  /// eligible ones, uniform hour).
  double epsilon = 0.2;
  /// Local hour at which the rule sends.
  int rule_send_hour = 10;
  /// The rule sends nothing while the customer's fatigue exceeds this.
  double rule_fatigue_cap = 0.6;
  /// e-folding time (days) of the fatigue score (a decayed count of past emails).
  double fatigue_decay_days = 3.0;
  /// Purchases needed before the loyalty campaign is eligible.
  int loyalty_min_purchases = 3;
  /// Days after a purchase at which cross_sell fires.
  int cross_sell_after_days = 3;
  /// Days without a purchase after which win_back fires (then every 30 days).
  int win_back_after_days = 90;

  // --- response model (logit scale) ---
  /// Open intercept.
  double open_base = -1.6;
  /// Open weight of the send-hour affinity (1 at the preferred hour, ~0 far from it).
  double open_hour_weight = 1.2;
  /// Open weight of campaign relevance.
  double open_relevance_weight = 0.8;
  /// Click-given-open intercept.
  double click_base = -2.5;
  /// Click-given-open weight of relevance.
  double click_relevance_weight = 1.5;
  /// Conversion-given-click intercept.
  double convert_base = -2.0;
  /// Conversion-given-click weight of relevance.
  double convert_relevance_weight = 1.0;
  /// Conversion-given-click weight of log(activity / purchases_per_year).
  double convert_activity_weight = 0.3;
  /// Unsubscribe-given-open intercept.
  double unsubscribe_base = -4.5;
  /// Unsubscribe-given-open weight of fatigue_sensitivity * fatigue.
  double unsubscribe_fatigue_weight = 0.8;
  /// Unsubscribe-given-open weight of relevance (negative: relevant mail keeps people).
  double unsubscribe_relevance_weight = -1.0;

  // --- copy corpus (core/corpus/synth_copy.h, docs/corpus.md) ---
  /// Synthetic campaign e-mails (subject + body) written to the dataset's /corpus table for the
  /// copy model; 0 = none.
  int64_t copy_documents = 20000;
  /// Phrase bank of the copy corpus: "builtin" (configs/synth_copy.yaml as compiled in) or a file.
  std::string copy_phrase_bank = "builtin";
};

/// Checks every field; throws tailor::Error naming the bad one.
void validate_synth_params(const SynthParams& p);

/// Generates the whole shop. Same parameters (seed included) -> identical Dataset, for any number
/// of threads. Customers are generated in parallel; rows are grouped by customer, in time order.
Dataset generate_synthetic_shop(const SynthParams& p);

}  // namespace tailor
