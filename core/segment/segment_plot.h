// 2-D scatter plot of customers coloured by segment, with axis titles and a colour-box legend,
// drawn into an RGB raster (core/io/png_writer.h) with the built-in bitmap font.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/png_writer.h"

namespace tailor {

struct ScatterPlotStyle {
  int width = 900;         ///< image width in pixels
  int height = 700;        ///< image height in pixels
  int point_size = 3;      ///< side of the square drawn per point, pixels
  /// Axis ranges cover the [clip_quantile, 1 - clip_quantile] quantiles of the points (so a few
  /// outliers do not squash the plot); points outside are not drawn. 0: full range.
  double clip_quantile = 0.005;
};

/// The colour of segment `s` (a fixed qualitative palette, then generated hues).
Rgb segment_colour(int s);

/// Draws points (x[i], y[i]) with colour segment_colour(label[i]) in the given order; labels in
/// [0, k). Legend "segment 0 .. k-1"; x_title under the plot, y_title above it, title at the top.
RgbImage draw_segment_scatter(const std::vector<double>& x, const std::vector<double>& y,
                              const std::vector<int32_t>& label, int k, const std::string& title,
                              const std::string& x_title, const std::string& y_title,
                              const ScatterPlotStyle& style);

}  // namespace tailor
