// Segment report: CSV / Markdown content on a tiny case (categories and the no-category fallback),
// the PNG file (signature, IHDR, CRCs, decodes), the seeded plot subsample, the Jacobi eigen-solver
// and PCA on data with a known principal axis.
#include <gtest/gtest.h>
#include <omp.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/io/png_writer.h"
#include "core/segment/feature_scaler.h"
#include "core/segment/pca_projection.h"
#include "core/segment/segment_plot.h"
#include "core/segment/segment_report.h"
#include "core/segment/symmetric_eigen.h"

namespace tailor {
namespace {

constexpr UnixTime kAsOf = 1600000000;

// A fresh folder per test, removed afterwards.
class SegmentReportFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tailor_segment_report_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::string& temp_dir() const { return dir_; }

 private:
  std::string dir_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void add_tx(Dataset& ds, int64_t customer, int32_t product, int32_t qty, float price, UnixTime t) {
  auto& x = ds.transactions;
  x.customer.push_back(customer);
  x.product.push_back(product);
  x.invoice.push_back(0);
  x.time.push_back(t);
  x.quantity.push_back(qty);
  x.unit_price.push_back(price);
  x.kind.push_back(static_cast<uint8_t>(qty < 0 ? TransactionKind::kReturn : TransactionKind::kPurchase));
}

// 4 customers, segments {0, 1, 0, 1}. Purchase revenue: segment 0 Kitchen 15, Clothes 25;
// segment 1 Office 200, Clothes 200 (tie: by name). A return and a purchase after as-of are ignored.
struct TinyCase {
  Dataset ds;
  CustomerFeatures raw;
  std::vector<int32_t> labels = {0, 1, 0, 1};
  TinyCase() {
    for (int c = 0; c < 4; ++c) {
      ds.customers.external_id.push_back("c" + std::to_string(c));
      ds.customers.signup_time.push_back(-1);
    }
    ds.products.external_id = {"P0", "P1", "P2"};
    ds.products.title = {"Red mug", "Tee, blue", "Pen"};
    ds.products.category = {"Kitchen", "Clothes", "Office"};
    ds.invoices = {"I0"};
    add_tx(ds, 0, 0, 1, 10.0f, kAsOf - 10);
    add_tx(ds, 2, 1, 1, 25.0f, kAsOf - 10);
    add_tx(ds, 2, 0, 1, 5.0f, kAsOf - 10);
    add_tx(ds, 1, 2, 10, 10.0f, kAsOf - 10);
    add_tx(ds, 3, 1, 2, 100.0f, kAsOf - 10);
    add_tx(ds, 3, 2, 10, 10.0f, kAsOf);
    add_tx(ds, 0, 2, -5, 10.0f, kAsOf - 5);       // return: ignored
    add_tx(ds, 0, 2, 1000, 1.0f, kAsOf + 1);      // after as-of: ignored
    add_tx(ds, -1, 2, 1000, 1.0f, kAsOf - 1);     // no customer: ignored
    raw.n_rows = 4;
    raw.names = {"frequency", "monetary"};
    raw.values = {1, 10, 3, 100, 2, 30, 5, 300};
    raw.as_of_time = kAsOf;
  }
};

TEST(SegmentReport, CsvAndMarkdownWithCategories) {
  TinyCase tc;
  const SegmentSummary s = summarize_segments(tc.raw, tc.labels, 2, tc.ds, 2);
  EXPECT_TRUE(s.by_category);
  EXPECT_EQ(segment_summary_csv(s),
            "segment,size,share,mean:frequency,mean:monetary,top_categories\n"
            "0,2,0.5,1.5,20,Clothes; Kitchen\n"
            "1,2,0.5,4,200,Clothes; Office\n");
  ASSERT_EQ(s.top_labels[1].size(), 2u);
  EXPECT_DOUBLE_EQ(s.top_labels[1][0].revenue, 200.0);
  const std::string md = segment_summary_markdown(s, "Test");
  EXPECT_NE(md.find("# Test"), std::string::npos) << md;
  EXPECT_NE(md.find("| segment | customers | share | top categories by revenue |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0 | 2 | 50.0% | Clothes; Kitchen |"), std::string::npos) << md;
  EXPECT_NE(md.find("| feature | all | segment 0 | segment 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| frequency | 2.75 | 1.50 | 4.00 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| monetary | 110.00 | 20.00 | 200.00 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("no categories"), std::string::npos) << md;
}

TEST(SegmentReport, NoCategoriesFallsBackToProductTitlesAndEmptySegment) {
  TinyCase tc;
  for (auto& c : tc.ds.products.category) c.clear();
  const SegmentSummary s = summarize_segments(tc.raw, tc.labels, 3, tc.ds, 2);
  EXPECT_FALSE(s.by_category);
  EXPECT_EQ(segment_summary_csv(s),
            "segment,size,share,mean:frequency,mean:monetary,top_products\n"
            "0,2,0.5,1.5,20,\"Tee, blue; Red mug\"\n"
            "1,2,0.5,4,200,\"Pen; Tee, blue\"\n"
            "2,0,0,,,\n");
  const std::string md = segment_summary_markdown(s, "Test");
  EXPECT_NE(md.find("no categories"), std::string::npos) << md;
  EXPECT_NE(md.find("top products by revenue"), std::string::npos) << md;
  EXPECT_NE(md.find("| frequency | 2.75 | 1.50 | 4.00 | - |"), std::string::npos) << md;
}

TEST(SegmentReport, BadLabelsAreErrors) {
  TinyCase tc;
  EXPECT_THROW(summarize_segments(tc.raw, {0, 1, 2, 0}, 2, tc.ds, 2), Error);
  EXPECT_THROW(summarize_segments(tc.raw, {0, 1, 0}, 2, tc.ds, 2), Error);
  EXPECT_THROW(summarize_segments(tc.raw, tc.labels, 0, tc.ds, 2), Error);
}

// Reads big-endian u32.
uint32_t be32(const std::string& b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) |
         (uint32_t(uint8_t(b[at + 2])) << 8) | uint32_t(uint8_t(b[at + 3]));
}

// Parses the PNG chunks, checks every CRC, inflates the IDAT data; returns the raw scanlines.
std::string decode_png_scanlines(const std::string& png, uint32_t* w, uint32_t* h) {
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::string idat;
  size_t pos = 8;
  bool saw_end = false;
  while (pos + 12 <= png.size()) {
    const uint32_t len = be32(png, pos);
    const std::string type = png.substr(pos + 4, 4);
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + pos + 4), len + 4);
    EXPECT_EQ(be32(png, pos + 8 + len), uint32_t(crc)) << "CRC of chunk " << type;
    if (type == "IHDR") {
      *w = be32(png, pos + 8);
      *h = be32(png, pos + 12);
      EXPECT_EQ(png.substr(pos + 16, 5), std::string("\x08\x02\x00\x00\x00", 5));  // RGB8
    } else if (type == "IDAT") {
      idat += png.substr(pos + 8, len);
    } else if (type == "IEND") {
      saw_end = true;
    }
    pos += 12 + len;
  }
  EXPECT_TRUE(saw_end);
  EXPECT_EQ(pos, png.size());
  std::string raw(size_t(*h) * (1 + 3 * size_t(*w)) + 1, '\0');
  uLongf raw_len = raw.size();
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_len,
                       reinterpret_cast<const Bytef*>(idat.data()), idat.size()),
            Z_OK);
  raw.resize(raw_len);
  return raw;
}

TEST(PngWriter, EncodesDecodablePixels) {
  RgbImage img(7, 3, Rgb{1, 2, 3});
  img.set(6, 2, Rgb{250, 0, 9});
  img.set(7, 2, Rgb{9, 9, 9});  // outside: ignored
  img.fill_rect(-2, -2, 3, 3, Rgb{0, 200, 0});
  const std::vector<uint8_t> bytes = encode_png(img);
  uint32_t w = 0, h = 0;
  const std::string raw = decode_png_scanlines(std::string(bytes.begin(), bytes.end()), &w, &h);
  ASSERT_EQ(w, 7u);
  ASSERT_EQ(h, 3u);
  ASSERT_EQ(raw.size(), 3u * (1 + 21));
  for (int y = 0; y < 3; ++y) EXPECT_EQ(raw[size_t(y) * 22], '\0') << "filter byte of row " << y;
  auto px = [&](int x, int y) { return raw.substr(size_t(y) * 22 + 1 + size_t(x) * 3, 3); };
  EXPECT_EQ(px(6, 2), std::string("\xfa\x00\x09", 3));
  EXPECT_EQ(px(0, 0), std::string("\x00\xc8\x00", 3));
  EXPECT_EQ(px(1, 1), std::string("\x01\x02\x03", 3));
}

TEST_F(SegmentReportFiles, WritesCsvMarkdownAndDecodablePng) {
  TinyCase tc;
  FeatureScaler scaler;
  scaler.fit(tc.raw);
  SegmentReportParams p;
  p.output_prefix = temp_dir() + "/tiny";
  p.top_labels = 2;
  p.plot_width = 320;
  p.plot_height = 240;
  const SegmentReportResult r = write_segment_report(tc.raw, scaler, tc.labels, 2, tc.ds, p);
  EXPECT_EQ(r.plotted_points, 4u);
  EXPECT_EQ(read_file(p.output_prefix + ".csv"), segment_summary_csv(r.summary));
  const std::string md = read_file(p.output_prefix + ".md");
  EXPECT_NE(md.find("| 1 | 2 | 50.0% | Clothes; Office |"), std::string::npos) << md;
  EXPECT_NE(md.find("![segments in the first two principal components"), std::string::npos) << md;
  EXPECT_NE(md.find("(tiny.png)"), std::string::npos) << md;

  const std::string png = read_file(p.output_prefix + ".png");
  uint32_t w = 0, h = 0;
  const std::string raw = decode_png_scanlines(png, &w, &h);
  EXPECT_EQ(w, 320u);
  EXPECT_EQ(h, 240u);
  ASSERT_EQ(raw.size(), size_t(h) * (1 + 3 * size_t(w)));
  // Both segment colours appear (points and legend boxes).
  for (int s = 0; s < 2; ++s) {
    const Rgb c = segment_colour(s);
    const std::string want{char(c.r), char(c.g), char(c.b)};
    size_t count = 0;
    for (size_t y = 0; y < h; ++y)
      for (size_t x = 0; x < w; ++x)
        count += raw.compare(y * (1 + 3 * w) + 1 + 3 * x, 3, want) == 0;
    EXPECT_GE(count, 100u + 9u) << "segment " << s << ": legend box + at least one point";
  }

  // An independent decoder, when this machine has one.
  const std::string py = "/usr/bin/python3";
  if (::access(py.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << py << " to cross-check the PNG";
  const std::string out = temp_dir() + "/decoded.txt";
  const std::string cmd =
      py + " -c \"import sys\ntry:\n import matplotlib.image as m; a = m.imread(sys.argv[1]); "
           "print('matplotlib', a.shape[0], a.shape[1], a.shape[2])\nexcept ImportError:\n"
           " import zlib, struct; b = open(sys.argv[1], 'rb').read(); w, h = struct.unpack('>II', b[16:24]); "
           "i = b.index(b'IDAT'); n = struct.unpack('>I', b[i-4:i])[0]; r = zlib.decompress(b[i+4:i+4+n]); "
           "print('zlib', h, w, len(r) // h - 1)\" " +
      p.output_prefix + ".png > " + out + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_file(out);
  const std::string decoded = read_file(out);
  EXPECT_TRUE(decoded == "matplotlib 240 320 3\n" || decoded == "zlib 240 320 960\n") << decoded;
}

TEST_F(SegmentReportFiles, PlotSubsampleIsSeeded) {
  const uint64_t seed = 777;
  std::mt19937_64 rng(seed);
  TinyCase base;
  CustomerFeatures raw;
  Dataset ds;
  ds.products = base.ds.products;
  ds.invoices = base.ds.invoices;
  const int n = 3000;
  std::vector<int32_t> labels(n);
  raw.names = {"frequency", "monetary", "recency_days"};
  raw.n_rows = n;
  raw.as_of_time = kAsOf;
  for (int i = 0; i < n; ++i) {
    ds.customers.external_id.push_back("c");
    ds.customers.signup_time.push_back(-1);
    labels[i] = static_cast<int32_t>(rng() % 4);
    for (int j = 0; j < 3; ++j) raw.values.push_back(float(labels[i] * 10 + int(rng() % 5)));
  }
  FeatureScaler scaler;
  scaler.fit(raw);
  SegmentReportParams p;
  p.plot_max_points = 500;
  p.plot_width = 300;
  p.plot_height = 200;
  p.plot_seed = 5;
  p.output_prefix = temp_dir() + "/seeded_a";
  const SegmentReportResult ra = write_segment_report(raw, scaler, labels, 4, ds, p);
  EXPECT_EQ(ra.plotted_points, 500u) << "seed " << seed;
  p.output_prefix = temp_dir() + "/seeded_b";
  write_segment_report(raw, scaler, labels, 4, ds, p);
  EXPECT_EQ(read_file(temp_dir() + "/seeded_a.png"), read_file(temp_dir() + "/seeded_b.png"));
  p.plot_seed = 6;
  p.output_prefix = temp_dir() + "/seeded_c";
  write_segment_report(raw, scaler, labels, 4, ds, p);
  EXPECT_NE(read_file(temp_dir() + "/seeded_a.png"), read_file(temp_dir() + "/seeded_c.png"));
  EXPECT_NE(read_file(temp_dir() + "/seeded_a.md").find("500 of 3000 customers drawn (seed 5)"),
            std::string::npos);
}

TEST(SymmetricEigen, KnownTwoByTwo) {
  const SymmetricEigen e = symmetric_eigen_jacobi({2, 1, 1, 2}, 2);
  EXPECT_NEAR(e.values[0], 3.0, 1e-12);
  EXPECT_NEAR(e.values[1], 1.0, 1e-12);
  const double r = std::sqrt(0.5);
  EXPECT_NEAR(e.vectors[0], r, 1e-12);
  EXPECT_NEAR(e.vectors[1], r, 1e-12);
  EXPECT_NEAR(std::abs(e.vectors[2]), r, 1e-12);
  EXPECT_NEAR(e.vectors[2] + e.vectors[3], 0.0, 1e-12);
  EXPECT_THROW(symmetric_eigen_jacobi({1, 2, 3, 4}, 2), Error);
}

TEST(SymmetricEigen, RandomSymmetricMatricesDecompose) {
  const uint64_t seed = 99;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (size_t d : {1u, 3u, 7u, 20u}) {
    std::vector<double> a(d * d);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = i; j < d; ++j) a[i * d + j] = a[j * d + i] = u(rng);
    const SymmetricEigen e = symmetric_eigen_jacobi(a, d);
    for (size_t k = 0; k < d; ++k) {
      if (k > 0) {
        EXPECT_GE(e.values[k - 1], e.values[k]);
      }
      for (size_t i = 0; i < d; ++i) {
        double av = 0.0;
        for (size_t j = 0; j < d; ++j) av += a[i * d + j] * e.vectors[k * d + j];
        EXPECT_NEAR(av, e.values[k] * e.vectors[k * d + i], 1e-9)
            << "seed " << seed << ", d " << d << ", eigenpair " << k << ", entry " << i;
      }
      for (size_t l = 0; l < d; ++l) {
        double dot = 0.0;
        for (size_t j = 0; j < d; ++j) dot += e.vectors[k * d + j] * e.vectors[l * d + j];
        EXPECT_NEAR(dot, k == l ? 1.0 : 0.0, 1e-9) << "d " << d << ", vectors " << k << ", " << l;
      }
    }
  }
}

TEST(Pca, FindsKnownPrincipalAxis) {
  // x = t * (0.6, 0.8, 0) + s * (-0.8, 0.6, 0) + z * (0, 0, 1), var(t) >> var(s) >> var(z).
  const uint64_t seed = 4242;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  const size_t n = 5001;
  std::vector<float> x;
  for (size_t i = 0; i < n; ++i) {
    const double t = 10.0 * g(rng), s = 2.0 * g(rng), z = 0.1 * g(rng);
    x.push_back(float(5.0 + 0.6 * t - 0.8 * s));
    x.push_back(float(-3.0 + 0.8 * t + 0.6 * s));
    x.push_back(float(1.0 + z));
  }
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const PcaModel m1 = fit_pca(x.data(), n, 3, 2);
  omp_set_num_threads(3);
  const PcaModel m = fit_pca(x.data(), n, 3, 2);
  omp_set_num_threads(threads);
  EXPECT_EQ(m.components, m1.components) << "PCA depends on the number of threads";
  EXPECT_EQ(m.mean, m1.mean);
  ASSERT_EQ(m.components.size(), 6u);
  // Signs: the largest-magnitude entry is positive -> (0.6, 0.8, 0) and (0.8, -0.6, 0).
  EXPECT_NEAR(m.components[0], 0.6, 0.01) << "seed " << seed;
  EXPECT_NEAR(m.components[1], 0.8, 0.01);
  EXPECT_NEAR(m.components[2], 0.0, 0.01);
  EXPECT_NEAR(m.components[3], 0.8, 0.01);
  EXPECT_NEAR(m.components[4], -0.6, 0.01);
  EXPECT_NEAR(m.mean[0], 5.0, 0.5);
  EXPECT_NEAR(m.explained_variance[0], 100.0, 8.0);
  EXPECT_NEAR(m.explained_variance[1], 4.0, 0.4);
  EXPECT_NEAR(m.total_variance, 104.01, 8.0);
  // Projection of the mean is the origin; one unit along the axis projects to (1, 0).
  double proj[2];
  const float along[3] = {float(m.mean[0] + 0.6), float(m.mean[1] + 0.8), float(m.mean[2])};
  pca_project_row(m, along, proj);
  EXPECT_NEAR(proj[0], 1.0, 0.02);
  EXPECT_NEAR(proj[1], 0.0, 0.02);
}

}  // namespace
}  // namespace tailor
