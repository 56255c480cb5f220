// Monotonic-clock timing with warm-up and repeats, and the statistics of the samples.
#include "bench/bench_timer.h"

#include <algorithm>
#include <chrono>

#include "core/common/error.h"

namespace tailor {

double Timing::median() const {
  if (samples.empty()) return 0.0;
  std::vector<double> s = samples;
  std::sort(s.begin(), s.end());
  const size_t m = s.size() / 2;
  return s.size() % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

double Timing::min() const {
  return samples.empty() ? 0.0 : *std::min_element(samples.begin(), samples.end());
}

Timing Timing::per(double units) const {
  TAILOR_CHECK(units > 0, "Timing::per: units must be positive, got " << units);
  Timing t;
  for (double s : samples) t.samples.push_back(s / units);
  return t;
}

void check_timing_options(const TimingOptions& opt, const char* what) {
  TAILOR_CHECK(opt.warmup >= 0, what << ": warmup must be >= 0, got " << opt.warmup);
  TAILOR_CHECK(opt.repeats >= 1, what << ": repeats must be >= 1, got " << opt.repeats);
  TAILOR_CHECK(opt.min_time_s >= 0, what << ": min_time must be >= 0, got " << opt.min_time_s);
  TAILOR_CHECK(opt.max_repeats >= opt.repeats, what << ": max_repeats (" << opt.max_repeats
                                                    << ") is below repeats (" << opt.repeats
                                                    << ")");
}

bool timing_wants_more(const TimingOptions& opt, int done, double total_s) {
  if (done < opt.repeats) return true;
  return total_s < opt.min_time_s && done < opt.max_repeats;
}

Timing time_cpu(const TimingOptions& opt, const std::function<void()>& body,
                const std::function<void()>& before_each) {
  check_timing_options(opt, "time_cpu");
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < opt.warmup; ++i) {
    if (before_each) before_each();
    body();
  }
  Timing t;
  double total = 0.0;
  while (timing_wants_more(opt, int(t.samples.size()), total)) {
    if (before_each) before_each();
    const auto t0 = Clock::now();
    body();
    t.samples.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    total += t.samples.back();
  }
  return t;
}

}  // namespace tailor
