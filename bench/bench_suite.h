// The registry of tailor-bench suites and the context they measure in. A suite is one file
// (bench/suite_<name>.cpp) with a static BenchSuiteRegistrar: it binds its parameters (defaults of
// the quick or full grid) and, when run, adds one BenchRecord per case x contender to the context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_python.h"
#include "bench/bench_record.h"
#include "core/config/param_set.h"

namespace tailor {

/// quick: small grids for tests (the whole `tailor-bench --quick` in a few minutes on 2 cores);
/// full: the grids of the issues (hours on 2 cores, minutes on a GPU machine).
enum class BenchGrid { kQuick, kFull };
const char* bench_grid_name(BenchGrid g);

/// A device's measured limits (the roofline suite sets them); records on that device with FLOP or
/// byte counts are reported as fractions of them.
struct BenchRoofline {
  double flop_per_s = 0.0;
  std::string flop_source;  ///< e.g. "OpenBLAS SGEMM 1024^3, 2 threads"
  double bytes_per_s = 0.0;
  std::string bytes_source;
};

/// Where suites put their records; owns the scratch folder and the Python probe.
class BenchContext {
 public:
  /// threads: 0 = every logical CPU. min_time_s: see TimingOptions (applied to every suite by
  /// timing()). scratch_parent: where the scratch folder is made ("" = the temp folder).
  BenchContext(BenchGrid grid, int threads, std::string python, const std::string& scratch_parent,
               double min_time_s = 0.0);
  ~BenchContext();
  BenchContext(const BenchContext&) = delete;
  BenchContext& operator=(const BenchContext&) = delete;

  BenchGrid grid() const { return grid_; }
  /// Threads for every contender unless a suite's own `threads` (> 0) overrides it.
  int threads() const { return threads_; }
  /// `suite_threads` if > 0, else threads().
  int resolve_threads(int suite_threads) const {
    return suite_threads > 0 ? suite_threads : threads_;
  }
  /// A suite's timing options: its warm-up and repeats with the run's min_time_s.
  TimingOptions timing(int warmup, int repeats) const { return {warmup, repeats, min_time_s_}; }
  double min_time_s() const { return min_time_s_; }
  /// Sets OpenMP's and OpenBLAS's thread counts (tailor, FAISS).
  void use_threads(int threads) const;
  /// The Python peers' interpreter (probed on first use: one process).
  const PythonPeers& python();
  const std::string& python_path() const { return python_path_; }
  /// A private folder for peer data files; removed with the context.
  const std::string& scratch() const { return scratch_; }

  /// Empty when GPU records can be measured; else the reason they are skipped.
  std::string gpu_skip_reason() const;

  void set_roofline(const std::string& device, const BenchRoofline& r);
  /// The roofline of "cpu" or "cuda", or null when it was not measured.
  const BenchRoofline* roofline(const std::string& device) const;
  const std::vector<std::pair<std::string, BenchRoofline>>& rooflines() const { return rooflines_; }

  /// Adds a record and logs it. An ok record must carry positive finite samples (else it becomes
  /// failed, saying so); a record that is not ok must carry a reason.
  void add(BenchRecord r);
  /// Runs `measure` on a copy of `base` (which it fills: time, validation...) and adds it; an
  /// exception turns it into a failed record with the message.
  void measure(const BenchRecord& base, const std::function<void(BenchRecord&)>& measure);
  /// Adds `base` as skipped with the GPU's reason when no GPU is usable, else measures it.
  void measure_gpu(const BenchRecord& base, const std::function<void(BenchRecord&)>& measure);

  /// Fills comparisons and roofline fractions of every record (call once all suites ran).
  void finish();
  const std::vector<BenchRecord>& records() const { return records_; }
  std::vector<BenchRecord>& records() { return records_; }

 private:
  BenchGrid grid_;
  int threads_;
  double min_time_s_;
  std::string python_path_;
  std::unique_ptr<PythonPeers> python_;
  std::string scratch_;
  std::vector<std::pair<std::string, BenchRoofline>> rooflines_;
  std::vector<BenchRecord> records_;
};

/// What a suite's setup returns: the measurement, run after the config file was applied.
using BenchSuiteRun = std::function<void(BenchContext& ctx)>;

struct BenchSuite {
  /// Selection name (`--paths <name>`) and YAML section under `quick:` / `full:`.
  std::string name;
  /// Record paths the suite emits; a complete report has records of each.
  std::vector<std::string> paths;
  std::string description;
  /// Binds the suite's parameter struct, initialised with the defaults of `grid`, to `params`.
  std::function<BenchSuiteRun(BenchGrid grid, ParamSet& params)> setup;
  /// Suites run by increasing order, then name (the roofline runs first: order 0).
  int order = 100;
};

/// Registered suites, in registration order (use bench_suites() for run order).
std::vector<BenchSuite>& bench_suite_registry();
/// The registered suites sorted by (order, name).
std::vector<BenchSuite> bench_suites();

struct BenchSuiteRegistrar {
  explicit BenchSuiteRegistrar(BenchSuite suite) {
    bench_suite_registry().push_back(std::move(suite));
  }
};

/// Positive integers of a comma-separated list; throws naming `field`.
std::vector<std::int64_t> parse_positive_list(const std::string& s, const std::string& field);
/// Names of a comma-separated list, each one of `allowed` ("none" = empty list); throws naming
/// `field` and listing the allowed names.
std::vector<std::string> parse_name_list(const std::string& s,
                                         const std::vector<std::string>& allowed,
                                         const std::string& field);
bool contains(const std::vector<std::string>& names, const std::string& name);

}  // namespace tailor
