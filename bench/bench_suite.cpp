// The suite registry, the measurement context (threads, scratch folder, Python probe, rooflines,
// records) and the list parsers shared by the suites.
#include "bench/bench_suite.h"

#include <cblas.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <thread>

#include "bench/bench_gpu.h"
#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

std::string format_seconds(double s) {
  char buf[64];
  if (s >= 1.0) {
    std::snprintf(buf, sizeof buf, "%.3f s", s);
  } else if (s >= 1e-3) {
    std::snprintf(buf, sizeof buf, "%.3f ms", 1e3 * s);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f us", 1e6 * s);
  }
  return buf;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  return out;
}

}  // namespace

const char* bench_grid_name(BenchGrid g) { return g == BenchGrid::kQuick ? "quick" : "full"; }

BenchContext::BenchContext(BenchGrid grid, int threads, std::string python,
                           const std::string& scratch_parent, double min_time_s)
    : grid_(grid), min_time_s_(min_time_s), python_path_(std::move(python)) {
  TAILOR_CHECK(min_time_s >= 0, "tailor-bench: min_time must be >= 0, got " << min_time_s);
  TAILOR_CHECK(threads >= 0, "tailor-bench: threads must be >= 0 (0 = every CPU), got " << threads);
  threads_ = threads > 0 ? threads : std::max(1, int(std::thread::hardware_concurrency()));
  const fs::path parent =
      scratch_parent.empty() ? fs::temp_directory_path() : fs::path(scratch_parent);
  scratch_ = (parent / ("tailor_bench_" + std::to_string(getpid()))).string();
  fs::create_directories(scratch_);
}

BenchContext::~BenchContext() {
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

void BenchContext::use_threads(int threads) const {
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

const PythonPeers& BenchContext::python() {
  if (!python_) python_ = std::make_unique<PythonPeers>(python_path_);
  return *python_;
}

std::string BenchContext::gpu_skip_reason() const {
  const GpuBenchInfo& g = gpu_bench_info();
  return g.usable ? std::string() : g.reason;
}

void BenchContext::set_roofline(const std::string& device, const BenchRoofline& r) {
  for (auto& e : rooflines_)
    if (e.first == device) {
      e.second = r;
      return;
    }
  rooflines_.emplace_back(device, r);
}

const BenchRoofline* BenchContext::roofline(const std::string& device) const {
  for (const auto& e : rooflines_)
    if (e.first == device) return &e.second;
  return nullptr;
}

void BenchContext::add(BenchRecord r) {
  if (r.status == BenchStatus::kOk) {
    const bool good =
        !r.time.samples.empty() && std::all_of(r.time.samples.begin(), r.time.samples.end(),
                                               [](double s) { return std::isfinite(s) && s > 0; });
    if (!good)
      r = with_status(r, BenchStatus::kFailed, "a timed sample was not a positive finite time");
  }
  TAILOR_CHECK(r.status == BenchStatus::kOk || !r.reason.empty(),
               "tailor-bench: " << r.path << " " << r.case_id << " " << r.series() << " is "
                                << bench_status_name(r.status) << " without a reason");
  if (r.status == BenchStatus::kOk) {
    spdlog::info("[{}] {} {}: {} median of {} (min {})", r.path, r.case_id, r.series(),
                 format_seconds(r.median_s()), r.time.samples.size(), format_seconds(r.time.min()));
  } else {
    spdlog::info("[{}] {} {}: {}: {}", r.path, r.case_id, r.series(), bench_status_name(r.status),
                 r.reason);
  }
  records_.push_back(std::move(r));
}

void BenchContext::measure(const BenchRecord& base, const std::function<void(BenchRecord&)>& fn) {
  BenchRecord r = base;
  try {
    fn(r);
  } catch (const std::exception& e) {
    add(with_status(base, BenchStatus::kFailed, e.what()));
    return;
  }
  add(std::move(r));
}

void BenchContext::measure_gpu(const BenchRecord& base,
                               const std::function<void(BenchRecord&)>& fn) {
  const std::string why = gpu_skip_reason();
  if (!why.empty()) {
    add(with_status(base, BenchStatus::kSkipped, why));
    return;
  }
  measure(base, fn);
}

void BenchContext::finish() {
  compute_comparisons(records_);
  for (BenchRecord& r : records_) {
    r.roofline_flop_fraction = r.roofline_bandwidth_fraction = 0.0;
    const BenchRoofline* roof = roofline(r.device);
    if (r.status != BenchStatus::kOk || roof == nullptr) continue;
    if (r.flop > 0 && roof->flop_per_s > 0)
      r.roofline_flop_fraction = r.flop_per_s() / roof->flop_per_s;
    if (r.bytes > 0 && roof->bytes_per_s > 0)
      r.roofline_bandwidth_fraction = r.bytes_per_s() / roof->bytes_per_s;
  }
}

std::vector<BenchSuite>& bench_suite_registry() {
  static std::vector<BenchSuite> registry;
  return registry;
}

std::vector<BenchSuite> bench_suites() {
  std::vector<BenchSuite> s = bench_suite_registry();
  std::sort(s.begin(), s.end(), [](const BenchSuite& a, const BenchSuite& b) {
    return a.order != b.order ? a.order < b.order : a.name < b.name;
  });
  return s;
}

std::vector<std::int64_t> parse_positive_list(const std::string& s, const std::string& field) {
  std::vector<std::int64_t> out;
  for (const std::string& item : split_commas(s)) {
    long long v = 0;
    size_t used = 0;
    try {
      v = std::stoll(item, &used);
    } catch (...) {
      used = 0;
    }
    TAILOR_CHECK(used == item.size() && !item.empty() && v > 0,
                 "tailor-bench: " << field << ": '" << item << "' is not a positive integer");
    out.push_back(v);
  }
  TAILOR_CHECK(!out.empty(), "tailor-bench: " << field << " is empty");
  return out;
}

std::vector<std::string> parse_name_list(const std::string& s,
                                         const std::vector<std::string>& allowed,
                                         const std::string& field) {
  std::vector<std::string> out;
  if (s == "none") return out;
  for (const std::string& item : split_commas(s)) {
    if (!contains(allowed, item)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      TAILOR_FAIL("tailor-bench: " << field << ": unknown name '" << item << "' (known: " << list
                                   << ", or none)");
    }
    if (!contains(out, item)) out.push_back(item);
  }
  return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace tailor
