// Segment model: training finds 3 clearly separated customer groups (ARI 1), checkpoint round trip,
// inference applies the training transform, clear errors, determinism, config defaults, the
// binaries end to end (synth -> tailor-train segment -> tailor-infer segment) and the scaler clip's
// effect on UCI Online Retail (when $TAILOR_SHARED_DATA has it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/config/param_set.h"
#include "core/data/dataset_io.h"
#include "core/data/import_mapping.h"
#include "core/data/importer.h"
#include "core/segment/segment_model.h"
#include "kernels/cluster_metrics.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
constexpr UnixTime kT = 1700000000;
constexpr int64_t kDay = 86400;

class SegmentFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tailor_segment_model_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// Three customer groups with nothing in common: 0 = recent loyal Kitchen buyers with big baskets,
// 1 = lapsed one-off Clothes buyers, 2 = mid-recency Office buyers who return a lot. Group of each
// customer in `truth`. The last event is at kT (the as-of time).
struct ThreeGroups {
  Dataset ds;
  std::vector<int32_t> truth;

  explicit ThreeGroups(int per_group = 60, uint64_t seed = 7) {
    std::mt19937_64 rng(seed);
    auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ds.products.external_id = {"K1", "C1", "O1"};
    ds.products.title = {"Mixing bowl", "Linen shirt", "Notebook"};
    ds.products.category = {"Kitchen", "Clothes", "Office"};
    ds.products.price = {20, 5, 10};
    ds.products.available = {1, 1, 1};
    for (int g = 0; g < 3; ++g)
      for (int i = 0; i < per_group; ++i) {
        const int64_t c = static_cast<int64_t>(ds.customers.size());
        auto& cu = ds.customers;
        cu.external_id.push_back("cust-" + std::to_string(c));
        cu.email.push_back("person" + std::to_string(c) + "@example.com");
        cu.first_name.push_back("Name" + std::to_string(c));
        cu.country.push_back("UK");
        cu.tz_offset_min.push_back(0);
        cu.signup_time.push_back(-1);
        cu.birthday.push_back(-1);
        cu.consent.push_back(1);
        cu.unsubscribed.push_back(0);
        cu.suppressed.push_back(0);
        truth.push_back(g);
        if (g == 0) {
          const int n_inv = uni(15, 25);
          for (int v = 0; v < n_inv; ++v)
            add_line(c, 0, uni(5, 10), 20.0f, kT - (v == 0 ? uni(0, 5) : uni(6, 200)) * kDay);
        } else if (g == 1) {
          const int n_inv = uni(1, 2);
          for (int v = 0; v < n_inv; ++v) add_line(c, 1, 1, 5.0f, kT - uni(400, 600) * kDay);
        } else {
          const int n_inv = uni(4, 6);
          for (int v = 0; v < n_inv; ++v) {
            const UnixTime t = kT - uni(90, 150) * kDay;
            add_line(c, 2, uni(2, 3), 10.0f, t);
            add_line(c, 2, -1, 10.0f, t + kDay, /*same_invoice=*/true);
          }
        }
      }
    add_line(0, 0, 1, 20.0f, kT);  // the last event: as-of = kT
  }

  void add_line(int64_t customer, int32_t product, int32_t qty, float price, UnixTime t,
                bool same_invoice = false) {
    if (!same_invoice || ds.invoices.empty()) ds.invoices.push_back("inv" + std::to_string(ds.invoices.size()));
    auto& x = ds.transactions;
    x.customer.push_back(customer);
    x.product.push_back(product);
    x.invoice.push_back(static_cast<int64_t>(ds.invoices.size()) - 1);
    x.time.push_back(t);
    x.quantity.push_back(qty);
    x.unit_price.push_back(price);
    x.kind.push_back(static_cast<uint8_t>(qty < 0 ? TransactionKind::kReturn : TransactionKind::kPurchase));
  }
};

SegmentParams small_params() {
  SegmentParams p;
  p.ks = {2, 3, 4, 5, 6};
  return p;
}

TEST(SegmentModel, TrainFindsThreeSeparatedGroups) {
  ThreeGroups g;
  const SegmentTraining t = train_segments(g.ds, small_params());
  const SegmentModel& m = t.model;
  EXPECT_EQ(m.k, 3) << format_k_scores(m);
  ASSERT_EQ(t.labels.size(), g.truth.size());
  EXPECT_EQ(adjusted_rand_index(t.labels, g.truth), 1.0);
  ASSERT_EQ(m.k_scores.size(), 5u);
  for (size_t i = 0; i < m.k_scores.size(); ++i) {
    EXPECT_EQ(m.k_scores[i].k, small_params().ks[i]);
    if (m.k_scores[i].k != 3) {
      EXPECT_LT(m.k_scores[i].silhouette, m.k_scores[1].silhouette);
    }
  }
  EXPECT_GT(m.k_scores[1].silhouette, 0.8);
  EXPECT_EQ(m.train_sizes, (std::vector<int64_t>{60, 60, 60}));
  EXPECT_EQ(m.n_train_customers, 180);
  EXPECT_EQ(m.train_as_of_time, kT);
  EXPECT_EQ(m.feature_names, t.features.names);
  EXPECT_EQ(m.scaler.names(), t.features.names);
  EXPECT_EQ(m.features.categories, (std::vector<std::string>{"Kitchen", "Office", "Clothes"}));
  EXPECT_EQ(m.centroids.size(), size_t(3) * t.features.n_cols());
  EXPECT_EQ(t.label_mismatches, 0);

  // A fixed k fits only that k.
  SegmentParams fixed = small_params();
  fixed.k = 4;
  const SegmentTraining t4 = train_segments(g.ds, fixed);
  EXPECT_EQ(t4.model.k, 4);
  ASSERT_EQ(t4.model.k_scores.size(), 1u);
  EXPECT_EQ(t4.model.k_scores[0].k, 4);
}

TEST(SegmentModel, SameSeedSameModel) {
  ThreeGroups g(80, 11);
  SegmentParams p = small_params();
  p.k = 6;  // more clusters than groups: the split depends on the seeding
  const SegmentTraining a = train_segments(g.ds, p), b = train_segments(g.ds, p);
  EXPECT_EQ(a.model.centroids, b.model.centroids);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.model.k_scores[0].inertia, b.model.k_scores[0].inertia);
  EXPECT_EQ(a.model.k_scores[0].silhouette, b.model.k_scores[0].silhouette);
  EXPECT_EQ(a.model.scaler.medians(), b.model.scaler.medians());
}

TEST(SegmentModel, InferenceAppliesTheTrainingTransform) {
  ThreeGroups g;
  SegmentParams p = small_params();
  const SegmentTraining t = train_segments(g.ds, p);
  const SegmentAssignment a = assign_segments(t.model, g.ds);
  EXPECT_EQ(a.labels, t.labels);
  EXPECT_EQ(a.features.names, t.features.names);
  EXPECT_EQ(a.features.values, t.features.values);
  // The distances are to the stored centroids in the stored scaler's space.
  const std::vector<float> scaled = t.model.scaler.transform(t.features);
  const int d = t.model.d();
  for (size_t i = 0; i < a.labels.size(); i += 17) {
    double s = 0;
    for (int j = 0; j < d; ++j) {
      const double diff = scaled[i * d + j] - t.model.centroids[size_t(a.labels[i]) * d + j];
      s += diff * diff;
    }
    EXPECT_NEAR(a.distances[i], std::sqrt(s), 1e-5 * (1 + std::sqrt(s))) << i;
  }

  // A dataset with only the Office customers (group 2): same columns (training categories), the
  // stored scaler (not one refitted on this data), so every customer keeps label and distance.
  const Dataset& ds = g.ds;
  const int64_t first = 120;
  Dataset sub = ds;
  for (auto* v : {&sub.customers.external_id, &sub.customers.email, &sub.customers.first_name,
                  &sub.customers.country})
    v->erase(v->begin(), v->begin() + first);
  sub.customers.tz_offset_min.erase(sub.customers.tz_offset_min.begin(), sub.customers.tz_offset_min.begin() + first);
  for (auto* v : {&sub.customers.signup_time, &sub.customers.birthday})
    v->erase(v->begin(), v->begin() + first);
  for (auto* v : {&sub.customers.consent, &sub.customers.unsubscribed, &sub.customers.suppressed})
    v->erase(v->begin(), v->begin() + first);
  TransactionTable tx;
  for (size_t r = 0; r < ds.transactions.size(); ++r) {
    if (ds.transactions.customer[r] < first) continue;
    tx.customer.push_back(ds.transactions.customer[r] - first);
    tx.product.push_back(ds.transactions.product[r]);
    tx.invoice.push_back(ds.transactions.invoice[r]);
    tx.time.push_back(ds.transactions.time[r]);
    tx.quantity.push_back(ds.transactions.quantity[r]);
    tx.unit_price.push_back(ds.transactions.unit_price[r]);
    tx.kind.push_back(ds.transactions.kind[r]);
  }
  sub.transactions = tx;
  const SegmentAssignment s = assign_segments(t.model, sub, kT);
  ASSERT_EQ(s.labels.size(), 60u);
  EXPECT_EQ(s.features.names, t.features.names);
  for (size_t i = 0; i < s.labels.size(); ++i) {
    EXPECT_EQ(s.labels[i], t.labels[first + i]) << i;
    EXPECT_EQ(s.distances[i], a.distances[first + i]) << i;
  }
}

TEST_F(SegmentFiles, CheckpointRoundTripGivesIdenticalAssignments) {
  ThreeGroups g;
  const SegmentTraining t = train_segments(g.ds, small_params());
  write_checkpoint(segments_to_checkpoint(t.model, "segment:\n  k: 0\n"), path("seg.h5"));
  const SegmentModel m = load_segment_model(path("seg.h5"));
  EXPECT_EQ(m.k, t.model.k);
  EXPECT_EQ(m.feature_names, t.model.feature_names);
  EXPECT_EQ(m.centroids, t.model.centroids);
  EXPECT_EQ(m.scaler.medians(), t.model.scaler.medians());
  EXPECT_EQ(m.scaler.iqrs(), t.model.scaler.iqrs());
  EXPECT_EQ(m.scaler.log1p_flags(), t.model.scaler.log1p_flags());
  EXPECT_EQ(m.scaler.clip(), t.model.scaler.clip());
  ASSERT_EQ(m.k_scores.size(), t.model.k_scores.size());
  for (size_t i = 0; i < m.k_scores.size(); ++i) {
    EXPECT_EQ(m.k_scores[i].k, t.model.k_scores[i].k);
    EXPECT_EQ(m.k_scores[i].inertia, t.model.k_scores[i].inertia);
    EXPECT_EQ(m.k_scores[i].silhouette, t.model.k_scores[i].silhouette);
    EXPECT_EQ(m.k_scores[i].n_iter, t.model.k_scores[i].n_iter);
  }
  EXPECT_EQ(m.features.categories, t.model.features.categories);
  EXPECT_EQ(m.features.engagement_window_days, t.model.features.engagement_window_days);
  EXPECT_EQ(m.train_sizes, t.model.train_sizes);
  EXPECT_EQ(m.train_as_of_time, kT);
  EXPECT_EQ(read_checkpoint(path("seg.h5"), "segments").config, "segment:\n  k: 0\n");

  const SegmentAssignment a = assign_segments(t.model, g.ds), b = assign_segments(m, g.ds);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.distances, b.distances);

  // No category columns (as Online Retail): the empty category list survives the round trip and
  // inference again makes no category columns.
  ThreeGroups nocat;
  nocat.ds.products.category = {"", "", ""};
  const SegmentTraining tn = train_segments(nocat.ds, small_params());
  EXPECT_TRUE(tn.model.features.categories.empty());
  write_checkpoint(segments_to_checkpoint(tn.model, ""), path("nocat.h5"));
  const SegmentModel mn = load_segment_model(path("nocat.h5"));
  EXPECT_EQ(assign_segments(mn, nocat.ds).labels, tn.labels);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(SegmentFiles, WrongModelTypeAndMissingMetaAreClearErrors) {
  ThreeGroups g;
  const SegmentTraining t = train_segments(g.ds, small_params());
  const Checkpoint good = segments_to_checkpoint(t.model, "");

  Checkpoint other = good;
  other.model_type = "kmeans";
  EXPECT_NE(error_of([&] { segments_from_checkpoint(other); }).find("model type 'kmeans', expected 'segments'"),
            std::string::npos);
  write_checkpoint(other, path("other.h5"));
  const std::string e0 = error_of([&] { load_segment_model(path("other.h5")); });
  EXPECT_NE(e0.find("kmeans"), std::string::npos) << e0;
  EXPECT_NE(e0.find("segments"), std::string::npos) << e0;

  for (const char* name : {"meta/scaler/medians", "params/centroids", "meta/scaler/clip", "meta/k",
                           "meta/k_scores/silhouette", "meta/features/recency_cap_days"}) {
    Checkpoint c = good;
    ASSERT_EQ(c.tensors.erase(name), 1u) << name;
    const std::string e = error_of([&] { segments_from_checkpoint(c); });
    EXPECT_NE(e.find(name), std::string::npos) << name << ": " << e;
  }
  {
    Checkpoint c = good;
    c.string_lists.erase("meta/feature_names");
    const std::string e = error_of([&] { segments_from_checkpoint(c); });
    EXPECT_NE(e.find("meta/feature_names"), std::string::npos) << e;
  }
  {
    Checkpoint c = good;
    c.tensors["params/centroids"] = TensorBlob::from(std::vector<float>(5, 0.0f));
    const std::string e = error_of([&] { segments_from_checkpoint(c); });
    EXPECT_NE(e.find("params/centroids has shape [5]"), std::string::npos) << e;
  }
  {
    Checkpoint c = good;
    c.tensors["meta/scaler/iqrs"] = TensorBlob::from(std::vector<float>(t.model.d(), 0.0f));
    const std::string e = error_of([&] { segments_from_checkpoint(c); });
    EXPECT_NE(e.find("meta/scaler"), std::string::npos) << e;
    EXPECT_NE(e.find("IQR 0"), std::string::npos) << e;
  }
  // A model whose category columns the dataset cannot reproduce: the scaler names the columns.
  SegmentModel m = t.model;
  m.features.categories = {"Kitchen", "Office", "Garden"};
  const std::string e1 = error_of([&] { assign_segments(m, g.ds); });
  EXPECT_NE(e1.find("missing: 'category_share:Clothes'"), std::string::npos) << e1;
  EXPECT_NE(e1.find("extra: 'category_share:Garden'"), std::string::npos) << e1;
}

TEST(SegmentModel, ParameterChecksNameTheField) {
  ThreeGroups g(1);
  SegmentParams p = small_params();
  const std::string e = error_of([&] { train_segments(g.ds, p); });
  EXPECT_NE(e.find("3 customers, fewer than k = 6"), std::string::npos) << e;
  p.ks = {3, 3};
  EXPECT_NE(error_of([&] { train_segments(g.ds, p); }).find("lists 3 twice"), std::string::npos);
  p = small_params();
  p.device = "tpu";
  EXPECT_NE(error_of([&] { check_segment_params(p); }).find("device"), std::string::npos);
  p = small_params();
  p.scaler_clip = -1;
  EXPECT_NE(error_of([&] { check_segment_params(p); }).find("scaler_clip"), std::string::npos);
  p = small_params();
  p.ks.clear();
  EXPECT_NE(error_of([&] { check_segment_params(p); }).find("ks is empty"), std::string::npos);
  p.k = 3;
  EXPECT_NO_THROW(check_segment_params(p));
}

// configs/segment.yaml holds every key of the three sections, each with its default value.
TEST(SegmentModel, ConfigFileHoldsEveryDefault) {
  SegmentParams defaults, loaded;
  CLI::App app_d, app_l;
  ParamSet sd(&app_d, "segment"), fd(&app_d, "customer_features"), rd(&app_d, "segment_report");
  ParamSet sl(&app_l, "segment"), fl(&app_l, "customer_features"), rl(&app_l, "segment_report");
  add_segment_params(sd, defaults);
  add_feature_params(fd, defaults.features);
  add_segment_report_params(rd, defaults.report);
  add_segment_params(sl, loaded);
  add_feature_params(fl, loaded.features);
  add_segment_report_params(rl, loaded.report);
  // Start `loaded` far from the defaults so a key missing from the file shows.
  loaded.ks = {99};
  loaded.n_init = 99;
  loaded.scaler_clip = 99;
  loaded.features.top_categories = 99;
  loaded.report.top_labels = 99;
  const std::string file = std::string(TAILOR_SOURCE_DIR) + "/configs/segment.yaml";
  const YAML::Node root = load_yaml_file(file);
  for (ParamSet* ps : {&sl, &fl, &rl}) ps->apply_yaml(root, file);
  for (const ParamSet* ps : {&sd, &fd, &rd})
    EXPECT_EQ(root[ps->section()].size(), ps->to_yaml().size()) << ps->section();
  auto emit = [](const ParamSet& ps) {
    YAML::Emitter e;
    e << ps.to_yaml();
    return std::string(e.c_str());
  };
  EXPECT_EQ(emit(sl), emit(sd));
  EXPECT_EQ(emit(fl), emit(fd));
  EXPECT_EQ(emit(rl), emit(rd));
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The real binaries: synth -> tailor-train segment -> tailor-infer segment.
TEST_F(SegmentFiles, BinariesEndToEnd) {
  const std::string bin = TAILOR_BIN_DIR;
  for (const char* b : {"tailor-train", "tailor-infer"})
    if (::access((bin + "/" + b).c_str(), X_OK) != 0)
      GTEST_SKIP() << bin << "/" << b << " is not built (build the tailor-train and tailor-infer targets)";
  auto run = [&](const std::string& cmd, const std::string& log) {
    const int rc = std::system((cmd + " > " + path(log) + " 2>&1").c_str());
    std::ifstream in(path(log));
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(rc, ss.str());
  };
  const std::string src = TAILOR_SOURCE_DIR;
  auto r = run(bin + "/tailor-train synth --config " + src + "/configs/synth.yaml --customers 2000 --products 300 "
               "--seed 5 --output " + path("shop.h5"), "synth.log");
  ASSERT_EQ(r.first, 0) << r.second;
  r = run(bin + "/tailor-train segment --config " + src + "/configs/segment.yaml --dataset " + path("shop.h5") +
              " --output " + path("segments.h5") + " --report-dir " + path("train_report") + " --ks 3 4 5 --n-init 2",
          "train.log");
  ASSERT_EQ(r.first, 0) << r.second;
  EXPECT_NE(r.second.find("chosen k = "), std::string::npos) << r.second;
  EXPECT_NE(r.second.find("silhouette"), std::string::npos) << r.second;
  for (const char* f : {"segments.h5", "train_report/segments.csv", "train_report/segments.md",
                        "train_report/segments.png"})
    EXPECT_TRUE(fs::is_regular_file(path(f))) << f;
  // The effective config is in the checkpoint, with the command-line values.
  const Checkpoint ck = read_checkpoint(path("segments.h5"), "segments");
  const YAML::Node cfg = YAML::Load(ck.config);
  EXPECT_EQ(cfg["segment"]["ks"].as<std::vector<int>>(), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(cfg["segment"]["n_init"].as<int>(), 2);
  EXPECT_EQ(cfg["customer_features"]["top_categories"].as<int>(), 8);
  const SegmentModel m = segments_from_checkpoint(ck);

  r = run(bin + "/tailor-infer segment --dataset " + path("shop.h5") + " --checkpoint " + path("segments.h5") +
              " --output " + path("assignments.csv") + " --report-dir " + path("infer_report"),
          "infer.log");
  ASSERT_EQ(r.first, 0) << r.second;
  for (const char* f : {"infer_report/segments.csv", "infer_report/segments.md", "infer_report/segments.png"})
    EXPECT_TRUE(fs::is_regular_file(path(f))) << f;
  const std::vector<std::string> lines = read_lines(path("assignments.csv"));
  const Dataset ds = read_dataset(path("shop.h5"));
  ASSERT_EQ(ds.customers.size(), 2000u);
  ASSERT_EQ(lines.size(), 2001u);
  EXPECT_EQ(lines[0], "customer_id,segment,distance");
  std::set<std::string> ids;
  std::vector<int64_t> sizes(m.k, 0);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::stringstream ss(lines[i]);
    std::string id, seg, dist;
    std::getline(ss, id, ',');
    std::getline(ss, seg, ',');
    std::getline(ss, dist, ',');
    EXPECT_EQ(id, ds.customers.external_id[i - 1]);
    ids.insert(id);
    const int s = std::stoi(seg);
    ASSERT_TRUE(s >= 0 && s < m.k) << lines[i];
    ++sizes[s];
    EXPECT_GE(std::stod(dist), 0.0);
  }
  EXPECT_EQ(ids.size(), 2000u);
  // Inference on the training data reproduces the training segment sizes.
  EXPECT_EQ(sizes, m.train_sizes);
  // Only ids: no e-mail address or first name of any customer in the CSV or the logs.
  const std::string csv_text = [&] {
    std::ifstream in(path("assignments.csv"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  EXPECT_EQ(csv_text.find('@'), std::string::npos);
  for (size_t i = 0; i < 50; ++i)
    if (!ds.customers.email[i].empty()) {
      EXPECT_EQ(r.second.find(ds.customers.email[i]), std::string::npos);
    }
}

// Online Retail's return_rate (median 0, IQR 0.021) dominates unclipped scaling: one segment then
// holds almost everyone. With the default clip no segment holds more than 60%.
TEST(SegmentModelRealData, OnlineRetailClipKeepsReturnRateFromDominating) {
  const char* env = std::getenv("TAILOR_SHARED_DATA");
  const std::string csv = env && *env ? std::string(env) + "/online_retail/online_retail.csv.xz" : "";
  if (csv.empty() || !fs::is_regular_file(csv))
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/online_retail/online_retail.csv.xz is absent (set TAILOR_SHARED_DATA)";
  const Dataset ds =
      import_csv(load_import_mapping(std::string(TAILOR_SOURCE_DIR) + "/configs/import/online_retail.yaml"), csv)
          .dataset;
  ASSERT_EQ(ds.customers.size(), 4372u);
  auto largest_share = [](const SegmentModel& m) {
    return double(*std::max_element(m.train_sizes.begin(), m.train_sizes.end())) / double(m.n_train_customers);
  };
  SegmentParams p;  // the documented defaults
  const SegmentTraining clipped = train_segments(ds, p);
  std::printf("%s", format_k_scores(clipped.model).c_str());
  EXPECT_LT(largest_share(clipped.model), 0.6);
  EXPECT_EQ(clipped.label_mismatches, 0);
  EXPECT_EQ(assign_segments(clipped.model, ds).labels, clipped.labels);
  p.scaler_clip = 0;
  const SegmentTraining raw = train_segments(ds, p);
  EXPECT_GT(largest_share(raw.model), 0.8);
}

}  // namespace
}  // namespace tailor
