// `tailor-bench run` (also `tailor-bench` with no command, e.g. `tailor-bench --quick`): runs the
// registered suites over the quick or full grid (configs/bench.yaml) and writes report.json,
// report.md and plots/*.png into the output folder.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "bench/bench_machine.h"
#include "bench/bench_report.h"
#include "bench/bench_suite.h"
#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

/// Parameters of the umbrella run (configs/bench.yaml, section `bench`).
struct BenchRunParams {
  /// "full" (the issues' grids; hours on 2 cores) or "quick" (a few minutes; the test's grid).
  std::string grid = "full";
  /// Suites or record paths to run, comma separated, or "all". The roofline always runs (the
  /// fractions are relative to it).
  std::string paths = "all";
  /// Output folder; replaced only when the new report is complete.
  std::string out = "bench-report";
  /// Threads for every contender (0 = every logical CPU); a suite's own `threads` wins.
  int threads = 0;
  /// Python interpreter of the peers and of scripts/bench_plots.py.
  std::string python = "/usr/bin/python3";
  /// Make the PNG plots (needs matplotlib; reported as absent otherwise).
  bool plots = true;
  /// Short cases are timed beyond their `repeats` until the timed runs add up to this many seconds
  /// (at most 100 runs), peers included; 0 = exactly `repeats` runs.
  double min_time = 0.2;
};

/// One suite bound to its parameters for a grid.
struct BoundSuite {
  BenchSuite suite;
  std::unique_ptr<CLI::App> app;  // holds the (never parsed) options of the ParamSet
  std::unique_ptr<ParamSet> params;
  BenchSuiteRun run;
};

std::vector<BoundSuite> bind_suites(BenchGrid grid, const YAML::Node& root,
                                    const std::string& source) {
  std::vector<BoundSuite> out;
  const YAML::Node section = root.IsMap() ? root[bench_grid_name(grid)] : YAML::Node();
  for (const BenchSuite& s : bench_suites()) {
    BoundSuite b;
    b.suite = s;
    b.app = std::make_unique<CLI::App>(s.description, s.name);
    b.params = std::make_unique<ParamSet>(b.app.get(), s.name);
    b.run = s.setup(grid, *b.params);
    if (section.IsMap()) b.params->apply_yaml(section, source + " (" + bench_grid_name(grid) + ")");
    out.push_back(std::move(b));
  }
  return out;
}

/// Top-level keys are bench, quick, full; under quick/full only suite names.
void check_config_keys(const YAML::Node& root, const std::string& source) {
  if (root.IsNull()) return;
  TAILOR_CHECK(root.IsMap(), "config " << source << ": not a map");
  std::set<std::string> suites;
  for (const BenchSuite& s : bench_suites()) suites.insert(s.name);
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string k = it->first.as<std::string>();
    TAILOR_CHECK(
        k == "bench" || k == "quick" || k == "full",
        "config " << source << ": unknown section '" << k << "' (known: bench, quick, full)");
    if (k == "bench") continue;
    TAILOR_CHECK(it->second.IsMap(), "config " << source << ": section '" << k << "' is not a map");
    for (auto jt = it->second.begin(); jt != it->second.end(); ++jt) {
      const std::string name = jt->first.as<std::string>();
      std::string known;
      for (const auto& n : suites) known += (known.empty() ? "" : ", ") + n;
      TAILOR_CHECK(suites.count(name), "config " << source << ": unknown suite '" << k << "."
                                                 << name << "' (known: " << known << ")");
    }
  }
}

/// Suites selected by --paths (suite names or record paths); the roofline always.
std::set<std::string> select_suites(const std::string& paths) {
  std::set<std::string> chosen = {"roofline"};
  std::string known;
  for (const BenchSuite& s : bench_suites()) {
    known += (known.empty() ? "" : ", ") + s.name;
    for (const auto& p : s.paths) known += ", " + p;
  }
  std::stringstream ss(paths);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "all") {
      for (const BenchSuite& s : bench_suites()) chosen.insert(s.name);
      continue;
    }
    bool found = false;
    for (const BenchSuite& s : bench_suites()) {
      if (s.name == item || contains(s.paths, item)) {
        chosen.insert(s.name);
        found = true;
      }
    }
    TAILOR_CHECK(found, "tailor-bench: --paths: unknown suite or path '"
                            << item << "' (known: all, " << known << ")");
  }
  return chosen;
}

void print_config(const ParamSet& run_params, const YAML::Node& root, const std::string& source) {
  YAML::Node out;
  out["bench"] = run_params.to_yaml();
  for (BenchGrid g : {BenchGrid::kQuick, BenchGrid::kFull}) {
    YAML::Node grid;
    for (const BoundSuite& b : bind_suites(g, root, source))
      grid[b.suite.name] = b.params->to_yaml();
    out[bench_grid_name(g)] = grid;
  }
  YAML::Emitter em;
  em << out;
  std::cout << em.c_str() << "\n";
}

void run_umbrella(const BenchRunParams& p, const ParamSet& run_params, CLI::App* sub, bool quick,
                  bool full, bool print, const std::string& command) {
  TAILOR_CHECK(!(quick && full), "tailor-bench: --quick and --full exclude each other");
  std::string grid_name = quick ? "quick" : full ? "full" : p.grid;
  TAILOR_CHECK(grid_name == "quick" || grid_name == "full",
               "tailor-bench: --grid must be quick or full, got '" << grid_name << "'");
  const BenchGrid grid = grid_name == "quick" ? BenchGrid::kQuick : BenchGrid::kFull;
  std::string config;
  if (CLI::Option* o = sub->get_option_no_throw("--config"); o != nullptr && o->count() > 0)
    config = o->as<std::string>();
  const YAML::Node root = config.empty() ? YAML::Node() : load_yaml_file(config);
  check_config_keys(root, config);
  // Both grids are bound so that a typo in either section of the config is an error now.
  std::vector<BoundSuite> suites = bind_suites(grid, root, config);
  bind_suites(grid == BenchGrid::kQuick ? BenchGrid::kFull : BenchGrid::kQuick, root, config);
  if (print) {
    print_config(run_params, root, config);
    return;
  }
  const std::set<std::string> chosen = select_suites(p.paths);

  BenchOutputFolder out(p.out);  // refuses an unrelated existing folder before measuring
  const auto t0 = std::chrono::steady_clock::now();
  BenchContext ctx(grid, p.threads, p.python, "", p.min_time);
  BenchReportInfo info;
  info.grid = grid_name;
  info.command = command;
  info.started_utc = utc_now_iso();
  info.machine = bench_machine_info(ctx.threads());
  spdlog::info("tailor-bench: grid {}, {} threads, suites {}, output {}", grid_name, ctx.threads(),
               p.paths, p.out);
  for (BoundSuite& b : suites) {
    const bool selected = chosen.count(b.suite.name) > 0;
    for (const auto& path : b.suite.paths) {
      info.registered_paths.push_back(path);
      if (selected) info.selected_paths.push_back(path);
    }
    BenchJson sj = {{"name", b.suite.name},
                    {"paths", b.suite.paths},
                    {"description", b.suite.description},
                    {"selected", selected}};
    YAML::Emitter em;
    em << YAML::Flow << b.params->to_yaml();
    sj["config"] = em.c_str();
    if (selected) {
      spdlog::info("tailor-bench: suite {} ({})", b.suite.name, b.suite.description);
      const auto s0 = std::chrono::steady_clock::now();
      const size_t before = ctx.records().size();
      try {
        b.run(ctx);
      } catch (const std::exception& e) {
        // A suite that cannot run at all (bad parameters, ...) fails each of its paths, visibly.
        for (const auto& path : b.suite.paths) {
          BenchRecord r;
          r.path = path;
          r.case_id = "suite " + b.suite.name;
          r.contender = "tailor";
          ctx.add(with_status(r, BenchStatus::kFailed, e.what()));
        }
      }
      sj["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      sj["records"] = ctx.records().size() - before;
    }
    info.suites.push_back(sj);
  }
  ctx.finish();
  info.finished_utc = utc_now_iso();
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  info.load_end = load_average();

  const std::string json_path = (fs::path(out.staging()) / "report.json").string();
  BenchJson report = bench_report_json(ctx, info);
  write_text_atomically(json_path, report.dump(2) + "\n");
  if (p.plots) {
    info.plots = make_bench_plots(ctx.python(), json_path, out.staging());
  } else {
    info.plots = {{"status", "skipped"}, {"reason", "not selected (--plots false)"}};
  }
  report["plots"] = info.plots;
  write_text_atomically(json_path, report.dump(2) + "\n");
  write_text_atomically((fs::path(out.staging()) / "report.md").string(),
                        bench_report_markdown(report));
  out.commit();
  int failed = 0;
  for (const BenchRecord& r : ctx.records()) failed += r.status == BenchStatus::kFailed;
  spdlog::info("tailor-bench: wrote {}/report.json, report.md{} ({} records, {} failed, {:.0f} s)",
               p.out, info.plots.value("status", "") == "ok" ? ", plots/" : "",
               ctx.records().size(), failed, info.wall_seconds);
  TAILOR_CHECK(failed == 0, "tailor-bench: " << failed << " measurement(s) failed; see " << p.out
                                             << "/report.md");
}

std::string suite_list() {
  std::string s;
  for (const BenchSuite& b : bench_suites()) s += (s.empty() ? "" : ", ") + b.name;
  return s;
}

const CommandRegistrar kRegistrar(
    {"run",
     "Run the benchmark grid (default command: `tailor-bench --quick` = `tailor-bench run "
     "--quick`)",
     [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
       auto p = std::make_shared<BenchRunParams>();
       auto ps = std::make_unique<ParamSet>(sub, "bench");
       ps->add("grid", &p->grid, "full (the issues' grids) or quick (minutes on 2 cores)");
       ps->add("paths", &p->paths,
               "suites or record paths, comma separated, or all (suites: " + suite_list() + ")");
       ps->add("out", &p->out, "output folder (report.json, report.md, plots/)");
       ps->add("threads", &p->threads, "threads for every contender (0: every logical CPU)");
       ps->add("python", &p->python, "python of the peers and of scripts/bench_plots.py");
       ps->add("plots", &p->plots, "make PNG plots (needs matplotlib)");
       ps->add(
           "min_time", &p->min_time,
           "time short cases until their runs add up to this many seconds (0: exactly repeats)");
       const ParamSet* run_params = ps.get();
       params.push_back(std::move(ps));
       auto quick = std::make_shared<bool>(false), full = std::make_shared<bool>(false),
            print = std::make_shared<bool>(false);
       sub->add_flag("--quick", *quick, "same as --grid quick");
       sub->add_flag("--full", *full, "same as --grid full");
       sub->add_flag("--print-config", *print,
                     "print the effective parameters of both grids as YAML and exit");
       return [p, run_params, sub, quick, full, print] {
         run_umbrella(*p, *run_params, sub, *quick, *full, *print, cli_command_line());
       };
     }});

}  // namespace
}  // namespace tailor
