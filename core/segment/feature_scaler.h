// Per-column feature scaling for segmentation: optional signed log1p for heavy-tailed columns, then
// robust scaling (x - median) / IQR, then clipping to [-clip, clip]. Fitted at training, stored as
// plain arrays, applied at inference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

struct CustomerFeatures;

/// The scaler as plain arrays (one entry per column), for checkpoint formats.
struct ScalerArrays {
  uint32_t version = 0;          ///< FeatureScaler::kFormatVersion when written
  std::vector<std::string> names;
  std::vector<float> medians;    ///< of the (log-transformed where flagged) column
  std::vector<float> iqrs;       ///< q75 - q25 of the same, 1 where that is 0
  std::vector<uint8_t> log1p;    ///< 1: signed log1p before centring
  float clip = 0.0f;             ///< scaled values are clipped to [-clip, clip]; 0 = no clipping
};

/// y = clamp((f(x) - median) / iqr, -clip, clip) with f(x) = sign(x) * log1p(|x|) for flagged
/// columns, f(x) = x otherwise (clip 0: no clamp). Quantiles interpolate linearly between order
/// statistics (numpy's default).
class FeatureScaler {
 public:
  /// 2 added `clip`; version-1 arrays (no clip) are read as clip 0, their original transform.
  static constexpr uint32_t kFormatVersion = 2;
  /// Default clip: a column with a tiny IQR (Online Retail's return_rate: median 0, IQR 0.021)
  /// would otherwise put a few customers at ~47 and let that one column dominate PCA and K-means.
  static constexpr float kDefaultClip = 5.0f;

  /// `clip` >= 0 (finite): scaled values are clipped to [-clip, clip]; 0 = no clipping.
  explicit FeatureScaler(float clip = kDefaultClip);

  /// The default transform rule: log1p for counts and heavy-tailed amounts (frequency, monetary,
  /// basket_size, email_sends, email_opens, email_clicks), none for days, rates and shares.
  static bool default_log1p(const std::string& column_name);

  /// Fits on x: (n_rows, names.size()) row-major, with the default log1p rule.
  void fit(const float* x, size_t n_rows, const std::vector<std::string>& names);
  /// Fits with explicit log1p flags (one per column).
  void fit(const float* x, size_t n_rows, const std::vector<std::string>& names,
           const std::vector<uint8_t>& log1p_flags);
  void fit(const CustomerFeatures& f);

  /// Scales x in place: (n_rows, names.size()) row-major. `names` must equal the fitted columns
  /// (same names, same order); otherwise a tailor::Error names the missing / extra columns.
  void transform_in_place(float* x, size_t n_rows, const std::vector<std::string>& names) const;
  /// The scaled copy of the feature matrix.
  std::vector<float> transform(const CustomerFeatures& f) const;
  /// Scales one value of column `col`.
  float transform_value(size_t col, float x) const;

  /// Throws tailor::Error naming missing, extra or reordered columns unless `names` equals the
  /// fitted columns.
  void check_columns(const std::vector<std::string>& names) const;

  ScalerArrays to_arrays() const;
  /// Rebuilds a fitted scaler; checks the version, the lengths, that every IQR is > 0 and that
  /// clip is finite and >= 0.
  static FeatureScaler from_arrays(const ScalerArrays& a);

  bool fitted() const { return !names_.empty(); }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<float>& medians() const { return medians_; }
  const std::vector<float>& iqrs() const { return iqrs_; }
  const std::vector<uint8_t>& log1p_flags() const { return log1p_; }
  float clip() const { return clip_; }

 private:
  std::vector<std::string> names_;
  std::vector<float> medians_, iqrs_;
  std::vector<uint8_t> log1p_;
  float clip_ = kDefaultClip;
};

/// Linear-interpolation quantile (numpy's default) of `v`, q in [0, 1]; reorders `v`.
double quantile_in_place(std::vector<float>& v, double q);

}  // namespace tailor
