// Scatter-plot raster for segments: layout, axis ranges, points, legend (see segment_plot.h).
#include "core/segment/segment_plot.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/segment/bitmap_font.h"
#include "core/segment/feature_scaler.h"

namespace tailor {
namespace {

constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGrey{200, 200, 200};

// Layout in pixels.
constexpr int kMarginLeft = 20, kMarginTop = 44, kMarginBottom = 40, kLegendWidth = 130;
constexpr int kLegendBox = 10, kLegendRow = 16;

Rgb hsv_to_rgb(double h, double s, double v) {
  const double c = v * s, hp = h * 6.0, xx = c * (1.0 - std::abs(std::fmod(hp, 2.0) - 1.0));
  double r = 0, g = 0, b = 0;
  if (hp < 1) r = c, g = xx;
  else if (hp < 2) r = xx, g = c;
  else if (hp < 3) g = c, b = xx;
  else if (hp < 4) g = xx, b = c;
  else if (hp < 5) r = xx, b = c;
  else r = c, b = xx;
  const double m = v - c;
  auto u8 = [](double t) { return static_cast<uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0)); };
  return Rgb{u8(r + m), u8(g + m), u8(b + m)};
}

struct Range {
  double lo, hi;
};

Range axis_range(const std::vector<double>& v, double clip_q) {
  if (v.empty()) return {-1.0, 1.0};
  std::vector<float> copy(v.begin(), v.end());
  double lo = quantile_in_place(copy, clip_q), hi = quantile_in_place(copy, 1.0 - clip_q);
  if (!(hi > lo)) {  // all equal: a unit window around the value
    lo -= 1.0;
    hi += 1.0;
  }
  const double pad = 0.04 * (hi - lo);
  return {lo - pad, hi + pad};
}

}  // namespace

Rgb segment_colour(int s) {
  // Tableau 10, then evenly spread hues at two saturations.
  static const Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                                 {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                 {188, 189, 34},  {23, 190, 207}};
  constexpr int kN = sizeof(kPalette) / sizeof(kPalette[0]);
  if (s >= 0 && s < kN) return kPalette[s];
  const double golden = 0.618033988749895;
  const double h = std::fmod(0.11 + golden * double(s), 1.0);
  return hsv_to_rgb(h, (s % 2) ? 0.55 : 0.85, (s % 3) ? 0.85 : 0.65);
}

RgbImage draw_segment_scatter(const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<int32_t>& label, int k, const std::string& title,
                              const std::string& x_title, const std::string& y_title,
                              const ScatterPlotStyle& st) {
  TAILOR_CHECK(x.size() == y.size() && x.size() == label.size(),
               "draw_segment_scatter: " << x.size() << " x, " << y.size() << " y, " << label.size()
                                        << " labels");
  TAILOR_CHECK(k >= 1, "draw_segment_scatter: k must be >= 1, got " << k);
  TAILOR_CHECK(st.point_size >= 1 && st.clip_quantile >= 0.0 && st.clip_quantile < 0.5,
               "draw_segment_scatter: bad style (point_size " << st.point_size << ", clip_quantile "
                                                              << st.clip_quantile << ")");
  const int plot_x0 = kMarginLeft, plot_y0 = kMarginTop;
  const int plot_w = st.width - kMarginLeft - kLegendWidth, plot_h = st.height - kMarginTop - kMarginBottom;
  TAILOR_CHECK(plot_w >= 50 && plot_h >= 50, "draw_segment_scatter: image " << st.width << " x "
                                                 << st.height << " is too small for the layout");
  RgbImage img(st.width, st.height);

  // Frame and titles.
  const int title_scale = text_width(title, 2) <= st.width - 2 * kMarginLeft ? 2 : 1;
  draw_text(img, plot_x0, 8, title, kBlack, title_scale);
  draw_text(img, plot_x0, plot_y0 - 12, y_title, kBlack);
  draw_text(img, plot_x0 + (plot_w - text_width(x_title)) / 2, plot_y0 + plot_h + 14, x_title, kBlack);
  const Range rx = axis_range(x, st.clip_quantile), ry = axis_range(y, st.clip_quantile);
  // Zero lines, when inside the range.
  if (rx.lo < 0 && rx.hi > 0)
    img.fill_rect(plot_x0 + static_cast<int>((0 - rx.lo) / (rx.hi - rx.lo) * plot_w), plot_y0, 1, plot_h, kGrey);
  if (ry.lo < 0 && ry.hi > 0)
    img.fill_rect(plot_x0, plot_y0 + plot_h - 1 - static_cast<int>((0 - ry.lo) / (ry.hi - ry.lo) * plot_h),
                  plot_w, 1, kGrey);

  // Points, clipped to the axis ranges.
  const int half = st.point_size / 2;
  for (size_t i = 0; i < x.size(); ++i) {
    TAILOR_CHECK(label[i] >= 0 && label[i] < k, "draw_segment_scatter: label " << label[i]
                                                    << " of point " << i << " is outside [0, " << k << ")");
    if (x[i] < rx.lo || x[i] > rx.hi || y[i] < ry.lo || y[i] > ry.hi) continue;
    const int px = plot_x0 + static_cast<int>((x[i] - rx.lo) / (rx.hi - rx.lo) * (plot_w - 1));
    const int py = plot_y0 + plot_h - 1 - static_cast<int>((y[i] - ry.lo) / (ry.hi - ry.lo) * (plot_h - 1));
    const int x0 = std::clamp(px - half, plot_x0, plot_x0 + plot_w - st.point_size);
    const int y0 = std::clamp(py - half, plot_y0, plot_y0 + plot_h - st.point_size);
    img.fill_rect(x0, y0, st.point_size, st.point_size, segment_colour(label[i]));
  }
  // Frame on top of the points.
  img.fill_rect(plot_x0, plot_y0, plot_w, 1, kBlack);
  img.fill_rect(plot_x0, plot_y0 + plot_h - 1, plot_w, 1, kBlack);
  img.fill_rect(plot_x0, plot_y0, 1, plot_h, kBlack);
  img.fill_rect(plot_x0 + plot_w - 1, plot_y0, 1, plot_h, kBlack);

  // Legend: colour box + "segment s" per row.
  const int lx = plot_x0 + plot_w + 12;
  for (int s = 0; s < k; ++s) {
    const int ly = plot_y0 + s * kLegendRow;
    img.fill_rect(lx, ly, kLegendBox, kLegendBox, segment_colour(s));
    draw_text(img, lx + kLegendBox + 6, ly + 1, "segment " + std::to_string(s), kBlack);
  }
  return img;
}

}  // namespace tailor
