// Report JSON, Markdown tables, plots and the atomically replaced output folder of tailor-bench.
#include "bench/bench_report.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "bench/bench_machine.h"
#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using json = BenchJson;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string format_seconds(double s) {
  if (s >= 100.0) return fmt("%.0f s", s);
  if (s >= 1.0) return fmt("%.2f s", s);
  if (s >= 1e-3) return fmt("%.3g ms", 1e3 * s);
  return fmt("%.3g us", 1e6 * s);
}

/// 1234567 -> "1.23 M", for rates.
std::string format_rate(double v) {
  if (v >= 1e12) return fmt("%.3g T", v / 1e12);
  if (v >= 1e9) return fmt("%.3g G", v / 1e9);
  if (v >= 1e6) return fmt("%.3g M", v / 1e6);
  if (v >= 1e3) return fmt("%.3g k", v / 1e3);
  return fmt("%.3g ", v);
}

std::string format_speedup(double v) { return v >= 10 ? fmt("%.1fx", v) : fmt("%.2fx", v); }

std::string format_value(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return d == std::floor(d) && std::fabs(d) < 1e15 ? std::to_string((long long)d)
                                                     : fmt("%.3g", d);
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string gib(double bytes) { return fmt("%.1f GiB", bytes / double(1 << 30)); }

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i == 0 ? "" : sep) + v[i];
  return s;
}

/// Records of one path, in report order.
std::vector<const json*> path_records(const json& report, const std::string& path) {
  std::vector<const json*> out;
  for (const json& r : report.at("records"))
    if (r.at("path") == path) out.push_back(&r);
  return out;
}

/// A record's cell in the time table: median, or its status with a footnote number.
struct Notes {
  std::vector<std::string> lines;
  std::map<std::string, int> index;
  int add(const std::string& text) {
    auto it = index.find(text);
    if (it != index.end()) return it->second;
    lines.push_back(text);
    return index[text] = int(lines.size());
  }
};

std::string section(const json& report, const std::string& path) {
  std::ostringstream md;
  const auto recs = path_records(report, path);
  md << "## " << path << "\n\n";
  if (recs.empty()) {
    md << "No records (path not selected in this run).\n\n";
    return md.str();
  }
  // Columns: shape keys (union, first-seen order), series (first-seen order), comparison labels.
  std::vector<std::string> keys, series, labels, cases;
  std::map<std::string, std::string> timed_by_series;
  std::map<std::pair<std::string, std::string>, const json*> cell;
  for (const json* r : recs) {
    for (auto it = r->at("shape").begin(); it != r->at("shape").end(); ++it)
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) keys.push_back(it.key());
    const std::string s = r->at("series"), c = r->at("case");
    if (std::find(series.begin(), series.end(), s) == series.end()) series.push_back(s);
    if (std::find(cases.begin(), cases.end(), c) == cases.end()) cases.push_back(c);
    for (const json& cmp : r->at("comparisons")) {
      const std::string l = cmp.at("label");
      if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
    }
    cell[{c, s}] = r;
    if (!timed_by_series.count(s)) timed_by_series[s] = r->at("timed");
  }
  // A series with the same non-ok status and reason in every case gets no column, only a line.
  std::vector<std::string> shown, hidden_lines;
  for (const std::string& s : series) {
    std::set<std::string> states;
    bool all_bad = true;
    for (const std::string& c : cases) {
      auto it = cell.find({c, s});
      if (it == cell.end()) continue;
      const json& r = *it->second;
      if (r.at("status") == "ok") {
        all_bad = false;
        break;
      }
      states.insert(r.at("status").get<std::string>() + ": " + r.at("reason").get<std::string>());
    }
    if (all_bad && states.size() == 1) {
      hidden_lines.push_back("`" + s + "` " + *states.begin());
    } else {
      shown.push_back(s);
    }
  }
  // What was timed (one line per distinct description).
  std::map<std::string, std::vector<std::string>> by_timed;
  for (const std::string& s : series) by_timed[timed_by_series[s]].push_back("`" + s + "`");
  const json& first = *recs.front();
  md << "Timed: ";
  if (by_timed.size() == 1) {
    md << by_timed.begin()->first << ".";
  } else {
    std::vector<std::string> parts;
    for (const auto& e : by_timed) parts.push_back(join(e.second, ", ") + ": " + e.first);
    md << join(parts, "; ") << ".";
  }
  md << " Median of at least " << first.at("repeats") << " timed run(s) after "
     << first.at("warmup") << " warm-up(s)";
  if (first.at("min_time_s").get<double>() > 0)
    md << " (short cases: more runs, until they add up to " << format_value(first.at("min_time_s"))
       << " s, at most 100)";
  md << ", " << first.at("threads") << " thread(s)";
  md << "; plot x axis: " << first.at("size_unit").get<std::string>() << ".\n\n";

  // Shape keys with one value in every case are stated once, not as columns.
  std::vector<std::string> varying, fixed;
  for (const std::string& k : keys) {
    std::set<std::string> values;
    for (const json* r : recs)
      if (r->at("shape").contains(k)) values.insert(format_value(r->at("shape").at(k)));
    size_t with_key = 0;
    for (const std::string& c : cases)
      for (const std::string& s : series) {
        auto it = cell.find({c, s});
        if (it != cell.end() && it->second->at("shape").contains(k)) {
          ++with_key;
          break;
        }
      }
    if (values.size() <= 1 && cases.size() > 1 && with_key == cases.size()) {
      fixed.push_back(k + " = " + (values.empty() ? std::string("?") : *values.begin()));
    } else {
      varying.push_back(k);
    }
  }
  keys = varying;
  if (!fixed.empty()) md << "In every case: " << join(fixed, ", ") << ".\n\n";

  Notes notes;
  std::vector<std::string> header = keys;
  for (const auto& s : shown) header.push_back(s);
  for (const auto& l : labels) header.push_back(l);
  const bool table = !shown.empty() || !labels.empty();
  if (table) {
    md << "| " << join(header, " | ") << " |\n|";
    for (size_t i = 0; i < header.size(); ++i) md << (i < keys.size() ? "---|" : "---:|");
    md << "\n";
  }
  for (const std::string& c : cases) {
    if (!table) break;
    std::vector<std::string> row;
    for (const std::string& k : keys) {
      std::string v;
      for (const std::string& s : series) {
        auto it = cell.find({c, s});
        if (it != cell.end() && it->second->at("shape").contains(k)) {
          v = format_value(it->second->at("shape").at(k));
          break;
        }
      }
      row.push_back(v);
    }
    for (const std::string& s : shown) {
      auto it = cell.find({c, s});
      if (it == cell.end()) {
        row.push_back("");
        continue;
      }
      const json& r = *it->second;
      if (r.at("status") == "ok") {
        row.push_back(format_seconds(r.at("figures").at("median_s").get<double>()));
      } else {
        const int n = notes.add("`" + s + "` " + r.at("status").get<std::string>() + ": " +
                                r.at("reason").get<std::string>());
        row.push_back(r.at("status").get<std::string>() + " [" + std::to_string(n) + "]");
      }
    }
    for (const std::string& l : labels) {
      std::string v = "—";
      for (const std::string& s : series) {
        auto it = cell.find({c, s});
        if (it == cell.end()) continue;
        for (const json& cmp : it->second->at("comparisons"))
          if (cmp.at("label") == l && cmp.contains("speedup"))
            v = format_speedup(cmp.at("speedup").get<double>());
      }
      row.push_back(v);
    }
    md << "| " << join(row, " | ") << " |\n";
  }
  if (table) md << "\n";
  // Which line each comparison compares.
  std::set<std::string> pairs;
  for (const json* r : recs)
    for (const json& cmp : r->at("comparisons"))
      pairs.insert("`" + cmp.at("label").get<std::string>() + "` = time of `" +
                   cmp.at("against").get<std::string>() + "` / time of `" +
                   r->at("series").get<std::string>() + "`");
  if (!pairs.empty())
    md << "Speedups (> 1: the second line is faster): " << join({pairs.begin(), pairs.end()}, "; ")
       << ".\n\n";
  if (!hidden_lines.empty()) {
    md << "Not measured in any case:\n\n";
    for (const auto& l : hidden_lines) md << "- " << l << "\n";
    md << "\n";
  }
  if (!notes.lines.empty()) {
    for (size_t i = 0; i < notes.lines.size(); ++i)
      md << "[" << i + 1 << "] " << notes.lines[i] << "  \n";
    md << "\n";
  }
  // Rates of the measured tailor lines (and the roofline's own lines).
  std::vector<std::string> rate_rows;
  bool has_flop = false, has_bytes = false, has_flop_frac = false, has_bytes_frac = false;
  for (const json* r : recs)
    if (r->at("status") == "ok") {
      has_flop |= r->at("figures").contains("flop_per_s");
      has_bytes |= r->at("figures").contains("bytes_per_s");
      has_flop_frac |= r->at("figures").contains("roofline_flop_fraction");
      has_bytes_frac |= r->at("figures").contains("roofline_bandwidth_fraction");
    }
  for (const json* r : recs) {
    if (r->at("status") != "ok") continue;
    const bool own = r->at("contender") == "tailor" || path.rfind("roofline.", 0) == 0;
    if (!own) continue;
    const json& f = r->at("figures");
    std::vector<std::string> row = {r->at("case").get<std::string>(),
                                    "`" + r->at("series").get<std::string>() + "`"};
    row.push_back(f.contains("throughput") ? format_rate(f.at("throughput").get<double>()) +
                                                 r->at("throughput_unit").get<std::string>()
                                           : "");
    if (has_flop)
      row.push_back(
          f.contains("flop_per_s") ? format_rate(f.at("flop_per_s").get<double>()) + "FLOP/s" : "");
    if (has_bytes)
      row.push_back(
          f.contains("bytes_per_s") ? format_rate(f.at("bytes_per_s").get<double>()) + "B/s" : "");
    if (has_flop_frac)
      row.push_back(f.contains("roofline_flop_fraction")
                        ? fmt("%.1f%%", 100.0 * f.at("roofline_flop_fraction").get<double>())
                        : "");
    if (has_bytes_frac)
      row.push_back(f.contains("roofline_bandwidth_fraction")
                        ? fmt("%.1f%%", 100.0 * f.at("roofline_bandwidth_fraction").get<double>())
                        : "");
    rate_rows.push_back("| " + join(row, " | ") + " |");
  }
  if (!rate_rows.empty()) {
    std::vector<std::string> h = {"case", "line", "throughput"};
    if (has_flop) h.push_back("FLOP/s");
    if (has_bytes) h.push_back("bytes/s");
    if (has_flop_frac) h.push_back("of SGEMM");
    if (has_bytes_frac) h.push_back("of copy BW");
    md << "Rates (median; \"of SGEMM\" / \"of copy BW\" = fraction of this device's "
          "roofline):\n\n| "
       << join(h, " | ") << " |\n|---|---|";
    for (size_t i = 2; i < h.size(); ++i) md << "---:|";
    md << "\n";
    for (const auto& r : rate_rows) md << r << "\n";
    md << "\n";
  }
  if (report.contains("plots") && report["plots"].value("status", "") == "ok")
    for (const json& f : report["plots"].at("files"))
      if (fs::path(f.get<std::string>()).stem() == path)
        md << "![" << path << "](" << f.get<std::string>() << ")\n\n";
  return md.str();
}

std::string summary(const json& report) {
  std::ostringstream md;
  md << "## Summary\n\n| path | comparison | cases | median | min | max | not measured |\n"
     << "|---|---|---:|---:|---:|---:|---|\n";
  for (const json& pj : report.at("selected_paths")) {
    const std::string path = pj;
    const auto recs = path_records(report, path);
    std::map<std::string, std::vector<double>> by_label;
    std::vector<std::string> order;
    std::map<std::string, int> bad;
    for (const json* r : recs) {
      if (r->at("status") != "ok") ++bad[r->at("status").get<std::string>()];
      for (const json& c : r->at("comparisons")) {
        const std::string l = c.at("label");
        if (!by_label.count(l)) order.push_back(l);
        auto& v = by_label[l];
        if (c.contains("speedup")) v.push_back(c.at("speedup").get<double>());
      }
    }
    std::vector<std::string> b;
    for (const auto& e : bad) b.push_back(std::to_string(e.second) + " " + e.first);
    const std::string bad_text = join(b, ", ");
    if (order.empty()) {
      md << "| " << path << " | — | " << recs.size() << " records | | | | " << bad_text << " |\n";
      continue;
    }
    bool first_row = true;
    for (const std::string& l : order) {
      const std::string bad_cell = first_row ? bad_text : "";
      first_row = false;
      std::vector<double> v = by_label[l];
      std::sort(v.begin(), v.end());
      if (v.empty()) {
        md << "| " << path << " | " << l << " | 0 | — | — | — | " << bad_cell << " |\n";
      } else {
        const double med =
            v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
        md << "| " << path << " | " << l << " | " << v.size() << " | **" << format_speedup(med)
           << "** | " << format_speedup(v.front()) << " | " << format_speedup(v.back()) << " | "
           << bad_cell << " |\n";
      }
    }
  }
  md << "\nSpeedup = the other line's median time / tailor's (> 1: tailor faster); per-case values "
        "in the sections below.\n\n";
  return md.str();
}

std::string conditions(const json& report) {
  std::ostringstream md;
  const json& m = report.at("machine");
  const json& b = report.at("build");
  md << "- **When**: " << report.at("started_utc").get<std::string>() << " to "
     << report.at("finished_utc").get<std::string>() << " ("
     << fmt("%.0f", report.at("wall_seconds").get<double>()) << " s), grid `"
     << report.at("grid").get<std::string>() << "`, command `"
     << report.at("command").get<std::string>() << "`\n";
  const json& g = b.at("git");
  md << "- **Source**: commit " << g.at("commit").get<std::string>()
     << (g.at("dirty").get<bool>() ? " with local changes to tracked files" : "") << " ("
     << g.at("source").get<std::string>() << ")\n";
  md << "- **Machine**: " << m.at("cpu_model").get<std::string>() << ", " << m.at("logical_cpus")
     << " logical CPUs (" << m.at("physical_cores") << " cores), "
     << gib(m.at("memory_bytes").get<double>()) << ", " << m.at("os").get<std::string>() << ", "
     << m.value("kernel", std::string("?")) << "; threads used " << m.at("threads_used");
  const json& la = m.at("load_average");
  const json& le = report.at("load_average_end");
  if (!la.empty() && !le.empty())
    md << "; load average (1 min) " << fmt("%.2f", la[0].get<double>()) << " at the start, "
       << fmt("%.2f", le[0].get<double>()) << " at the end";
  md << "\n";
  const json& c = b.at("cuda");
  md << "- **GPU**: ";
  if (c.at("usable").get<bool>()) {
    md << c.at("description").get<std::string>() << "; CUDA runtime " << c.at("runtime_version")
       << ", driver " << c.at("driver_version") << ", nvcc " << c.value("nvcc", std::string("?"))
       << "\n";
  } else {
    md << "none (" << c.at("reason").get<std::string>() << ")\n";
  }
  md << "- **Build**: tailor " << b.at("tailor").get<std::string>() << ", "
     << b.at("compiler").get<std::string>() << ", " << b.at("build_type").get<std::string>()
     << "; LibTorch " << b.at("libtorch").get<std::string>() << "; HDF5 "
     << b.at("hdf5").get<std::string>() << "; " << b.at("openblas").get<std::string>() << " (core "
     << b.at("openblas_core").get<std::string>() << "); FAISS " << b.at("faiss").get<std::string>()
     << "\n";
  md << "- **Python peers** (`" << report.at("python").get<std::string>() << "`): ";
  std::vector<std::string> pv;
  for (auto it = report.at("python_versions").begin(); it != report.at("python_versions").end();
       ++it)
    pv.push_back(it.key() + " " + it.value().get<std::string>());
  md << join(pv, ", ") << "\n";
  md << "- **Rooflines**: ";
  std::vector<std::string> rl;
  for (auto it = report.at("rooflines").begin(); it != report.at("rooflines").end(); ++it) {
    const json& r = it.value();
    std::string s = it.key() + ": ";
    if (r.contains("flop_per_s"))
      s += format_rate(r.at("flop_per_s").get<double>()) + "FLOP/s (" +
           r.at("flop_source").get<std::string>() + ")";
    if (r.contains("bytes_per_s"))
      s += ", " + format_rate(r.at("bytes_per_s").get<double>()) + "B/s (" +
           r.at("bytes_source").get<std::string>() + ")";
    rl.push_back(s);
  }
  md << (rl.empty() ? std::string("not measured") : join(rl, "; ")) << "\n";
  const json& pl = report.at("plots");
  md << "- **Plots**: " << pl.value("status", std::string("?"));
  if (pl.contains("reason")) md << " (" << pl.at("reason").get<std::string>() << ")";
  md << "\n\n";
  return md.str();
}

}  // namespace

std::string utc_now_iso() {
  char buf[64];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json bench_report_json(BenchContext& ctx, const BenchReportInfo& info) {
  json j;
  j["report"] = "tailor-bench";
  j["format_version"] = 1;
  j["grid"] = info.grid;
  j["command"] = info.command;
  j["started_utc"] = info.started_utc.empty() ? utc_now_iso() : info.started_utc;
  j["finished_utc"] = info.finished_utc.empty() ? utc_now_iso() : info.finished_utc;
  j["wall_seconds"] = info.wall_seconds;
  j["machine"] = info.machine.is_null() ? bench_machine_info(ctx.threads()) : info.machine;
  j["load_average_end"] = info.load_end.empty() ? load_average() : info.load_end;
  j["build"] = bench_build_info();
  j["python"] = ctx.python_path();
  j["python_versions"] = ctx.python().versions();
  json roofs = json::object();
  for (const auto& e : ctx.rooflines()) {
    json r;
    if (e.second.flop_per_s > 0) {
      r["flop_per_s"] = e.second.flop_per_s;
      r["flop_source"] = e.second.flop_source;
    }
    if (e.second.bytes_per_s > 0) {
      r["bytes_per_s"] = e.second.bytes_per_s;
      r["bytes_source"] = e.second.bytes_source;
    }
    roofs[e.first] = r;
  }
  j["rooflines"] = roofs;
  j["suites"] = info.suites;
  j["registered_paths"] = info.registered_paths;
  j["selected_paths"] = info.selected_paths;
  j["plots"] =
      info.plots.empty() ? json{{"status", "skipped"}, {"reason", "not made yet"}} : info.plots;
  json recs = json::array();
  for (const BenchRecord& r : ctx.records()) recs.push_back(to_json(r));
  j["records"] = recs;
  return j;
}

std::string bench_paths_markdown(const json& report, const std::vector<std::string>& paths) {
  std::string md;
  for (const std::string& p : paths) md += section(report, p);
  return md;
}

std::string bench_report_markdown(const json& report) {
  std::ostringstream md;
  md << "# tailor-bench report\n\n" << conditions(report) << summary(report);
  std::vector<std::string> paths;
  for (const json& p : report.at("selected_paths")) paths.push_back(p);
  md << bench_paths_markdown(report, paths);
  return md.str();
}

json make_bench_plots(const PythonPeers& python, const std::string& report_json,
                      const std::string& report_dir) {
  const std::string missing = python.missing({"matplotlib"});
  if (!missing.empty()) return {{"status", "absent"}, {"reason", missing}};
  const fs::path script = fs::path(TAILOR_SOURCE_DIR) / "scripts" / "bench_plots.py";
  if (!fs::exists(script))
    return {{"status", "absent"}, {"reason", "plot script " + script.string() + " not found"}};
  try {
    const json out = python.run_json(script.string(), {report_json, report_dir}, 1);
    return {{"status", "ok"}, {"files", out.at("files")}};
  } catch (const std::exception& e) {
    return {{"status", "failed"}, {"reason", e.what()}};
  }
}

void write_text_atomically(const std::string& path, const std::string& text) {
  AtomicOutputFile out(path);
  out.stream() << text;
  out.commit();
}

BenchOutputFolder::BenchOutputFolder(std::string final_dir) : final_(std::move(final_dir)) {
  TAILOR_CHECK(!final_.empty(), "tailor-bench: --out is empty");
  while (final_.size() > 1 && final_.back() == '/') final_.pop_back();
  const fs::path f(final_);
  if (fs::exists(f)) {
    TAILOR_CHECK(fs::is_directory(f),
                 "tailor-bench: --out " << final_ << " exists and is not a folder");
    TAILOR_CHECK(fs::exists(f / "report.json") || fs::is_empty(f),
                 "tailor-bench: --out " << final_
                                        << " exists and is neither empty nor a previous report "
                                           "(no report.json); refusing to replace it");
  }
  if (f.has_parent_path()) fs::create_directories(f.parent_path());
  staging_ = final_ + ".tmp-" + std::to_string(getpid());
  fs::remove_all(staging_);
  fs::create_directories(staging_);
}

BenchOutputFolder::~BenchOutputFolder() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void BenchOutputFolder::commit() {
  const std::string old = final_ + ".old-" + std::to_string(getpid());
  std::error_code ec;
  if (fs::exists(final_)) {
    fs::rename(final_, old, ec);
    TAILOR_CHECK(!ec, "tailor-bench: cannot move the previous report "
                          << final_ << " aside: " << ec.message());
  }
  fs::rename(staging_, final_, ec);
  TAILOR_CHECK(
      !ec, "tailor-bench: cannot rename " << staging_ << " to " << final_ << ": " << ec.message());
  committed_ = true;
  fs::remove_all(old, ec);
}

}  // namespace tailor
