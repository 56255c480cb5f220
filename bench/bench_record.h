// One line of a tailor-bench report: a contender timed on one case of one hot path, or the reason
// it was not (peer absent, case skipped, measurement failed). Serialised to the report JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "bench/bench_timer.h"

namespace tailor {
/// JSON of the report: objects keep their insertion order (shape columns stay n, d, k).
using BenchJson = nlohmann::ordered_json;
}  // namespace tailor

namespace tailor {

enum class BenchStatus {
  kOk,       ///< measured: the figures are set
  kAbsent,   ///< the peer is not installed / not compiled in (reason says which)
  kSkipped,  ///< not measured on purpose: no GPU, not selected, too large (reason says why)
  kFailed,   ///< the measurement threw (reason = the message)
};

const char* bench_status_name(BenchStatus s);

/// "This record's median is `speedup` times faster than the record of series `against` in the same
/// case" (speedup = other median / this median; > 1 means this one is faster).
struct BenchComparison {
  BenchComparison() = default;
  BenchComparison(std::string label_, std::string against_)
      : label(std::move(label_)), against(std::move(against_)) {}
  /// Column label in the report ("vs faiss", "cuda vs cpu", "batched vs loop").
  std::string label;
  /// Series id of the other record of the same path and case ("cpu/faiss").
  std::string against;
  /// Filled by compute_comparisons when both records are ok; 0 otherwise.
  double speedup = 0.0;
  /// Why there is no speedup ("cpu/sklearn absent"); empty when there is one.
  std::string missing;
};

struct BenchRecord {
  /// Hot path, "<suite group>.<what>": "kmeans.assign", "topk", "email.render", ...
  std::string path;
  /// The case within the path, identical for every contender of that case ("n=20000 d=32 k=64").
  std::string case_id;
  /// The case's parameters as numbers or strings ({"n": 20000, "d": 32, "k": 64}).
  BenchJson shape = BenchJson::object();
  /// The x axis of the plots and what it counts ("n*k*d", "messages", ...).
  double size = 0.0;
  std::string size_unit;
  /// What one timed sample covers ("one assignment of all points", "per Lloyd iteration").
  std::string timed;
  /// "cpu" or "cuda".
  std::string device = "cpu";
  /// "tailor" or the peer's name ("faiss", "sklearn", "scipy", "python-email", "cublas").
  std::string contender = "tailor";
  /// Method within the contender ("fused", "gemm", "batched", "loop"); empty when there is one.
  std::string variant;
  /// Threads the contender was given.
  int threads = 0;
  TimingOptions timing;
  BenchStatus status = BenchStatus::kOk;
  /// Why a record is absent, skipped or failed (required then; empty when ok).
  std::string reason;
  /// Timed samples in seconds (status ok).
  Timing time;
  /// Work of one timed sample, per second of the median: throughput in `throughput_unit`.
  double work_units = 0.0;
  std::string throughput_unit;
  /// Floating-point operations and bytes moved by one timed sample (0: not meaningful). Reported
  /// as FLOP/s and GB/s of the median, and as fractions of the machine's roofline.
  double flop = 0.0;
  double bytes = 0.0;
  /// Comparisons with other records of the same case (speedups filled after the case ran).
  std::vector<BenchComparison> comparisons;
  /// Fractions of the measured SGEMM rate and copy bandwidth of this device (0: not computed).
  double roofline_flop_fraction = 0.0;
  double roofline_bandwidth_fraction = 0.0;
  /// Further figures of an ok record, by name (positive numbers, e.g. an extrapolated time).
  BenchJson extra_figures = BenchJson::object();
  /// Correctness figures of the run (max score difference, inertia, label mismatches); not timings.
  BenchJson validation = BenchJson::object();

  /// "device/contender[/variant]", e.g. "cpu/tailor/fused": one line of a plot.
  std::string series() const;
  double median_s() const { return time.median(); }
  double flop_per_s() const;
  double bytes_per_s() const;
  double throughput() const;
};

/// A copy of `base` with status `s` and `reason` (absent, skipped, failed), timings cleared.
BenchRecord with_status(BenchRecord base, BenchStatus s, std::string reason);

/// Fills the speedups of every comparison whose two records (same path and case) are ok.
void compute_comparisons(std::vector<BenchRecord>& records);

/// The record as the report stores it (figures only when ok; reason when not).
BenchJson to_json(const BenchRecord& r);

}  // namespace tailor
