// Micro-benchmark of the email job's rendering and writing path (eligibility, slot filling,
// templates, MIME encoding, mbox + manifest + audit writing) with fixed, cheap model steps, so
// that the figure is the job's own cost per message. For `tailor-bench`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

struct EmailRenderBenchParams {
  /// Customers (all eligible; one email each).
  int64_t messages = 100000;
  /// Campaign templates (configs/templates).
  std::string templates_dir = "configs/templates";
  /// Scratch folder for the output (created; emptied before each repeat, removed at the end).
  std::string scratch_dir = "/tmp/tailor_bench_email";
  /// Rendering threads (0 = OpenMP default).
  int threads = 0;
  /// Customers per batch.
  int batch_size = 4096;
  /// Timed runs; the fastest counts.
  int repeats = 1;
  /// Seed of the synthetic catalogue and names.
  uint64_t seed = 42;
};

struct EmailRenderBenchResult {
  int64_t messages = 0;      ///< emails written per run
  double setup_seconds = 0;  ///< building the job (templates, eligibility state), not in the rate
  double seconds = 0;        ///< fastest timed run (EmailJob::run)
  std::vector<double> run_seconds;
  uint64_t bytes = 0;  ///< bytes of the mbox, manifest and audit files of one run
  double messages_per_second() const { return seconds > 0 ? messages / seconds : 0; }
  double mib_per_second() const { return seconds > 0 ? bytes / seconds / (1 << 20) : 0; }
};

/// Builds a synthetic shop of `messages` customers in memory (catalogue of the synthetic shop,
/// 2,000 products), runs the email job on it with fixed model doubles (campaign by customer hash,
/// four recommended items, copy drawn from a fixed set of drafts with slots) and times it.
EmailRenderBenchResult bench_email_render(const EmailRenderBenchParams& p);

}  // namespace tailor
