// The single-suite subcommands' run: measure, print the Markdown tables, write the JSON.
#include "bench/bench_subcommand.h"

#include <chrono>
#include <iostream>

#include "bench/bench_report.h"
#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {

void run_bench_subcommand(const std::string& name, const std::vector<std::string>& paths,
                          BenchGrid grid, const BenchSubcommandParams& p,
                          const std::function<void(BenchContext&)>& measure) {
  const auto t0 = std::chrono::steady_clock::now();
  BenchContext ctx(grid, p.threads, p.python, "", p.min_time);
  measure(ctx);
  ctx.finish();
  BenchReportInfo info;
  info.grid = bench_grid_name(grid);
  info.command = cli_command_line();
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  info.registered_paths = info.selected_paths = paths;
  info.suites = BenchJson::array({{{"name", name}, {"paths", paths}, {"selected", true}}});
  info.plots = {{"status", "skipped"},
                {"reason", "single-suite command: no plots (use tailor-bench run)"}};
  const BenchJson report = bench_report_json(ctx, info);
  std::cout << bench_paths_markdown(report, paths) << std::flush;
  if (!p.json.empty()) {
    write_text_atomically(p.json, report.dump(2) + "\n");
    spdlog::info("{} bench: wrote {}", name, p.json);
  }
  int failed = 0;
  for (const BenchRecord& r : ctx.records()) failed += r.status == BenchStatus::kFailed;
  TAILOR_CHECK(failed == 0, "tailor-bench " << name << ": " << failed << " measurement(s) failed");
}

}  // namespace tailor
