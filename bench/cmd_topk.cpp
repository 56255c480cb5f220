// `tailor-bench topk`: CPU time of tailor's sparse cosine top-k vs SciPy (sparse product +
// argpartition per chunk) and scikit-learn (cosine_similarity per chunk) on the same synthetic
// TF-IDF-like data; prints a table and writes JSON.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/io/atomic_file.h"
#include "core/recommend/sparse_matrix.h"
#include "kernels/sparse_topk.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Parameters of `tailor-bench topk` (configs/bench_topk.yaml).
struct TopKBenchParams {
  /// "issue" (1M customers x 100k products, vocabulary 50k) or "quick" (20k x 5k, vocabulary 4k).
  std::string scale = "issue";
  /// Query rows actually timed (the first ones); the per-row throughput is extrapolated to all
  /// customers of the scale. 0 = all.
  int64_t measure_rows = 50000;
  /// Results per customer.
  int k = 10;
  /// Mean number of distinct terms per product vector (uniform in [mean/2, 3 mean/2]).
  int terms_per_product = 12;
  /// Mean number of products in a customer profile (uniform in [1, 2 mean - 1]).
  int products_per_customer = 8;
  /// Query rows per chunk of the SciPy and scikit-learn peers (dense chunk x products scores).
  int64_t peer_chunk_rows = 256;
  /// Peers to time: any of scipy, sklearn (comma separated), or "none".
  std::string peers = "scipy,sklearn";
  /// Threads for every contender (OpenMP; the peers via OMP/OPENBLAS_NUM_THREADS).
  int threads = 2;
  /// Timed runs per contender; the fastest counts.
  int repeats = 1;
  /// Seed of the synthetic data.
  uint64_t seed = 42;
  /// Python with numpy, scipy and scikit-learn.
  std::string python = "/usr/bin/python3";
  /// Write the results as JSON here (atomically); empty = table only.
  std::string json;
};

struct Scale {
  int64_t customers, products, vocab;
};

/// Term of rank r has probability ~ 1/sqrt(r) (u^2 sampling) and an idf-like weight.
CsrMatrix make_products(const Scale& s, const TopKBenchParams& bp, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  CsrMatrix m;
  m.rows = s.products;
  m.cols = s.vocab;
  m.indptr.push_back(0);
  std::vector<int32_t> terms;
  const int lo = std::max(1, bp.terms_per_product / 2), hi = std::max(lo, 3 * bp.terms_per_product / 2);
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

struct PeerResult {
  double seconds = 0;
  double max_score_diff = 0;  ///< max |tailor - peer| over the top-k score lists
};

PeerResult run_peer(const std::string& method, const TopKBenchParams& bp, const fs::path& dir,
                    const CsrMatrix& q, const CsrMatrix& p, const TopKResult& ours) {
  const fs::path script = fs::path(TAILOR_SOURCE_DIR) / "scripts" / "peers" / "topk_scipy.py";
  std::ostringstream cmd;
  cmd << "OMP_NUM_THREADS=" << bp.threads << " OPENBLAS_NUM_THREADS=" << bp.threads << " "
      << bp.python << " " << script.string() << " " << dir.string() << " " << method << " "
      << q.rows << " " << p.rows << " " << q.cols << " " << bp.k << " " << bp.peer_chunk_rows
      << " " << bp.repeats;
  FILE* f = popen(cmd.str().c_str(), "r");
  TAILOR_CHECK(f, "tailor-bench topk: cannot run " << cmd.str());
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, f)) out += buf;
  const int rc = pclose(f);
  TAILOR_CHECK(rc == 0, "tailor-bench topk: " << method << " peer failed (" << cmd.str() << ")");
  PeerResult r;
  r.seconds = nlohmann::json::parse(out).at("seconds").get<double>();
  std::vector<float> scores(size_t(q.rows) * bp.k);
  std::ifstream in(dir / (method + "_scores.bin"), std::ios::binary);
  in.read(reinterpret_cast<char*>(scores.data()), std::streamsize(scores.size() * sizeof(float)));
  TAILOR_CHECK(in.good(), "tailor-bench topk: " << method << " peer wrote no scores");
  for (size_t j = 0; j < scores.size(); ++j) {
    // Where tailor has no candidate (-inf), the peers' dense argpartition returns score 0 items.
    const float mine = std::isfinite(ours.scores[j]) ? ours.scores[j] : 0.0f;
    r.max_score_diff = std::max(r.max_score_diff, double(std::fabs(mine - scores[j])));
  }
  return r;
}

void run_bench(TopKBenchParams bp, bool quick) {
  if (quick) bp.scale = "quick";
  TAILOR_CHECK(bp.scale == "issue" || bp.scale == "quick",
               "tailor-bench topk: --scale must be issue or quick, got '" << bp.scale << "'");
  TAILOR_CHECK(bp.k >= 1 && bp.k <= 1000, "tailor-bench topk: --k must be in 1..1000, got " << bp.k);
  TAILOR_CHECK(bp.measure_rows >= 0, "tailor-bench topk: --measure_rows must be >= 0");
  TAILOR_CHECK(bp.terms_per_product >= 1 && bp.products_per_customer >= 1,
               "tailor-bench topk: --terms_per_product and --products_per_customer must be >= 1");
  TAILOR_CHECK(bp.peer_chunk_rows >= 1, "tailor-bench topk: --peer_chunk_rows must be >= 1");
  TAILOR_CHECK(bp.threads >= 1 && bp.repeats >= 1,
               "tailor-bench topk: --threads and --repeats must be >= 1");
  const Scale s = bp.scale == "quick" ? Scale{20000, 5000, 4000} : Scale{1000000, 100000, 50000};
  const int64_t rows = bp.measure_rows > 0 ? std::min(bp.measure_rows, s.customers) : s.customers;
  omp_set_num_threads(bp.threads);

  std::mt19937_64 rng(bp.seed);
  const CsrMatrix products = make_products(s, bp, rng);
  const CsrMatrix customers = make_customers(s, rows, products, bp, rng);
  spdlog::info("topk bench: {} of {} customers x {} products, vocabulary {}, nnz/customer {:.1f}, "
               "nnz/product {:.1f}, k {}, threads {}",
               rows, s.customers, s.products, s.vocab, double(customers.nnz()) / rows,
               double(products.nnz()) / s.products, bp.k, bp.threads);

  SparseTopKParams tp;
  tp.k = bp.k;
  double tailor_s = INFINITY;
  TopKResult ours;
  for (int rep = 0; rep < bp.repeats; ++rep) {
    auto t0 = Clock::now();
    ours = sparse_topk(customers, products, tp);
    tailor_s = std::min(tailor_s, std::chrono::duration<double>(Clock::now() - t0).count());
  }

  const fs::path dir = fs::temp_directory_path() / ("tailor_bench_topk_" + std::to_string(getpid()));
  fs::create_directories(dir);
  write_csr(dir, "q", customers);
  write_csr(dir, "p", products);
  nlohmann::json j;
  j["scale"] = bp.scale;
  j["customers"] = s.customers;
  j["products"] = s.products;
  j["vocabulary"] = s.vocab;
  j["measured_rows"] = rows;
  j["k"] = bp.k;
  j["threads"] = bp.threads;
  j["nnz_per_customer"] = double(customers.nnz()) / rows;
  j["nnz_per_product"] = double(products.nnz()) / s.products;
  const double scale_up = double(s.customers) / double(rows);
  auto row = [&](const std::string& name, double sec, double diff) {
    std::printf("%-10s | %12.3f | %14.0f | %16.1f | %10.2f | %10.2e\n", name.c_str(), sec,
                rows / sec, sec * scale_up, sec / tailor_s, diff);
    j["contenders"][name] = {{"seconds", sec}, {"rows_per_second", rows / sec},
                             {"extrapolated_full_seconds", sec * scale_up},
                             {"over_tailor", sec / tailor_s}, {"max_score_diff", diff}};
  };
  std::printf("%-10s | %12s | %14s | %16s | %10s | %10s\n", "contender", "seconds", "rows/s",
              "all customers s", "x tailor", "max |diff|");
  row("tailor", tailor_s, 0.0);
  std::fflush(stdout);
  for (const std::string method : {"scipy", "sklearn"}) {
    if (bp.peers.find(method) == std::string::npos) continue;
    PeerResult r = run_peer(method, bp, dir, customers, products, ours);
    row(method, r.seconds, r.max_score_diff);
    std::fflush(stdout);
  }
  fs::remove_all(dir);
  if (!bp.json.empty()) {
    AtomicOutputFile out(bp.json);
    out.stream() << j.dump(2) << "\n";
    out.commit();
    spdlog::info("topk bench: wrote {}", bp.json);
  }
}

const CommandRegistrar kRegistrar({
    "topk",
    "Sparse cosine top-k CPU time: tailor vs SciPy and scikit-learn (same synthetic data)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
      auto bp = std::make_shared<TopKBenchParams>();
      auto ps = std::make_unique<ParamSet>(sub, "bench_topk");
      ps->add("scale", &bp->scale, "issue (1M x 100k, vocabulary 50k) or quick (20k x 5k, 4k)");
      ps->add("measure_rows", &bp->measure_rows,
              "customers actually timed (0: all); throughput is extrapolated to all");
      ps->add("k", &bp->k, "results per customer");
      ps->add("terms_per_product", &bp->terms_per_product, "mean distinct terms per product");
      ps->add("products_per_customer", &bp->products_per_customer, "mean products per profile");
      ps->add("peer_chunk_rows", &bp->peer_chunk_rows, "query rows per chunk of the peers");
      ps->add("peers", &bp->peers, "peers to time: scipy, sklearn, comma separated, or none");
      ps->add("threads", &bp->threads, "threads for every contender");
      ps->add("repeats", &bp->repeats, "timed runs per contender (the fastest counts)");
      ps->add("seed", &bp->seed, "seed of the synthetic data");
      ps->add("python", &bp->python, "python with numpy, scipy and scikit-learn");
      ps->add("json", &bp->json, "write results as JSON to this file");
      params.push_back(std::move(ps));
      auto quick = std::make_shared<bool>(false);
      sub->add_flag("--quick", *quick, "same as --scale quick (a small scale for tests)");
      return [bp, quick] { run_bench(*bp, *quick); };
    }});

}  // namespace
}  // namespace tailor
