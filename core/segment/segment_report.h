// Segment report: per-segment size, share, mean of each raw feature and top categories (or top
// products when the data has no categories) as CSV + Markdown, and a PCA scatter plot as PNG.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/segment/customer_features.h"
#include "core/segment/pca_projection.h"

namespace tailor {

class FeatureScaler;
class ParamSet;

/// Parameters of write_segment_report. Files: docs/segments.md.
struct SegmentReportParams {
  /// Output path prefix: writes <prefix>.csv, <prefix>.md and <prefix>.png.
  std::string output_prefix = "segments";
  /// Categories (or product titles) listed per segment, by purchase revenue.
  int top_labels = 5;
  /// At most this many customers are drawn in the plot (a seeded random subset when more).
  int plot_max_points = 20000;
  /// Seed of the plot subsample and draw order.
  uint64_t plot_seed = 1;
  /// Plot size in pixels.
  int plot_width = 900;
  int plot_height = 700;
};

/// Registers every SegmentReportParams field with `ps`.
void add_segment_report_params(ParamSet& ps, SegmentReportParams& p);

/// A ranked label (category or product title) with its purchase revenue in a segment.
struct RankedLabel {
  std::string name;
  double revenue = 0.0;
};

struct SegmentSummary {
  int k = 0;
  size_t n_customers = 0;
  std::vector<std::string> feature_names;
  std::vector<int64_t> sizes;         ///< (k)
  std::vector<double> means;          ///< (k, n_features); NaN for an empty segment
  std::vector<double> overall_means;  ///< (n_features)
  /// True when the products carry categories; otherwise top_labels are product titles.
  bool by_category = true;
  std::vector<std::vector<RankedLabel>> top_labels;  ///< (k) lists, highest revenue first
};

/// Sizes, raw-feature means and top labels per segment. labels: one per customer row, in [0, k).
/// Revenue = purchase quantity x unit price up to raw.as_of_time (unknown times count).
SegmentSummary summarize_segments(const CustomerFeatures& raw, const std::vector<int32_t>& labels,
                                  int k, const Dataset& ds, int top_labels);

/// The CSV text: segment,size,share,mean:<feature>...,top_categories (or top_products); the
/// top list is joined with "; ".
std::string segment_summary_csv(const SegmentSummary& s);
/// The Markdown text: a segments table and a feature-means table (all customers + each segment).
std::string segment_summary_markdown(const SegmentSummary& s, const std::string& title);

struct SegmentReportResult {
  SegmentSummary summary;
  PcaModel pca;          ///< of the scaled features
  size_t plotted_points = 0;
  std::string csv_path, markdown_path, png_path;
};

/// Writes <prefix>.csv, <prefix>.md and <prefix>.png atomically. `raw` are the unscaled
/// features, `scaler` the fitted scaler (the plot shows PCA of the scaled features).
SegmentReportResult write_segment_report(const CustomerFeatures& raw, const FeatureScaler& scaler,
                                         const std::vector<int32_t>& labels, int k, const Dataset& ds,
                                         const SegmentReportParams& params);

}  // namespace tailor
