// Progress reporting for long loops: periodic log lines with done/total, rate and ETA.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tailor {

/// Reports progress of a loop of known length at most every `interval_s` seconds (and once at the
/// end). Thread-compatible: call `advance` from one thread.
class Progress {
 public:
  Progress(std::string what, int64_t total, std::string unit = "items", double interval_s = 2.0);
  /// Adds `n` finished items; logs a line when the interval has passed.
  void advance(int64_t n = 1);
  /// Logs the final line (total time and mean rate). Called by the destructor if not called.
  void finish();
  ~Progress();

 private:
  using Clock = std::chrono::steady_clock;
  void report(bool final_line);
  std::string what_, unit_;
  int64_t total_, done_ = 0;
  double interval_s_;
  Clock::time_point start_, last_;
  bool finished_ = false;
};

}  // namespace tailor
