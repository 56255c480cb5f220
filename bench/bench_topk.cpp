// Sparse cosine top-k benchmark (suite "topk"): tailor CPU and CUDA vs SciPy and scikit-learn on
// synthetic TF-IDF-like product vectors and customer profiles.
#include "bench/bench_topk.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/recommend/sparse_matrix.h"
#include "kernels/sparse_topk.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPath = "topk";

struct Scale {
  std::string name;
  std::int64_t customers = 0, products = 0, vocab = 0;
};

std::vector<Scale> parse_scales(const std::string& s) {
  std::vector<Scale> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "issue") {
      out.push_back({item, 1000000, 100000, 50000});
    } else if (item == "quick") {
      out.push_back({item, 20000, 5000, 4000});
    } else {
      Scale sc{item};
      char x1 = 0, x2 = 0;
      std::istringstream is(item);
      long long c = 0, p = 0, v = 0;
      std::string rest;
      const bool ok = static_cast<bool>(is >> c >> x1 >> p >> x2 >> v) && !(is >> rest) &&
                      x1 == 'x' && x2 == 'x' && c > 0 && p > 0 && v > 0;
      TAILOR_CHECK(ok, "tailor-bench topk: scale '"
                           << item << "' is not issue, quick or CUSTOMERSxPRODUCTSxVOCABULARY");
      sc.customers = c;
      sc.products = p;
      sc.vocab = v;
      out.push_back(sc);
    }
  }
  TAILOR_CHECK(!out.empty(), "tailor-bench topk: scale is empty");
  return out;
}

/// Term of rank r has probability ~ 1/sqrt(r) (u^2 sampling) and an idf-like weight.
CsrMatrix make_products(const Scale& s, const TopKBenchParams& bp, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  CsrMatrix m;
  m.rows = s.products;
  m.cols = s.vocab;
  m.indptr.push_back(0);
  std::vector<int32_t> terms;
  const int lo = std::max(1, bp.terms_per_product / 2),
            hi = std::max(lo, 3 * bp.terms_per_product / 2);
  for (int64_t p = 0; p < s.products; ++p) {
    const int n = lo + int(rng() % uint64_t(hi - lo + 1));
    terms.clear();
    for (int t = 0; t < n; ++t) {
      const double x = u(rng);
      terms.push_back(int32_t(std::min<double>(double(s.vocab - 1), std::floor(s.vocab * x * x))));
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    for (int32_t t : terms) {
      m.indices.push_back(t);
      m.values.push_back(float((std::log(double(s.vocab) / (t + 1.0)) + 1.0) * (0.5 + u(rng))));
    }
    m.indptr.push_back(m.nnz());
  }
  l2_normalize_rows(m);
  return m;
}

/// Customer profiles: weighted sums of products picked by popularity (u^2 over product ids).
CsrMatrix make_customers(const Scale& s, int64_t rows, const CsrMatrix& products,
                         const TopKBenchParams& bp, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  CsrMatrix m;
  m.rows = rows;
  m.cols = s.vocab;
  m.indptr.push_back(0);
  std::vector<std::pair<int32_t, float>> acc;
  const int max_products = std::max(1, 2 * bp.products_per_customer - 1);
  for (int64_t c = 0; c < rows; ++c) {
    const int n = 1 + int(rng() % uint64_t(max_products));
    acc.clear();
    for (int j = 0; j < n; ++j) {
      const double x = u(rng);
      const int64_t p = std::min<int64_t>(s.products - 1, int64_t(s.products * x * x));
      const float w = float(0.2 + u(rng));
      for (int64_t e = products.indptr[p]; e < products.indptr[p + 1]; ++e)
        acc.emplace_back(products.indices[e], w * products.values[e]);
    }
    std::sort(acc.begin(), acc.end());
    for (size_t j = 0; j < acc.size();) {
      size_t e = j;
      float v = 0;
      while (e < acc.size() && acc[e].first == acc[j].first) v += acc[e++].second;
      m.indices.push_back(acc[j].first);
      m.values.push_back(v);
      j = e;
    }
    m.indptr.push_back(m.nnz());
  }
  l2_normalize_rows(m);
  return m;
}

/// Multiply-adds of the inverted-index product: sum over query terms of the term's posting length.
double inverted_index_madds(const CsrMatrix& q, const CsrMatrix& p) {
  std::vector<std::int64_t> df(size_t(p.cols), 0);
  for (int32_t t : p.indices) ++df[size_t(t)];
  double s = 0.0;
  for (int32_t t : q.indices) s += double(df[size_t(t)]);
  return s;
}

template <class T>
void write_bin(const fs::path& p, const std::vector<T>& v) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
  TAILOR_CHECK(out.good(), "tailor-bench topk: cannot write " << p);
}

void write_csr(const fs::path& dir, const std::string& name, const CsrMatrix& m) {
  write_bin(dir / (name + "_indptr.bin"), m.indptr);
  write_bin(dir / (name + "_indices.bin"), m.indices);
  write_bin(dir / (name + "_values.bin"), m.values);
}

/// max |ours - theirs| over the top-k score lists; where tailor has no candidate (-inf) the peers'
/// dense argpartition returns score-0 items, compared as 0.
double max_score_diff(const TopKResult& ours, const std::vector<float>& theirs) {
  double worst = 0.0;
  for (size_t j = 0; j < theirs.size() && j < ours.scores.size(); ++j) {
    const float mine = std::isfinite(ours.scores[j]) ? ours.scores[j] : 0.0f;
    const float other = std::isfinite(theirs[j]) ? theirs[j] : 0.0f;
    worst = std::max(worst, double(std::fabs(mine - other)));
  }
  return worst;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : ",") + e;
  return s.empty() ? "none" : s;
}

}  // namespace

TopKBenchParams topk_bench_params(BenchGrid grid) {
  TopKBenchParams p;
  if (grid == BenchGrid::kQuick) {
    p.scale = "2000x2000x2000,8000x5000x4000";
    p.measure_rows = 0;
    p.warmup = 1;
    p.repeats = 3;
  } else {
    p.scale = "quick,issue";
  }
  return p;
}

void bind_topk_bench_params(ParamSet& ps, TopKBenchParams& p) {
  ps.add(
      "scale", &p.scale,
      "scales, comma separated: issue (1M x 100k, vocabulary 50k), quick (20k x 5k, 4k) or CxPxV");
  ps.add("measure_rows", &p.measure_rows,
         "customers actually timed per scale (0: all); throughput is extrapolated to all");
  ps.add("k", &p.k, "results per customer");
  ps.add("terms_per_product", &p.terms_per_product, "mean distinct terms per product");
  ps.add("products_per_customer", &p.products_per_customer, "mean products per profile");
  ps.add("peer_chunk_rows", &p.peer_chunk_rows, "query rows per chunk of the peers");
  ps.add("peers", &p.peers, "peers: scipy, sklearn, comma separated, or none");
  ps.add("devices", &p.devices, "devices: cpu, cuda, comma separated");
  ps.add("threads", &p.threads, "threads for every contender (0: the run's --threads)");
  ps.add("warmup", &p.warmup, "untimed runs per contender and scale");
  ps.add("repeats", &p.repeats, "timed runs per contender and scale (median and min reported)");
  ps.add("seed", &p.seed, "seed of the synthetic data");
}

void run_topk_bench(const TopKBenchParams& bp, BenchContext& ctx) {
  TAILOR_CHECK(bp.k >= 1 && bp.k <= 1000, "tailor-bench topk: k must be in 1..1000, got " << bp.k);
  TAILOR_CHECK(bp.measure_rows >= 0, "tailor-bench topk: measure_rows must be >= 0");
  TAILOR_CHECK(bp.terms_per_product >= 1 && bp.products_per_customer >= 1,
               "tailor-bench topk: terms_per_product and products_per_customer must be >= 1");
  TAILOR_CHECK(bp.peer_chunk_rows >= 1, "tailor-bench topk: peer_chunk_rows must be >= 1");
  const TimingOptions opt = ctx.timing(bp.warmup, bp.repeats);
  check_timing_options(opt, "tailor-bench topk");
  const auto scales = parse_scales(bp.scale);
  const auto peers = parse_name_list(bp.peers, {"scipy", "sklearn"}, "topk.peers");
  const auto devices = parse_name_list(bp.devices, {"cpu", "cuda"}, "topk.devices");
  const bool cpu = contains(devices, "cpu"), cuda = contains(devices, "cuda");
  const int threads = ctx.resolve_threads(bp.threads);
  ctx.use_threads(threads);
  std::string peer_absent;
  if (!peers.empty()) {
    peer_absent = ctx.python().missing({"numpy", "scipy", "sklearn"});
    if (peer_absent.empty()) ctx.python().peer_script("topk_scipy.py", &peer_absent);
  }

  for (const Scale& s : scales) {
    const int64_t rows = bp.measure_rows > 0 ? std::min(bp.measure_rows, s.customers) : s.customers;
    std::mt19937_64 rng(bp.seed);
    const CsrMatrix products = make_products(s, bp, rng);
    const CsrMatrix customers = make_customers(s, rows, products, bp, rng);
    const double madds = inverted_index_madds(customers, products);

    BenchRecord base;
    base.path = kPath;
    std::ostringstream id;
    id << "customers=" << s.customers << " products=" << s.products << " vocab=" << s.vocab
       << " rows=" << rows << " k=" << bp.k;
    base.case_id = id.str();
    base.shape = {
        {"customers", s.customers},
        {"products", s.products},
        {"vocabulary", s.vocab},
        {"rows_timed", rows},
        {"k", bp.k},
        {"nnz_per_customer", double(customers.nnz()) / double(std::max<int64_t>(1, rows))},
        {"nnz_per_product", double(products.nnz()) / double(s.products)}};
    base.size = double(rows) * double(s.products);
    base.size_unit = "rows*products";
    base.timed = "top-" + std::to_string(bp.k) + " of the timed customer rows against all products";
    base.threads = threads;
    base.timing = opt;
    base.work_units = double(rows);
    base.throughput_unit = "rows/s";
    const double scale_up = double(s.customers) / double(rows);

    BenchRecord tailor_cpu = base, tailor_gpu = base;
    tailor_cpu.flop = 2.0 * madds;
    tailor_cpu.comparisons = {{"vs scipy", "cpu/scipy"}, {"vs sklearn", "cpu/sklearn"}};
    tailor_gpu.device = "cuda";
    tailor_gpu.flop = 2.0 * madds;
    tailor_gpu.timed += " (host to host: includes the uploads and the result copy)";
    tailor_gpu.comparisons = {{"cuda vs cpu", "cpu/tailor"}};

    TopKResult ours;
    if (cpu) {
      ctx.measure(tailor_cpu, [&](BenchRecord& r) {
        SparseTopKParams tp;
        tp.k = bp.k;
        r.time = time_cpu(opt, [&] { ours = sparse_topk(customers, products, tp); });
        r.extra_figures["extrapolated_all_customers_s"] = r.median_s() * scale_up;
      });
    } else {
      ctx.add(with_status(tailor_cpu, BenchStatus::kSkipped,
                          "not selected (topk.devices: " + list_text(devices) + ")"));
    }
    if (cuda) {
      ctx.measure_gpu(tailor_gpu, [&](BenchRecord& r) {
        SparseTopKParams tp;
        tp.k = bp.k;
        tp.device = "cuda";
        TopKResult gpu;
        r.time = time_cpu(opt, [&] { gpu = sparse_topk(customers, products, tp); });
        r.extra_figures["extrapolated_all_customers_s"] = r.median_s() * scale_up;
        if (!ours.scores.empty())
          r.validation = {{"max_score_diff_vs_cpu", max_score_diff(ours, gpu.scores)}};
      });
    } else {
      ctx.add(with_status(tailor_gpu, BenchStatus::kSkipped,
                          "not selected (topk.devices: " + list_text(devices) + ")"));
    }

    // The peers read the same matrices from files.
    const fs::path dir = fs::path(ctx.scratch()) / "topk";
    bool written = false;
    for (const std::string method : {"scipy", "sklearn"}) {
      BenchRecord r = base;
      r.contender = method;
      if (!cpu || !contains(peers, method)) {
        ctx.add(with_status(r, BenchStatus::kSkipped,
                            !cpu ? "not selected (topk.devices: " + list_text(devices) + ")"
                                 : "not selected (topk.peers: " + list_text(peers) + ")"));
        continue;
      }
      if (!peer_absent.empty()) {
        ctx.add(with_status(r, BenchStatus::kAbsent, peer_absent));
        continue;
      }
      ctx.measure(r, [&](BenchRecord& rec) {
        if (!written) {
          fs::create_directories(dir);
          write_csr(dir, "q", customers);
          write_csr(dir, "p", products);
          written = true;
        }
        const nlohmann::json out =
            ctx.python().run_json(ctx.python().peer_script("topk_scipy.py", nullptr),
                                  {dir.string(), method, std::to_string(customers.rows),
                                   std::to_string(products.rows), std::to_string(customers.cols),
                                   std::to_string(bp.k), std::to_string(bp.peer_chunk_rows),
                                   std::to_string(bp.warmup), std::to_string(bp.repeats),
                                   std::to_string(opt.min_time_s), std::to_string(opt.max_repeats)},
                                  threads);
        for (const auto& e : out.at("samples")) rec.time.samples.push_back(e.get<double>());
        rec.extra_figures["extrapolated_all_customers_s"] = rec.median_s() * scale_up;
        if (!ours.scores.empty()) {
          std::vector<float> scores(size_t(customers.rows) * bp.k);
          std::ifstream in(dir / (method + "_scores.bin"), std::ios::binary);
          in.read(reinterpret_cast<char*>(scores.data()),
                  std::streamsize(scores.size() * sizeof(float)));
          TAILOR_CHECK(in.good(), "tailor-bench topk: " << method << " peer wrote no scores");
          rec.validation = {{"max_score_diff_vs_tailor", max_score_diff(ours, scores)}};
        }
      });
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
}

namespace {

const BenchSuiteRegistrar kSuite(
    {"topk",
     {kPath},
     "sparse cosine top-k of customers x products: tailor CPU / CUDA vs SciPy and scikit-learn",
     [](BenchGrid grid, ParamSet& ps) -> BenchSuiteRun {
       auto p = std::make_shared<TopKBenchParams>(topk_bench_params(grid));
       bind_topk_bench_params(ps, *p);
       return [p](BenchContext& ctx) { run_topk_bench(*p, ctx); };
     },
     30});

}  // namespace
}  // namespace tailor
