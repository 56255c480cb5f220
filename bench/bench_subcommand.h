// What the single-suite subcommands (`tailor-bench kmeans`, `tailor-bench topk`) share with the
// umbrella: run one suite's measurement in a context, print its Markdown tables, write the JSON.
#pragma once

#include <functional>
#include <string>

#include "bench/bench_suite.h"

namespace tailor {

/// Options every single-suite subcommand has besides its suite's parameters.
struct BenchSubcommandParams {
  /// Threads for every contender (0 = every logical CPU).
  int threads = 0;
  /// Python interpreter of the peers.
  std::string python = "/usr/bin/python3";
  /// Short cases are timed until their runs add up to this many seconds (see TimingOptions).
  double min_time = 0.2;
  /// Also write the report JSON (the umbrella's format, these paths only) here; empty = none.
  std::string json;
};

/// Runs `measure` in a fresh context, prints the sections of `paths` as Markdown on stdout and
/// writes the JSON when asked. Throws tailor::Error when a measurement failed.
void run_bench_subcommand(const std::string& name, const std::vector<std::string>& paths,
                          BenchGrid grid, const BenchSubcommandParams& p,
                          const std::function<void(BenchContext&)>& measure);

}  // namespace tailor
