// PolicySpec: eligibility resolution, checkpoint entries (meta/spec/...) and the inference-time
// decision inputs (states and masks of a batch of customers at a given time).
#include "core/policy/policy_spec.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/common/error.h"
#include "core/data/synth_param_set.h"
#include "core/policy/policy_params.h"
#include "core/policy/synth_shop.h"
#include "core/segment/customer_rows.h"

namespace tailor {
namespace {

std::string name_of(const Checkpoint& c) { return c.path.empty() ? "(in memory)" : c.path; }

template <typename T>
std::vector<T> vector_of(const Checkpoint& c, const std::string& name) {
  const TensorBlob& b = c.tensor(name);
  TAILOR_CHECK(b.shape.size() == 1, "checkpoint " << name_of(c) << ": " << name << " has shape "
                                                  << shape_to_string(b.shape) << ", expected 1-D");
  TAILOR_CHECK(b.dtype == tensor_dtype_of<T>(),
               "checkpoint " << name_of(c) << ": " << name << " is " << tensor_dtype_name(b.dtype)
                             << ", expected " << tensor_dtype_name(tensor_dtype_of<T>()));
  return b.values<T>();
}

template <typename T>
T scalar_of(const Checkpoint& c, const std::string& name) {
  check_tensor(c, name, tensor_dtype_of<T>(), {});
  return c.tensor(name).values<T>()[0];
}

}  // namespace

bool use_synth_eligibility(const MaskParams& masks, const Dataset& ds) {
  check_mask_params(masks);
  if (masks.campaign_eligibility == "none") return false;
  const bool synth = is_synth_dataset(ds);
  TAILOR_CHECK(synth || masks.campaign_eligibility == "auto",
               "masks.campaign_eligibility is 'synth' but the dataset is not a synthetic shop");
  return synth;
}

PolicySpec make_policy_spec(const Dataset& ds, const ActionSpaceParams& actions,
                            const MaskParams& masks, const RewardParams& reward,
                            const StateFeatureParams& features,
                            const std::vector<int64_t>& train_customers) {
  check_reward_params(reward);
  PolicySpec spec;
  spec.actions = ActionSpace::from_params(actions, ds.campaigns);
  spec.masks = masks;
  spec.reward = reward;
  spec.synth_eligibility = use_synth_eligibility(masks, ds);
  if (spec.synth_eligibility) {
    spec.synth_params = synth_params_of_dataset(ds);
    for (size_t k = 0; k < spec.actions.campaign_names().size(); ++k)
      TAILOR_CHECK(
          synth_campaign_ids(spec.actions)[k] >= 0,
          "campaign '" << spec.actions.campaign_names()[k] << "' is not a synthetic-shop campaign");
  }
  spec.features = make_state_feature_layout(
      ds, features,
      spec.synth_eligibility ? spec.actions.campaign_names() : std::vector<std::string>(),
      train_customers);
  return spec;
}

void fit_policy_scaler(PolicySpec* spec, const float* states, int64_t n) {
  TAILOR_CHECK(n > 0, "send policy: no training decisions to fit the feature scaler on");
  spec->scaler = FeatureScaler(spec->features.params.scaler_clip);
  spec->scaler.fit(states, static_cast<size_t>(n), spec->features.names,
                   spec->features.log1p_flags());
}

void policy_spec_to_checkpoint(const PolicySpec& spec, Checkpoint* ck) {
  ck->string_lists["meta/spec/campaigns"] = spec.actions.campaign_names();
  std::vector<int32_t> hours(spec.actions.send_hours().begin(), spec.actions.send_hours().end());
  ck->tensors["meta/spec/n_send_hours"] =
      TensorBlob::scalar<int32_t>(static_cast<int32_t>(hours.size()));
  if (!hours.empty()) ck->tensors["meta/spec/send_hours"] = TensorBlob::from(hours);
  const StateFeatureLayout& f = spec.features;
  ck->strings["meta/spec/state_features"] = params_to_yaml(&add_state_feature_params, f.params);
  ck->string_lists["meta/spec/feature_names"] = f.names;
  ck->string_lists["meta/spec/categories"] = f.categories;
  ck->string_lists["meta/spec/numeric_attributes"] = f.numeric_attributes;
  ck->tensors["meta/spec/numeric_log1p"] =
      TensorBlob::from(f.numeric_log1p.empty() ? std::vector<uint8_t>{0} : f.numeric_log1p);
  ck->string_lists["meta/spec/string_attributes"] = f.string_attributes;
  for (size_t j = 0; j < f.string_levels.size(); ++j)
    ck->string_lists["meta/spec/string_levels/" + std::to_string(j)] = f.string_levels[j];
  ck->string_lists["meta/spec/eligibility_campaigns"] = f.eligibility_campaigns;

  const ScalerArrays a = spec.scaler.to_arrays();
  ck->tensors["meta/spec/scaler/version"] =
      TensorBlob::scalar<int32_t>(static_cast<int32_t>(a.version));
  ck->string_lists["meta/spec/scaler/names"] = a.names;
  ck->tensors["meta/spec/scaler/medians"] = TensorBlob::from(a.medians);
  ck->tensors["meta/spec/scaler/iqrs"] = TensorBlob::from(a.iqrs);
  ck->tensors["meta/spec/scaler/log1p"] = TensorBlob::from(a.log1p);
  ck->tensors["meta/spec/scaler/clip"] = TensorBlob::scalar<float>(a.clip);

  ck->strings["meta/spec/masks"] = params_to_yaml(&add_mask_params, spec.masks);
  ck->strings["meta/spec/reward"] = params_to_yaml(&add_reward_params, spec.reward);
  ck->strings["meta/spec/eligibility"] = spec.synth_eligibility ? "synth" : "none";
  if (spec.synth_eligibility)
    ck->strings["meta/spec/synth_params"] = synth_params_yaml(spec.synth_params);
}

PolicySpec policy_spec_from_checkpoint(const Checkpoint& ck) {
  const std::string where = "checkpoint " + name_of(ck);
  PolicySpec spec;
  std::vector<int> hours;
  const int32_t n_hours = scalar_of<int32_t>(ck, "meta/spec/n_send_hours");
  if (n_hours > 0) {
    for (int32_t h : vector_of<int32_t>(ck, "meta/spec/send_hours")) hours.push_back(h);
    TAILOR_CHECK(
        static_cast<int32_t>(hours.size()) == n_hours,
        where << ": meta/spec/send_hours has " << hours.size() << " hours, expected " << n_hours);
  }
  try {
    spec.actions = ActionSpace(ck.string_list("meta/spec/campaigns"), hours);
  } catch (const Error& e) {
    TAILOR_FAIL(where << ": meta/spec action space: " << e.what());
  }
  StateFeatureLayout& f = spec.features;
  f.params = params_from_yaml(&add_state_feature_params, ck.text("meta/spec/state_features"),
                              where + " meta/spec/state_features");
  f.names = ck.string_list("meta/spec/feature_names");
  f.categories = ck.string_list("meta/spec/categories");
  f.numeric_attributes = ck.string_list("meta/spec/numeric_attributes");
  f.numeric_log1p = vector_of<uint8_t>(ck, "meta/spec/numeric_log1p");
  if (f.numeric_attributes.empty()) f.numeric_log1p.clear();
  TAILOR_CHECK(f.numeric_log1p.size() == f.numeric_attributes.size(),
               where << ": meta/spec/numeric_log1p does not match meta/spec/numeric_attributes");
  f.string_attributes = ck.string_list("meta/spec/string_attributes");
  for (size_t j = 0; j < f.string_attributes.size(); ++j)
    f.string_levels.push_back(ck.string_list("meta/spec/string_levels/" + std::to_string(j)));
  f.eligibility_campaigns = ck.string_list("meta/spec/eligibility_campaigns");
  TAILOR_CHECK(f.eligibility_column() + f.eligibility_campaigns.size() == f.names.size(),
               where << ": meta/spec/feature_names has " << f.names.size()
                     << " columns, the layout needs "
                     << f.eligibility_column() + f.eligibility_campaigns.size());

  ScalerArrays a;
  a.version = static_cast<uint32_t>(scalar_of<int32_t>(ck, "meta/spec/scaler/version"));
  a.names = ck.string_list("meta/spec/scaler/names");
  a.medians = vector_of<float>(ck, "meta/spec/scaler/medians");
  a.iqrs = vector_of<float>(ck, "meta/spec/scaler/iqrs");
  a.log1p = vector_of<uint8_t>(ck, "meta/spec/scaler/log1p");
  a.clip = scalar_of<float>(ck, "meta/spec/scaler/clip");
  TAILOR_CHECK(a.names == f.names,
               where << ": meta/spec/scaler/names differ from the feature names");
  try {
    spec.scaler = FeatureScaler::from_arrays(a);
  } catch (const Error& e) {
    TAILOR_FAIL(where << ": meta/spec/scaler: " << e.what());
  }
  spec.masks =
      params_from_yaml(&add_mask_params, ck.text("meta/spec/masks"), where + " meta/spec/masks");
  check_mask_params(spec.masks);
  spec.reward = params_from_yaml(&add_reward_params, ck.text("meta/spec/reward"),
                                 where + " meta/spec/reward");
  const std::string& el = ck.text("meta/spec/eligibility");
  TAILOR_CHECK(el == "synth" || el == "none", where << ": meta/spec/eligibility is '" << el << "'");
  spec.synth_eligibility = el == "synth";
  if (spec.synth_eligibility)
    spec.synth_params = synth_params_from_yaml(ck.text("meta/spec/synth_params"),
                                               where + " meta/spec/synth_params");
  return spec;
}

DatasetCustomerIndex index_dataset_by_customer(const Dataset& ds) {
  DatasetCustomerIndex ix;
  ix.n_customers = ds.customers.size();
  ix.n_tx = ds.transactions.size();
  ix.n_email = ds.email_log.size();
  TAILOR_CHECK(ds.transactions.time.size() == ix.n_tx, "transactions: field 'time' has "
                                                           << ds.transactions.time.size()
                                                           << " rows, expected " << ix.n_tx);
  TAILOR_CHECK(ds.email_log.time.size() == ix.n_email, "email_log: field 'time' has "
                                                           << ds.email_log.time.size()
                                                           << " rows, expected " << ix.n_email);
  CustomerRows tx =
      group_rows_by_customer(ds.transactions.customer, ix.n_customers, "transactions");
  CustomerRows em = group_rows_by_customer(ds.email_log.customer, ix.n_customers, "email_log");
  const auto& tt = ds.transactions.time;
  const auto& et = ds.email_log.time;
#pragma omp parallel for schedule(dynamic, 1024)
  for (int64_t c = 0; c < static_cast<int64_t>(ix.n_customers); ++c) {
    std::stable_sort(tx.rows.begin() + tx.offsets[size_t(c)],
                     tx.rows.begin() + tx.offsets[size_t(c) + 1],
                     [&](uint32_t a, uint32_t b) { return tt[a] < tt[b]; });
    std::stable_sort(em.rows.begin() + em.offsets[size_t(c)],
                     em.rows.begin() + em.offsets[size_t(c) + 1],
                     [&](uint32_t a, uint32_t b) { return et[a] < et[b]; });
  }
  ix.tx_offsets = std::move(tx.offsets);
  ix.tx_rows = std::move(tx.rows);
  ix.email_offsets = std::move(em.offsets);
  ix.email_rows = std::move(em.rows);
  return ix;
}

DecisionInputs build_decision_inputs(const PolicySpec& spec, const Dataset& ds,
                                     const DatasetCustomerIndex& index,
                                     const std::vector<int64_t>& customers, UnixTime now) {
  const auto& cu = ds.customers;
  TAILOR_CHECK(index.n_customers == cu.size() && index.n_tx == ds.transactions.size() &&
                   index.n_email == ds.email_log.size(),
               "send policy: the dataset index was built for another dataset");
  TAILOR_CHECK(now >= 0, "send policy: decision time must be a known time, got " << now);
  for (size_t j = 0; j < customers.size(); ++j)
    TAILOR_CHECK(
        customers[j] >= 0 && static_cast<size_t>(customers[j]) < cu.size(),
        "send policy: customer row " << customers[j] << " outside [0, " << cu.size() << ")");
  const int C = spec.actions.campaigns();
  DecisionInputs in;
  in.n = static_cast<int64_t>(customers.size());
  in.dataset_campaign.assign(size_t(C), -1);
  for (int c = 0; c < C; ++c)
    for (size_t k = 0; k < ds.campaigns.size(); ++k)
      if (ds.campaigns[k] == spec.actions.campaign_names()[size_t(c)])
        in.dataset_campaign[size_t(c)] = static_cast<int16_t>(k);
  const size_t D = size_t(spec.dim()), A = size_t(spec.n_actions());
  in.states.assign(size_t(in.n) * D, 0.0f);
  in.masks.assign(size_t(in.n) * A, 0);
  const StateFeatureBinding binding = bind_state_features(spec.features, ds);
  const ActionMasker masker(spec.actions, spec.masks);
  const std::vector<int> synth_ids =
      spec.synth_eligibility ? synth_campaign_ids(spec.actions) : std::vector<int>();
  const int64_t window_s = int64_t(spec.masks.frequency_window_days - 1) * 86400;
  const auto& tx = ds.transactions;
  const auto& e = ds.email_log;
  for (size_t r = 0; r < tx.size(); ++r)  // checked here: no exception may leave the parallel loop
    TAILOR_CHECK(tx.product[r] >= 0 && size_t(tx.product[r]) < ds.products.size(),
                 "transactions row " << r << ": field 'product' = " << tx.product[r]
                                     << " is outside [0, " << ds.products.size() << ")");
#pragma omp parallel
  {
    CustomerHistoryFeatures hist(spec.features);
    std::vector<uint8_t> eligible(size_t(std::max(C, 1)));
#pragma omp for schedule(dynamic, 64)
    for (int64_t j = 0; j < in.n; ++j) {
      const size_t c = size_t(customers[size_t(j)]);
      const int16_t tz = cu.tz_offset_min[c];
      const UnixTime T = local_day_start(now, tz);
      hist.reset(cu.signup_time[c], tz);
      const uint32_t* trows = index.tx_rows.data() + index.tx_offsets[c];
      const size_t n_trows = size_t(index.tx_offsets[c + 1] - index.tx_offsets[c]);
      for (size_t k = 0; k < n_trows; ++k) {
        const uint32_t r = trows[k];
        hist.add_line(tx.time[r], tx.invoice[r], tx.kind[r],
                      binding.product_slot[size_t(tx.product[r])], tx.quantity[r],
                      tx.unit_price[r]);
      }
      bool unsub_event = false;
      int sends_in_window = 0;
      for (int64_t k = index.email_offsets[c]; k < index.email_offsets[c + 1]; ++k) {
        const uint32_t r = index.email_rows[size_t(k)];
        const bool sent = e.campaign[r] >= 0;
        hist.add_email(e.time[r], sent, e.opened[r] != 0, e.clicked[r] != 0,
                       e.unsubscribed[r] != 0);
        unsub_event |= e.unsubscribed[r] != 0;
        if (sent && e.time[r] >= T - window_s && e.time[r] <= now) ++sends_in_window;
      }
      hist.advance_to(T);
      for (int k = 0; k < C; ++k) eligible[size_t(k)] = in.dataset_campaign[size_t(k)] >= 0;
      if (spec.synth_eligibility) {
        const int day = synth_local_day(spec.synth_params, now, tz);
        const uint32_t rules =
            synth_eligible_from_dataset(spec.synth_params, ds, int64_t(c), trows, n_trows, day);
        for (int k = 0; k < C; ++k)
          eligible[size_t(k)] &=
              synth_ids[size_t(k)] >= 0 && ((rules >> synth_ids[size_t(k)]) & 1u);
      }
      float* row = &in.states[size_t(j) * D];
      hist.write(T, row);
      write_context_features(spec.features, binding, int64_t(c), T, tz, eligible.data(), row);
      MaskInputs mi;
      mi.consent = cu.consent[c] != 0;
      mi.unsubscribed = cu.unsubscribed[c] != 0 || unsub_event;
      mi.suppressed = cu.suppressed[c] != 0;
      mi.sends_in_window = sends_in_window;
      mi.campaign_eligible = eligible.data();
      masker.fill(mi, &in.masks[size_t(j) * A]);
    }
  }
  return in;
}

void scale_states(const PolicySpec& spec, float* states, int64_t n) {
  spec.scaler.transform_in_place(states, static_cast<size_t>(n), spec.features.names);
}

}  // namespace tailor
