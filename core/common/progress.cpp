#include "core/common/progress.h"

#include "core/common/log.h"

namespace tailor {

Progress::Progress(std::string what, int64_t total, std::string unit, double interval_s)
    : what_(std::move(what)), unit_(std::move(unit)), total_(total), interval_s_(interval_s),
      start_(Clock::now()), last_(start_) {}

void Progress::advance(int64_t n) {
  done_ += n;
  auto now = Clock::now();
  if (std::chrono::duration<double>(now - last_).count() >= interval_s_) {
    last_ = now;
    report(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  report(true);
}

Progress::~Progress() {
  try {
    finish();
  } catch (...) {
  }
}

void Progress::report(bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  if (final_line) {
    spdlog::info("{}: {} {} in {:.1f} s ({:.0f} {}/s)", what_, done_, unit_, elapsed, rate, unit_);
  } else if (total_ > 0) {
    double eta = rate > 0 ? (total_ - done_) / rate : 0.0;
    spdlog::info("{}: {}/{} {} ({:.1f}%), {:.0f} {}/s, ETA {:.0f} s", what_, done_, total_, unit_,
                 100.0 * done_ / total_, rate, unit_, eta);
  } else {
    spdlog::info("{}: {} {}, {:.0f} {}/s", what_, done_, unit_, rate, unit_);
  }
}

}  // namespace tailor
