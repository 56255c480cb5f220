// Segment report: summary statistics, CSV / Markdown text and the PCA scatter PNG (see
// segment_report.h; file layout in docs/segments.md).
#include "core/segment/segment_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/config/param_set.h"
#include "core/io/atomic_file.h"
#include "core/io/png_writer.h"
#include "core/segment/feature_scaler.h"
#include "core/segment/segment_plot.h"

namespace tailor {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string md_cell(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '|') o += "\\|";
    else if (c == '\n' || c == '\r') o += ' ';
    else o += c;
  }
  return o;
}

std::string format_g(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// Readable fixed-point for the Markdown tables.
std::string format_readable(double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  const double a = std::abs(v);
  std::snprintf(buf, sizeof(buf), a >= 1000 ? "%.0f" : (a >= 1 ? "%.2f" : "%.3f"), v);
  return buf;
}

std::string format_utc_date(UnixTime t) {
  if (t < 0) return "unknown";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string join_labels(const std::vector<RankedLabel>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "; " : "") + v[i].name;
  return s;
}

// Top `top` labels per segment by purchase revenue; labels are categories or product titles.
void rank_labels(const CustomerFeatures& raw, const std::vector<int32_t>& labels, const Dataset& ds,
                 int top, SegmentSummary& s) {
  const auto& pr = ds.products;
  s.by_category = std::any_of(pr.category.begin(), pr.category.end(),
                              [](const std::string& c) { return !c.empty(); });
  // Label id per product: the category's id, or the product itself.
  std::vector<std::string> names;
  std::vector<int32_t> label_of(pr.size(), -1);
  if (s.by_category) {
    std::map<std::string, int32_t> id_of;
    for (size_t i = 0; i < pr.size(); ++i) {
      if (pr.category[i].empty()) continue;
      auto it = id_of.emplace(pr.category[i], static_cast<int32_t>(names.size())).first;
      if (it->second == static_cast<int32_t>(names.size())) names.push_back(pr.category[i]);
      label_of[i] = it->second;
    }
  } else {
    for (size_t i = 0; i < pr.size(); ++i) {
      const bool has_title = i < pr.title.size() && !pr.title[i].empty();
      names.push_back(has_title ? pr.title[i] : pr.external_id[i]);
      label_of[i] = static_cast<int32_t>(i);
    }
  }
  const size_t n_names = names.size();
  std::vector<std::vector<double>> revenue(static_cast<size_t>(s.k), std::vector<double>(n_names, 0.0));
  const auto& tx = ds.transactions;
  for (size_t r = 0; r < tx.size(); ++r) {
    const int64_t c = tx.customer[r];
    if (c < 0 || tx.kind[r] != static_cast<uint8_t>(TransactionKind::kPurchase) ||
        tx.time[r] > raw.as_of_time)
      continue;
    TAILOR_CHECK(static_cast<size_t>(c) < labels.size() && tx.product[r] >= 0 &&
                     static_cast<size_t>(tx.product[r]) < pr.size(),
                 "transactions row " << r << ": customer or product out of range");
    const int32_t l = label_of[static_cast<size_t>(tx.product[r])];
    if (l < 0) continue;
    revenue[static_cast<size_t>(labels[static_cast<size_t>(c)])][static_cast<size_t>(l)] +=
        double(tx.quantity[r]) * tx.unit_price[r];
  }
  s.top_labels.assign(static_cast<size_t>(s.k), {});
  std::vector<size_t> order(n_names);
  for (int seg = 0; seg < s.k; ++seg) {
    const auto& rev = revenue[static_cast<size_t>(seg)];
    for (size_t i = 0; i < n_names; ++i) order[i] = i;
    const size_t n_top = std::min(n_names, static_cast<size_t>(std::max(0, top)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_top), order.end(),
                      [&](size_t a, size_t b) { return rev[a] != rev[b] ? rev[a] > rev[b] : names[a] < names[b]; });
    for (size_t i = 0; i < n_top && rev[order[i]] > 0.0; ++i)
      s.top_labels[static_cast<size_t>(seg)].push_back({names[order[i]], rev[order[i]]});
  }
}

}  // namespace

void add_segment_report_params(ParamSet& ps, SegmentReportParams& p) {
  ps.add("output_prefix", &p.output_prefix, "report path prefix: <prefix>.csv, .md, .png");
  ps.add("top_labels", &p.top_labels, "categories (or product titles) listed per segment");
  ps.add("plot_max_points", &p.plot_max_points, "customers drawn in the plot at most (seeded subset)");
  ps.add("plot_seed", &p.plot_seed, "seed of the plot subsample and draw order");
  ps.add("plot_width", &p.plot_width, "plot width in pixels");
  ps.add("plot_height", &p.plot_height, "plot height in pixels");
}

SegmentSummary summarize_segments(const CustomerFeatures& raw, const std::vector<int32_t>& labels,
                                  int k, const Dataset& ds, int top_labels) {
  TAILOR_CHECK(k >= 1, "segment report: k must be >= 1, got " << k);
  TAILOR_CHECK(labels.size() == raw.n_rows, "segment report: " << labels.size() << " labels for "
                                                << raw.n_rows << " feature rows");
  TAILOR_CHECK(raw.n_rows == ds.customers.size(),
               "segment report: " << raw.n_rows << " feature rows but the dataset has "
                                  << ds.customers.size() << " customers");
  TAILOR_CHECK(raw.values.size() == raw.n_rows * raw.n_cols(), "segment report: feature matrix has "
                   << raw.values.size() << " values, expected " << raw.n_rows * raw.n_cols());
  SegmentSummary s;
  s.k = k;
  s.n_customers = raw.n_rows;
  s.feature_names = raw.names;
  const size_t d = raw.n_cols(), ks = static_cast<size_t>(k);
  s.sizes.assign(ks, 0);
  s.means.assign(ks * d, 0.0);
  s.overall_means.assign(d, 0.0);
  for (size_t i = 0; i < raw.n_rows; ++i) {
    const int32_t l = labels[i];
    TAILOR_CHECK(l >= 0 && l < k, "segment report: label of customer row " << i << " is " << l
                                      << ", outside [0, " << k << ")");
    ++s.sizes[static_cast<size_t>(l)];
    const float* row = &raw.values[i * d];
    double* m = &s.means[static_cast<size_t>(l) * d];
    for (size_t j = 0; j < d; ++j) {
      m[j] += row[j];
      s.overall_means[j] += row[j];
    }
  }
  for (size_t seg = 0; seg < ks; ++seg)
    for (size_t j = 0; j < d; ++j)
      s.means[seg * d + j] = s.sizes[seg] > 0 ? s.means[seg * d + j] / double(s.sizes[seg])
                                              : std::numeric_limits<double>::quiet_NaN();
  for (size_t j = 0; j < d; ++j)
    s.overall_means[j] = raw.n_rows > 0 ? s.overall_means[j] / double(raw.n_rows)
                                        : std::numeric_limits<double>::quiet_NaN();
  rank_labels(raw, labels, ds, top_labels, s);
  return s;
}

std::string segment_summary_csv(const SegmentSummary& s) {
  std::ostringstream os;
  os << "segment,size,share";
  for (const auto& n : s.feature_names) os << ',' << csv_field("mean:" + n);
  os << ',' << (s.by_category ? "top_categories" : "top_products") << '\n';
  const size_t d = s.feature_names.size();
  for (int seg = 0; seg < s.k; ++seg) {
    const size_t g = static_cast<size_t>(seg);
    const double share = s.n_customers > 0 ? double(s.sizes[g]) / double(s.n_customers) : 0.0;
    os << seg << ',' << s.sizes[g] << ',' << format_g(share);
    for (size_t j = 0; j < d; ++j) os << ',' << format_g(s.means[g * d + j]);
    os << ',' << csv_field(join_labels(s.top_labels[g])) << '\n';
  }
  return os.str();
}

std::string segment_summary_markdown(const SegmentSummary& s, const std::string& title) {
  std::ostringstream os;
  os << "# " << title << "\n\n";
  os << s.n_customers << " customers in " << s.k << " segments.";
  if (!s.by_category)
    os << " The products of this dataset have no categories: the last column lists the top "
          "products (by title) by purchase revenue instead.";
  os << "\n\n## Segments\n\n| segment | customers | share | top "
     << (s.by_category ? "categories" : "products") << " by revenue |\n|---:|---:|---:|---|\n";
  for (int seg = 0; seg < s.k; ++seg) {
    const size_t g = static_cast<size_t>(seg);
    const double share = s.n_customers > 0 ? 100.0 * double(s.sizes[g]) / double(s.n_customers) : 0.0;
    char pct[32];
    std::snprintf(pct, sizeof(pct), "%.1f%%", share);
    os << "| " << seg << " | " << s.sizes[g] << " | " << pct << " | "
       << md_cell(join_labels(s.top_labels[g])) << " |\n";
  }
  os << "\n## Feature means (raw, unscaled)\n\n| feature | all |";
  for (int seg = 0; seg < s.k; ++seg) os << " segment " << seg << " |";
  os << "\n|---|---:|";
  for (int seg = 0; seg < s.k; ++seg) os << "---:|";
  os << '\n';
  const size_t d = s.feature_names.size();
  for (size_t j = 0; j < d; ++j) {
    os << "| " << md_cell(s.feature_names[j]) << " | " << format_readable(s.overall_means[j]) << " |";
    for (int seg = 0; seg < s.k; ++seg)
      os << ' ' << format_readable(s.means[static_cast<size_t>(seg) * d + j]) << " |";
    os << '\n';
  }
  return os.str();
}

SegmentReportResult write_segment_report(const CustomerFeatures& raw, const FeatureScaler& scaler,
                                         const std::vector<int32_t>& labels, int k, const Dataset& ds,
                                         const SegmentReportParams& p) {
  TAILOR_CHECK(!p.output_prefix.empty(), "segment report: output_prefix is empty");
  TAILOR_CHECK(p.plot_max_points >= 1, "segment report: plot_max_points must be >= 1, got "
                                           << p.plot_max_points);
  SegmentReportResult res;
  res.summary = summarize_segments(raw, labels, k, ds, p.top_labels);
  TAILOR_CHECK(raw.n_rows > 0, "segment report: no customers");
  res.csv_path = p.output_prefix + ".csv";
  res.markdown_path = p.output_prefix + ".md";
  res.png_path = p.output_prefix + ".png";

  // PCA of the scaled features (all rows), then a seeded subset for the plot.
  const std::vector<float> scaled = scaler.transform(raw);
  const size_t d = raw.n_cols();
  const size_t n_comp = std::min<size_t>(2, d);
  res.pca = fit_pca(scaled.data(), raw.n_rows, d, n_comp);
  std::vector<uint32_t> order(raw.n_rows);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  const size_t n_plot = std::min(raw.n_rows, static_cast<size_t>(p.plot_max_points));
  std::mt19937_64 rng(p.plot_seed);
  for (size_t i = 0; i < n_plot; ++i) {  // partial Fisher-Yates: order[0..n_plot) is the sample
    const size_t j = i + static_cast<size_t>(rng() % (order.size() - i));
    std::swap(order[i], order[j]);
  }
  std::vector<double> px(n_plot), py(n_plot, 0.0);
  std::vector<int32_t> pl(n_plot);
  for (size_t i = 0; i < n_plot; ++i) {
    double proj[2] = {0.0, 0.0};
    pca_project_row(res.pca, &scaled[size_t{order[i]} * d], proj);
    px[i] = proj[0];
    py[i] = proj[1];
    pl[i] = labels[order[i]];
  }
  res.plotted_points = n_plot;
  auto pct = [&](size_t c) {
    char b[64];
    const double v = c < res.pca.n_components && res.pca.total_variance > 0
                         ? 100.0 * res.pca.explained_variance[c] / res.pca.total_variance : 0.0;
    std::snprintf(b, sizeof(b), "PC%zu (%.1f%% of variance)", c + 1, v);
    return std::string(b);
  };
  ScatterPlotStyle style;
  style.width = p.plot_width;
  style.height = p.plot_height;
  const std::string title = "segments: " + std::to_string(raw.n_rows) + " customers, " +
                            std::to_string(n_plot) + " shown";
  RgbImage img = draw_segment_scatter(px, py, pl, k, title, pct(0), pct(1), style);

  const std::string md_title = "Customer segments (features as of " + format_utc_date(raw.as_of_time) + ")";
  {
    AtomicOutputFile csv(res.csv_path);
    csv.stream() << segment_summary_csv(res.summary);
    csv.commit();
  }
  {
    AtomicOutputFile md(res.markdown_path);
    md.stream() << segment_summary_markdown(res.summary, md_title);
    md.stream() << "\n## Projection\n\n![segments in the first two principal components of the "
                   "scaled features](" << res.png_path.substr(res.png_path.find_last_of('/') + 1)
                << ")\n\n" << pct(0) << ", " << pct(1) << "; " << n_plot << " of " << raw.n_rows
                << " customers drawn (seed " << p.plot_seed << ").\n";
    md.commit();
  }
  write_png(res.png_path, img);
  spdlog::info("segment report: {} segments, {} customers -> {}, {}, {}", k, raw.n_rows, res.csv_path,
               res.markdown_path, res.png_path);
  return res;
}

}  // namespace tailor
