// SegmentModel <-> Checkpoint (model type "segments"; entries listed in docs/segments.md) and the
// per-k score table.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/common/error.h"
#include "core/segment/segment_model.h"

namespace tailor {
namespace {

std::string name_of(const Checkpoint& c) { return c.path.empty() ? "(in memory)" : c.path; }

template <typename T>
T scalar_of(const Checkpoint& c, const std::string& name) {
  check_tensor(c, name, tensor_dtype_of<T>(), {});
  return c.tensor(name).values<T>()[0];
}

template <typename T>
std::vector<T> vector_of(const Checkpoint& c, const std::string& name, int64_t n) {
  check_tensor(c, name, tensor_dtype_of<T>(), {n});
  return c.tensor(name).values<T>();
}

// Length of the 1-D tensor `name` (any dtype is checked by the caller).
int64_t length_of(const Checkpoint& c, const std::string& name) {
  const TensorBlob& b = c.tensor(name);
  TAILOR_CHECK(b.shape.size() == 1, "checkpoint " << name_of(c) << ": " << name << " has shape "
                                                  << shape_to_string(b.shape) << ", expected 1-D");
  return b.shape[0];
}

}  // namespace

Checkpoint segments_to_checkpoint(const SegmentModel& m, const std::string& config_yaml) {
  const int64_t k = m.k, d = m.d();
  TAILOR_CHECK(k >= 1 && d >= 1, "segments checkpoint: model is empty (k " << k << ", d " << d << ")");
  TAILOR_CHECK(static_cast<int64_t>(m.centroids.size()) == k * d,
               "segments checkpoint: " << m.centroids.size() << " centroid values for k " << k
                                       << " x d " << d);
  TAILOR_CHECK(m.scaler.names() == m.feature_names,
               "segments checkpoint: scaler columns differ from the feature names");
  Checkpoint c;
  c.model_type = kSegmentModelType;
  c.config = config_yaml;
  c.tensors["params/centroids"] = TensorBlob::from(m.centroids, {k, d});
  c.tensors["meta/k"] = TensorBlob::scalar<int32_t>(m.k);
  c.string_lists["meta/feature_names"] = m.feature_names;

  const ScalerArrays a = m.scaler.to_arrays();
  c.tensors["meta/scaler/version"] = TensorBlob::scalar<int32_t>(static_cast<int32_t>(a.version));
  c.string_lists["meta/scaler/names"] = a.names;
  c.tensors["meta/scaler/medians"] = TensorBlob::from(a.medians);
  c.tensors["meta/scaler/iqrs"] = TensorBlob::from(a.iqrs);
  c.tensors["meta/scaler/log1p"] = TensorBlob::from(a.log1p);
  c.tensors["meta/scaler/clip"] = TensorBlob::scalar<float>(a.clip);

  std::vector<int32_t> ks, iters;
  std::vector<double> inertia, silhouette;
  for (const auto& s : m.k_scores) {
    ks.push_back(s.k);
    inertia.push_back(s.inertia);
    silhouette.push_back(s.silhouette);
    iters.push_back(s.n_iter);
  }
  c.tensors["meta/k_scores/k"] = TensorBlob::from(ks);
  c.tensors["meta/k_scores/inertia"] = TensorBlob::from(inertia);
  c.tensors["meta/k_scores/silhouette"] = TensorBlob::from(silhouette);
  c.tensors["meta/k_scores/n_iter"] = TensorBlob::from(iters);

  const FeatureParams& f = m.features;
  c.string_lists["meta/features/categories"] = f.categories;
  c.tensors["meta/features/top_categories"] = TensorBlob::scalar<int32_t>(f.top_categories);
  c.tensors["meta/features/engagement_window_days"] =
      TensorBlob::scalar<int32_t>(f.engagement_window_days);
  c.tensors["meta/features/recency_cap_days"] = TensorBlob::scalar<float>(f.recency_cap_days);
  c.tensors["meta/features/click_recency_cap_days"] =
      TensorBlob::scalar<float>(f.click_recency_cap_days);
  c.tensors["meta/features/return_rate_by_value"] =
      TensorBlob::scalar<uint8_t>(f.return_rate_by_value ? 1 : 0);

  c.tensors["meta/train/n_customers"] = TensorBlob::scalar<int64_t>(m.n_train_customers);
  c.tensors["meta/train/as_of_time"] = TensorBlob::scalar<int64_t>(m.train_as_of_time);
  c.tensors["meta/train/sizes"] = TensorBlob::from(m.train_sizes);
  return c;
}

SegmentModel segments_from_checkpoint(const Checkpoint& c) {
  TAILOR_CHECK(c.model_type == kSegmentModelType,
               "checkpoint " << name_of(c) << ": model type '" << c.model_type << "', expected '"
                             << kSegmentModelType << "'");
  SegmentModel m;
  m.k = scalar_of<int32_t>(c, "meta/k");
  m.feature_names = c.string_list("meta/feature_names");
  const int64_t k = m.k, d = static_cast<int64_t>(m.feature_names.size());
  TAILOR_CHECK(k >= 1, "checkpoint " << name_of(c) << ": meta/k is " << k << " (must be >= 1)");
  TAILOR_CHECK(d >= 1, "checkpoint " << name_of(c) << ": meta/feature_names is empty");
  check_tensor(c, "params/centroids", TensorDType::kFloat32, {k, d});
  m.centroids = c.tensor("params/centroids").values<float>();
  for (size_t i = 0; i < m.centroids.size(); ++i)
    TAILOR_CHECK(std::isfinite(m.centroids[i]), "checkpoint " << name_of(c) << ": params/centroids value "
                                                              << i << " is not finite");

  ScalerArrays a;
  a.version = static_cast<uint32_t>(scalar_of<int32_t>(c, "meta/scaler/version"));
  a.names = c.string_list("meta/scaler/names");
  a.medians = vector_of<float>(c, "meta/scaler/medians", d);
  a.iqrs = vector_of<float>(c, "meta/scaler/iqrs", d);
  a.log1p = vector_of<uint8_t>(c, "meta/scaler/log1p", d);
  a.clip = scalar_of<float>(c, "meta/scaler/clip");
  TAILOR_CHECK(a.names == m.feature_names,
               "checkpoint " << name_of(c) << ": meta/scaler/names differ from meta/feature_names");
  try {
    m.scaler = FeatureScaler::from_arrays(a);
  } catch (const Error& e) {
    TAILOR_FAIL("checkpoint " << name_of(c) << ": meta/scaler: " << e.what());
  }

  const int64_t nk = length_of(c, "meta/k_scores/k");
  const auto ks = vector_of<int32_t>(c, "meta/k_scores/k", nk);
  const auto inertia = vector_of<double>(c, "meta/k_scores/inertia", nk);
  const auto silhouette = vector_of<double>(c, "meta/k_scores/silhouette", nk);
  const auto iters = vector_of<int32_t>(c, "meta/k_scores/n_iter", nk);
  for (int64_t i = 0; i < nk; ++i) m.k_scores.push_back({ks[i], inertia[i], silhouette[i], iters[i]});

  FeatureParams& f = m.features;
  f.categories = c.string_list("meta/features/categories");
  f.top_categories = scalar_of<int32_t>(c, "meta/features/top_categories");
  f.engagement_window_days = scalar_of<int32_t>(c, "meta/features/engagement_window_days");
  f.recency_cap_days = scalar_of<float>(c, "meta/features/recency_cap_days");
  f.click_recency_cap_days = scalar_of<float>(c, "meta/features/click_recency_cap_days");
  f.return_rate_by_value = scalar_of<uint8_t>(c, "meta/features/return_rate_by_value") != 0;

  m.n_train_customers = scalar_of<int64_t>(c, "meta/train/n_customers");
  m.train_as_of_time = scalar_of<int64_t>(c, "meta/train/as_of_time");
  m.train_sizes = vector_of<int64_t>(c, "meta/train/sizes", k);
  return m;
}

SegmentModel load_segment_model(const std::string& path) {
  return segments_from_checkpoint(read_checkpoint(path, kSegmentModelType));
}

std::string format_k_scores(const SegmentModel& m) {
  std::ostringstream os;
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%6s %16s %11s %6s\n", "k", "inertia", "silhouette", "iters");
  os << buf;
  for (const auto& s : m.k_scores) {
    std::snprintf(buf, sizeof(buf), "%6d %16.6g %11.4f %6d%s\n", s.k, s.inertia, s.silhouette,
                  s.n_iter, s.k == m.k ? "  <- chosen" : "");
    os << buf;
  }
  return os.str();
}

}  // namespace tailor
