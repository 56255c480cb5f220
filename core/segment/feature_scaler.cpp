// Robust per-column scaling with optional signed log1p (see feature_scaler.h, docs/segments.md).
#include "core/segment/feature_scaler.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/segment/customer_features.h"

namespace tailor {
namespace {

float signed_log1p(float x) { return x < 0.0f ? -std::log1p(-x) : std::log1p(x); }

std::string join_names(const std::vector<std::string>& v) {
  std::ostringstream os;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << "'" << v[i] << "'";
  return os.str();
}

}  // namespace

double quantile_in_place(std::vector<float>& v, double q) {
  TAILOR_CHECK(!v.empty(), "quantile of an empty column");
  const double pos = q * double(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const double frac = pos - double(lo);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
  const double a = v[lo];
  if (frac == 0.0 || lo + 1 >= v.size()) return a;
  // The next order statistic is the minimum of the part after lo.
  const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
  return a + frac * (b - a);
}

FeatureScaler::FeatureScaler(float clip) : clip_(clip) {
  TAILOR_CHECK(std::isfinite(clip) && clip >= 0.0f,
               "feature scaler: clip must be finite and >= 0 (0 = no clipping), got " << clip);
}

bool FeatureScaler::default_log1p(const std::string& name) {
  static const std::set<std::string> kHeavyTailed = {
      "frequency", "monetary", "basket_size", "email_sends", "email_opens", "email_clicks"};
  return kHeavyTailed.count(name) > 0;
}

void FeatureScaler::fit(const float* x, size_t n_rows, const std::vector<std::string>& names) {
  std::vector<uint8_t> flags(names.size());
  for (size_t j = 0; j < names.size(); ++j) flags[j] = default_log1p(names[j]) ? 1 : 0;
  fit(x, n_rows, names, flags);
}

void FeatureScaler::fit(const CustomerFeatures& f) { fit(f.values.data(), f.n_rows, f.names); }

void FeatureScaler::fit(const float* x, size_t n_rows, const std::vector<std::string>& names,
                        const std::vector<uint8_t>& log1p_flags) {
  const size_t d = names.size();
  TAILOR_CHECK(d > 0, "FeatureScaler::fit: no columns");
  TAILOR_CHECK(n_rows > 0, "FeatureScaler::fit: no rows");
  TAILOR_CHECK(log1p_flags.size() == d, "FeatureScaler::fit: " << log1p_flags.size()
                                            << " log1p flags for " << d << " columns");
  std::set<std::string> unique(names.begin(), names.end());
  TAILOR_CHECK(unique.size() == d, "FeatureScaler::fit: duplicate column names");
  std::vector<float> medians(d), iqrs(d);
  std::vector<int64_t> bad_row(d, -1);
#pragma omp parallel
  {
    std::vector<float> col(n_rows);
#pragma omp for schedule(dynamic, 1)
    for (int64_t jj = 0; jj < static_cast<int64_t>(d); ++jj) {
      const size_t j = static_cast<size_t>(jj);
      for (size_t i = 0; i < n_rows; ++i) {
        float v = x[i * d + j];
        if (!std::isfinite(v) && bad_row[j] < 0) bad_row[j] = static_cast<int64_t>(i);
        col[i] = log1p_flags[j] ? signed_log1p(v) : v;
      }
      if (bad_row[j] >= 0) continue;
      const double q25 = quantile_in_place(col, 0.25);
      const double q50 = quantile_in_place(col, 0.50);
      const double q75 = quantile_in_place(col, 0.75);
      medians[j] = static_cast<float>(q50);
      const double iqr = q75 - q25;
      iqrs[j] = iqr > 0.0 ? static_cast<float>(iqr) : 1.0f;
    }
  }
  for (size_t j = 0; j < d; ++j)
    TAILOR_CHECK(bad_row[j] < 0, "FeatureScaler::fit: column '" << names[j] << "' row "
                                     << bad_row[j] << " is not finite");
  names_ = names;
  medians_ = std::move(medians);
  iqrs_ = std::move(iqrs);
  log1p_ = log1p_flags;
}

void FeatureScaler::check_columns(const std::vector<std::string>& names) const {
  TAILOR_CHECK(fitted(), "FeatureScaler: not fitted");
  if (names == names_) return;
  std::set<std::string> have(names.begin(), names.end()), want(names_.begin(), names_.end());
  std::vector<std::string> missing, extra;
  for (const auto& n : names_)
    if (!have.count(n)) missing.push_back(n);
  for (const auto& n : names)
    if (!want.count(n)) extra.push_back(n);
  std::ostringstream os;
  os << "feature columns do not match the fitted scaler (" << names_.size() << " fitted, "
     << names.size() << " given)";
  if (!missing.empty()) os << "; missing: " << join_names(missing);
  if (!extra.empty()) os << "; extra: " << join_names(extra);
  if (missing.empty() && extra.empty()) {
    for (size_t j = 0; j < names.size() && j < names_.size(); ++j)
      if (names[j] != names_[j]) {
        os << "; column " << j << " is '" << names[j] << "', expected '" << names_[j] << "'";
        break;
      }
  }
  TAILOR_FAIL(os.str());
}

float FeatureScaler::transform_value(size_t j, float v) const {
  const float f = log1p_[j] ? signed_log1p(v) : v;
  const float y = (f - medians_[j]) / iqrs_[j];
  if (clip_ > 0.0f) return std::min(clip_, std::max(-clip_, y));
  return y;
}

void FeatureScaler::transform_in_place(float* x, size_t n_rows,
                                       const std::vector<std::string>& names) const {
  check_columns(names);
  const size_t d = names_.size();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < static_cast<int64_t>(n_rows); ++i) {
    float* row = x + static_cast<size_t>(i) * d;
    for (size_t j = 0; j < d; ++j) row[j] = transform_value(j, row[j]);
  }
}

std::vector<float> FeatureScaler::transform(const CustomerFeatures& f) const {
  std::vector<float> y = f.values;
  transform_in_place(y.data(), f.n_rows, f.names);
  return y;
}

ScalerArrays FeatureScaler::to_arrays() const {
  TAILOR_CHECK(fitted(), "FeatureScaler::to_arrays: not fitted");
  ScalerArrays a;
  a.version = kFormatVersion;
  a.names = names_;
  a.medians = medians_;
  a.iqrs = iqrs_;
  a.log1p = log1p_;
  a.clip = clip_;
  return a;
}

FeatureScaler FeatureScaler::from_arrays(const ScalerArrays& a) {
  TAILOR_CHECK(a.version == 1 || a.version == kFormatVersion,
               "feature scaler format version " << a.version << " is not supported (1 or "
                                                << kFormatVersion << ")");
  // Version 1 had no clip: 0 reproduces its transform exactly.
  const float clip = a.version == 1 ? 0.0f : a.clip;
  TAILOR_CHECK(std::isfinite(clip) && clip >= 0.0f,
               "feature scaler: clip must be finite and >= 0 (0 = no clipping), got " << clip);
  const size_t d = a.names.size();
  TAILOR_CHECK(d > 0, "feature scaler: no columns");
  TAILOR_CHECK(a.medians.size() == d && a.iqrs.size() == d && a.log1p.size() == d,
               "feature scaler: " << d << " names but " << a.medians.size() << " medians, "
                                  << a.iqrs.size() << " IQRs, " << a.log1p.size() << " log1p flags");
  std::set<std::string> unique(a.names.begin(), a.names.end());
  TAILOR_CHECK(unique.size() == d, "feature scaler: duplicate column names");
  for (size_t j = 0; j < d; ++j) {
    TAILOR_CHECK(std::isfinite(a.medians[j]), "feature scaler: column '" << a.names[j]
                                                  << "' has a non-finite median");
    TAILOR_CHECK(std::isfinite(a.iqrs[j]) && a.iqrs[j] > 0.0f,
                 "feature scaler: column '" << a.names[j] << "' has IQR " << a.iqrs[j]
                                            << " (must be finite and > 0)");
    TAILOR_CHECK(a.log1p[j] <= 1, "feature scaler: column '" << a.names[j] << "' has log1p flag "
                                                             << int(a.log1p[j]) << " (0 or 1)");
  }
  FeatureScaler s(clip);
  s.names_ = a.names;
  s.medians_ = a.medians;
  s.iqrs_ = a.iqrs;
  s.log1p_ = a.log1p;
  return s;
}

}  // namespace tailor
