// Timing of one benchmark case: warm-up runs, timed repeats, median and minimum. On the CPU a
// monotonic clock; the GPU twin (CUDA events, L2 flushed between repeats) is in bench_gpu.h.
#pragma once

#include <functional>
#include <vector>

namespace tailor {

/// How a case is timed.
struct TimingOptions {
  /// Untimed runs before the timed ones (caches, page faults, thread pools, lazy init).
  int warmup = 1;
  /// Timed runs at least; the report gives their median and minimum.
  int repeats = 5;
  /// Short cases keep being timed (beyond `repeats`) until their timed runs add up to this many
  /// seconds, so that a median of a 100 us case is not decided by one preemption; 0 = exactly
  /// `repeats` runs.
  double min_time_s = 0.0;
  /// Upper bound on the timed runs that min_time_s may add up to.
  int max_repeats = 100;
};

/// The timed samples of one case, in seconds (one per repeat, in run order).
struct Timing {
  std::vector<double> samples;
  /// Median of the samples (mean of the two middle ones for an even count); 0 when empty.
  double median() const;
  /// Fastest sample; 0 when empty.
  double min() const;
  /// Every sample divided by `units` (e.g. a fit's time per Lloyd iteration).
  Timing per(double units) const;
};

/// Runs `body` opt.warmup times untimed, then opt.repeats times timed with std::chrono's steady
/// clock (more while the timed runs add up to less than opt.min_time_s, at most opt.max_repeats).
/// `before_each`, when given, runs before every run (timed or not) outside the timing, e.g. to
/// reset an output folder.
Timing time_cpu(const TimingOptions& opt, const std::function<void()>& body,
                const std::function<void()>& before_each = {});

/// Checks warmup >= 0, repeats >= 1, min_time_s >= 0, max_repeats >= repeats; throws
/// tailor::Error naming `what`.
void check_timing_options(const TimingOptions& opt, const char* what);

/// True while another timed run is due after `done` runs taking `total_s` seconds.
bool timing_wants_more(const TimingOptions& opt, int done, double total_s);

}  // namespace tailor
