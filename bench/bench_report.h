// The outputs of a tailor-bench run: the report JSON (machine, versions, git commit, every record),
// the Markdown a person reads at a glance, the PNG plots (scripts/bench_plots.py) and the output
// folder they are written to, which replaces the previous report only once complete.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "bench/bench_suite.h"

namespace tailor {

/// What the report says besides the records.
struct BenchReportInfo {
  std::string grid;
  /// The command line as given.
  std::string command;
  std::string started_utc, finished_utc;
  double wall_seconds = 0.0;
  /// [{name, paths, description, selected, seconds, config}] for every registered suite.
  BenchJson suites = BenchJson::array();
  std::vector<std::string> registered_paths, selected_paths;
  /// bench_machine_info() at the start of the run.
  BenchJson machine;
  /// Load average at the end.
  std::vector<double> load_end;
  /// {"status": "ok", "files": [...]} or {"status": "absent"|"failed"|"skipped", "reason": ...}.
  BenchJson plots = BenchJson::object();
};

/// The report JSON (format_version 1; docs/benchmarks.md describes it). Call ctx.finish() first.
BenchJson bench_report_json(BenchContext& ctx, const BenchReportInfo& info);

/// The whole Markdown report: conditions, summary of the comparisons, one section per path.
std::string bench_report_markdown(const BenchJson& report);
/// Only the sections of `paths` (what the `kmeans` and `topk` subcommands print).
std::string bench_paths_markdown(const BenchJson& report, const std::vector<std::string>& paths);

/// Runs `python plot_script report.json plots_dir` when matplotlib is importable; returns the
/// report's "plots" entry (files relative to the report folder, or why there are none).
BenchJson make_bench_plots(const PythonPeers& python, const std::string& report_json,
                           const std::string& report_dir);

/// The output folder: everything is written to a staging folder beside it, which replaces the
/// folder only on commit(). An existing folder must be a previous report (it has report.json) or
/// empty; anything else is refused before any measurement runs.
class BenchOutputFolder {
 public:
  explicit BenchOutputFolder(std::string final_dir);
  ~BenchOutputFolder();
  BenchOutputFolder(const BenchOutputFolder&) = delete;
  BenchOutputFolder& operator=(const BenchOutputFolder&) = delete;
  const std::string& staging() const { return staging_; }
  const std::string& final_dir() const { return final_; }
  /// Swaps the staging folder into place (the old report is removed after the rename).
  void commit();

 private:
  std::string final_, staging_;
  bool committed_ = false;
};

/// Now as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now_iso();

/// Writes `text` to `path` atomically.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace tailor
