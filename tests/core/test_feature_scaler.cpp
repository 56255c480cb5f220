// FeatureScaler: known medians / IQRs (odd and even n, IQR 0 -> 1, log1p columns), transform of
// a new row against a manual computation, clipping, round trip through arrays, column-mismatch
// errors.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/segment/feature_scaler.h"

namespace tailor {
namespace {

// Columns: plain (1..5), constant-ish (IQR 0), frequency (log1p of e^k - 1 -> k).
struct Fixture {
  std::vector<std::string> names = {"recency_days", "return_rate", "frequency"};
  std::vector<float> x;
  Fixture() {
    const float ones[] = {1, 2, 3, 4, 5};
    const float zeros[] = {0, 0, 0, 0, 7};
    for (int i = 0; i < 5; ++i) {
      x.push_back(ones[i]);
      x.push_back(zeros[i]);
      x.push_back(std::expm1(float(i)));
    }
  }
};

TEST(FeatureScaler, DefaultLog1pRule) {
  for (const char* c : {"frequency", "monetary", "basket_size", "email_sends", "email_opens", "email_clicks"})
    EXPECT_TRUE(FeatureScaler::default_log1p(c)) << c;
  for (const char* c : {"recency_days", "tenure_days", "return_rate", "email_open_rate",
                        "category_share:Shoes", "days_since_last_click"})
    EXPECT_FALSE(FeatureScaler::default_log1p(c)) << c;
}

TEST(FeatureScaler, KnownMediansAndIqrs) {
  Fixture fx;
  FeatureScaler s;
  s.fit(fx.x.data(), 5, fx.names);
  EXPECT_EQ(s.log1p_flags(), (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_FLOAT_EQ(s.medians()[0], 3.0f);
  EXPECT_FLOAT_EQ(s.iqrs()[0], 2.0f);
  EXPECT_FLOAT_EQ(s.medians()[1], 0.0f);
  EXPECT_FLOAT_EQ(s.iqrs()[1], 1.0f);  // IQR 0 -> 1
  EXPECT_NEAR(s.medians()[2], 2.0f, 1e-5);
  EXPECT_NEAR(s.iqrs()[2], 2.0f, 1e-5);
}

TEST(FeatureScaler, EvenCountInterpolatesLikeNumpy) {
  // numpy.percentile([4, 1, 3, 2], [25, 50, 75]) = [1.75, 2.5, 3.25]
  std::vector<float> x = {4, 1, 3, 2};
  FeatureScaler s;
  s.fit(x.data(), 4, {"recency_days"});
  EXPECT_FLOAT_EQ(s.medians()[0], 2.5f);
  EXPECT_FLOAT_EQ(s.iqrs()[0], 1.5f);
  std::vector<float> v = {10, 20, 30, 40, 50, 60, 70};
  EXPECT_DOUBLE_EQ(quantile_in_place(v, 0.1), 16.0);  // pos 0.6 between 10 and 20
  EXPECT_DOUBLE_EQ(quantile_in_place(v, 1.0), 70.0);
  EXPECT_DOUBLE_EQ(quantile_in_place(v, 0.0), 10.0);
}

TEST(FeatureScaler, TransformOfNewRowEqualsManualComputation) {
  Fixture fx;
  FeatureScaler s;
  s.fit(fx.x.data(), 5, fx.names);
  std::vector<float> row = {8.0f, 0.25f, 99.0f};
  s.transform_in_place(row.data(), 1, fx.names);
  EXPECT_NEAR(row[0], (8.0 - 3.0) / 2.0, 1e-6);
  EXPECT_NEAR(row[1], (0.25 - 0.0) / 1.0, 1e-6);
  EXPECT_NEAR(row[2], (std::log1p(99.0) - 2.0) / 2.0, 1e-5);
  // Negative values of a log1p column use sign(x) * log1p(|x|) (net monetary can be < 0).
  EXPECT_NEAR(s.transform_value(2, -3.0f), (-std::log1p(3.0) - 2.0) / 2.0, 1e-5);
}

TEST(FeatureScaler, ExplicitFlagsAndNonFiniteInput) {
  Fixture fx;
  FeatureScaler s;
  s.fit(fx.x.data(), 5, fx.names, {1, 0, 0});
  EXPECT_NEAR(s.medians()[0], std::log1p(3.0), 1e-6);
  fx.x[4] = NAN;  // row 1, column return_rate
  try {
    s.fit(fx.x.data(), 5, fx.names);
    FAIL() << "NaN accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'return_rate' row 1"), std::string::npos) << e.what();
  }
}

TEST(FeatureScaler, RoundTripThroughArrays) {
  Fixture fx;
  FeatureScaler s;
  s.fit(fx.x.data(), 5, fx.names);
  const ScalerArrays a = s.to_arrays();
  EXPECT_EQ(a.version, FeatureScaler::kFormatVersion);
  EXPECT_EQ(a.names, fx.names);
  const FeatureScaler t = FeatureScaler::from_arrays(a);
  std::vector<float> y1 = fx.x, y2 = fx.x;
  s.transform_in_place(y1.data(), 5, fx.names);
  t.transform_in_place(y2.data(), 5, fx.names);
  EXPECT_EQ(y1, y2);

  ScalerArrays bad = a;
  bad.version = 99;
  EXPECT_THROW(FeatureScaler::from_arrays(bad), Error);
  bad = a;
  bad.iqrs[1] = 0.0f;
  EXPECT_THROW(FeatureScaler::from_arrays(bad), Error);
  bad = a;
  bad.medians.pop_back();
  EXPECT_THROW(FeatureScaler::from_arrays(bad), Error);
}

// Online Retail's return_rate: median 0 and a tiny IQR, so a customer at 1.0 scales to ~47.
TEST(FeatureScaler, ClipBoundsScaledValuesAndTravelsWithTheArrays) {
  std::vector<float> x(100, 0.0f);
  for (int i = 50; i < 100; ++i) x[i] = 0.042f * float(i - 50) / 49.0f;  // q25 0, q75 0.021
  x[99] = 1.0f;
  const std::vector<std::string> names = {"return_rate"};
  FeatureScaler unclipped(0.0f), clipped;  // default clip
  unclipped.fit(x.data(), x.size(), names);
  clipped.fit(x.data(), x.size(), names);
  EXPECT_EQ(clipped.clip(), FeatureScaler::kDefaultClip);
  EXPECT_FLOAT_EQ(FeatureScaler::kDefaultClip, 5.0f);
  EXPECT_EQ(unclipped.medians(), clipped.medians());  // clipping does not change the fit
  EXPECT_EQ(unclipped.iqrs(), clipped.iqrs());
  const double iqr = unclipped.iqrs()[0];
  EXPECT_NEAR(iqr, 0.0215, 0.001);
  const double raw = (1.0 - unclipped.medians()[0]) / iqr;
  EXPECT_GT(raw, 40.0);
  EXPECT_NEAR(unclipped.transform_value(0, 1.0f), raw, 1e-3);
  EXPECT_FLOAT_EQ(clipped.transform_value(0, 1.0f), 5.0f);
  EXPECT_FLOAT_EQ(clipped.transform_value(0, -1.0f), -5.0f);
  // Values inside [-clip, clip] are untouched.
  EXPECT_FLOAT_EQ(clipped.transform_value(0, 0.05f), unclipped.transform_value(0, 0.05f));
  FeatureScaler three(3.0f);
  three.fit(x.data(), x.size(), names);
  EXPECT_FLOAT_EQ(three.transform_value(0, 1.0f), 3.0f);

  // The clip is part of the stored scaler.
  ScalerArrays a = three.to_arrays();
  EXPECT_EQ(a.clip, 3.0f);
  EXPECT_FLOAT_EQ(FeatureScaler::from_arrays(a).transform_value(0, 1.0f), 3.0f);
  // Version-1 arrays (written before clip existed) keep their unclipped transform.
  a.version = 1;
  EXPECT_EQ(FeatureScaler::from_arrays(a).clip(), 0.0f);
  EXPECT_NEAR(FeatureScaler::from_arrays(a).transform_value(0, 1.0f), raw, 1e-3);
  a.version = FeatureScaler::kFormatVersion;
  a.clip = -1.0f;
  EXPECT_THROW(FeatureScaler::from_arrays(a), Error);
  a.clip = NAN;
  EXPECT_THROW(FeatureScaler::from_arrays(a), Error);
  EXPECT_THROW(FeatureScaler(-0.5f), Error);
}

TEST(FeatureScaler, ColumnMismatchNamesMissingAndExtraColumns) {
  Fixture fx;
  FeatureScaler s;
  s.fit(fx.x.data(), 5, fx.names);
  std::vector<float> row = {1, 2, 3};
  auto message = [&](const std::vector<std::string>& names) {
    try {
      s.check_columns(names);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string m1 = message({"recency_days", "return_rate", "monetary"});
  EXPECT_NE(m1.find("missing: 'frequency'"), std::string::npos) << m1;
  EXPECT_NE(m1.find("extra: 'monetary'"), std::string::npos) << m1;
  const std::string m2 = message({"recency_days", "return_rate"});
  EXPECT_NE(m2.find("missing: 'frequency'"), std::string::npos) << m2;
  EXPECT_EQ(m2.find("extra"), std::string::npos) << m2;
  const std::string m3 = message({"return_rate", "recency_days", "frequency"});
  EXPECT_NE(m3.find("column 0 is 'return_rate', expected 'recency_days'"), std::string::npos) << m3;
  EXPECT_EQ(message(fx.names), "no error");
  EXPECT_THROW(s.transform_in_place(row.data(), 1, {"recency_days", "frequency", "return_rate"}), Error);
}

}  // namespace
}  // namespace tailor
