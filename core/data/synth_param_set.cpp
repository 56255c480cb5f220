// Binds SynthParams to command-line options and to the `synth` section of a YAML config.
#include "core/data/synth_param_set.h"

namespace tailor {

void add_synth_params(ParamSet& ps, SynthParams& p) {
  ps.add("customers", &p.customers, "Number of customers.");
  ps.add("products", &p.products, "Number of products (at least `categories`).");
  ps.add(
      "categories", &p.categories,
      "Number of product categories, 1..12, taken in order from the built-in list (dresses, tops, "
      "bottoms, shoes, outerwear, accessories, beauty, skincare, kitchen, home, outdoor, sports).");
  ps.add("days", &p.days, "Days of history.");
  ps.add("start_date", &p.start_date,
         "First day of history, YYYY-MM-DD (days are customers' local days).");
  ps.add("seed", &p.seed, "Seed of every random choice.");
  ps.add("threads", &p.threads, "OpenMP threads, 0 = OpenMP default. Does not change the result.");
  ps.add("taste_concentration", &p.taste_concentration,
         "Symmetric Dirichlet concentration of category tastes (small = focused customers).");
  ps.add("purchases_per_year", &p.purchases_per_year,
         "Mean organic baskets per customer-year (activity is log-normal around it).");
  ps.add("activity_sigma", &p.activity_sigma,
         "Log-normal sigma of the activity rate across customers.");
  ps.add("signup_before_share", &p.signup_before_share,
         "Share of customers who signed up before the history (the rest sign up during it).");
  ps.add("signup_lookback_days", &p.signup_lookback_days,
         "How far back (days) sign-ups before the history go.");
  ps.add("birthday_known_share", &p.birthday_known_share,
         "Share of customers whose birthday is known.");
  ps.add("consent_rate", &p.consent_rate, "Share of customers opted in to marketing email.");
  ps.add("unsubscribed_initial_rate", &p.unsubscribed_initial_rate,
         "Share of opted-in customers already unsubscribed before the history.");
  ps.add("suppressed_rate", &p.suppressed_rate,
         "Share of customers on the suppression list (bounces, complaints).");
  ps.add("hour_width_min", &p.hour_width_min,
         "Minimum width (hours, std dev) of a customer's preferred-hour distribution.");
  ps.add("hour_width_max", &p.hour_width_max,
         "Maximum width (hours, std dev) of a customer's preferred-hour distribution.");
  ps.add(
      "hour_floor", &p.hour_floor,
      "Uniform floor mixed into the preferred-hour distribution (share of \"any hour\" activity).");
  ps.add("fatigue_sensitivity_mean", &p.fatigue_sensitivity_mean,
         "Mean email fatigue sensitivity (log-normal across customers).");
  ps.add("open_offset_sigma", &p.open_offset_sigma,
         "Std dev of the per-customer open-propensity offset (logit scale).");
  ps.add("price_sigma", &p.price_sigma,
         "Log-normal sigma of product prices around the category median.");
  ps.add("popularity_sigma", &p.popularity_sigma,
         "Log-normal sigma of product popularity (long tail of best sellers).");
  ps.add("available_rate", &p.available_rate,
         "Share of products available (the rest must not be recommended).");
  ps.add("basket_extra_lines", &p.basket_extra_lines,
         "Mean extra lines per basket beyond the first (Poisson).");
  ps.add("extra_quantity", &p.extra_quantity,
         "Mean extra units per line beyond the first (Poisson).");
  ps.add("return_rate", &p.return_rate, "Probability that a purchased line is returned.");
  ps.add("cart_abandon_ratio", &p.cart_abandon_ratio,
         "Cart-abandonment sessions per organic basket.");
  ps.add("browse_abandon_ratio", &p.browse_abandon_ratio,
         "Browse-abandonment sessions per organic basket.");
  ps.add("seasonality", &p.seasonality,
         "Amplitude of the yearly purchase seasonality (peak in early December).");
  ps.add("clearance_discount", &p.clearance_discount,
         "Clearance-sale price discount (January and July).");
  ps.add("clearance_boost", &p.clearance_boost,
         "Extra purchase rate during clearance, times the customer's price sensitivity.");
  ps.add("broadcast_interval_days", &p.broadcast_interval_days,
         "Days between broadcast emails (new_arrivals, clearance, loyalty).");
  ps.add("epsilon", &p.epsilon,
         "Exploration share: with this probability the action is (uniform campaign-or-none among "
         "the eligible ones, uniform hour).");
  ps.add("rule_send_hour", &p.rule_send_hour, "Local hour at which the rule sends.");
  ps.add("rule_fatigue_cap", &p.rule_fatigue_cap,
         "The rule sends nothing while the customer's fatigue exceeds this.");
  ps.add("fatigue_decay_days", &p.fatigue_decay_days,
         "e-folding time (days) of the fatigue score (a decayed count of past emails).");
  ps.add("loyalty_min_purchases", &p.loyalty_min_purchases,
         "Purchases needed before the loyalty campaign is eligible.");
  ps.add("cross_sell_after_days", &p.cross_sell_after_days,
         "Days after a purchase at which cross_sell fires.");
  ps.add("win_back_after_days", &p.win_back_after_days,
         "Days without a purchase after which win_back fires (then every 30 days).");
  ps.add("open_base", &p.open_base, "Open intercept.");
  ps.add("open_hour_weight", &p.open_hour_weight,
         "Open weight of the send-hour affinity (1 at the preferred hour, ~0 far from it).");
  ps.add("open_relevance_weight", &p.open_relevance_weight, "Open weight of campaign relevance.");
  ps.add("click_base", &p.click_base, "Click-given-open intercept.");
  ps.add("click_relevance_weight", &p.click_relevance_weight,
         "Click-given-open weight of relevance.");
  ps.add("convert_base", &p.convert_base, "Conversion-given-click intercept.");
  ps.add("convert_relevance_weight", &p.convert_relevance_weight,
         "Conversion-given-click weight of relevance.");
  ps.add("convert_activity_weight", &p.convert_activity_weight,
         "Conversion-given-click weight of log(activity / purchases_per_year).");
  ps.add("unsubscribe_base", &p.unsubscribe_base, "Unsubscribe-given-open intercept.");
  ps.add("unsubscribe_fatigue_weight", &p.unsubscribe_fatigue_weight,
         "Unsubscribe-given-open weight of fatigue_sensitivity * fatigue.");
  ps.add("unsubscribe_relevance_weight", &p.unsubscribe_relevance_weight,
         "Unsubscribe-given-open weight of relevance (negative: relevant mail keeps people).");
  ps.add("copy_documents", &p.copy_documents,
         "Synthetic campaign e-mails (subject + body) written to the dataset's /corpus table for the "
         "copy model; 0 = none.");
  ps.add("copy_phrase_bank", &p.copy_phrase_bank,
         "Phrase bank of the copy corpus: \"builtin\" (configs/synth_copy.yaml as compiled in) or a "
         "file.");
}

std::string synth_params_yaml(const SynthParams& p) {
  SynthParams copy = p;
  CLI::App app;
  ParamSet ps(&app, "synth");
  add_synth_params(ps, copy);
  YAML::Node node = ps.to_yaml();
  node.remove("threads");  // does not change the result, so it is not part of the provenance
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

}  // namespace tailor
