// Report records: series names, derived figures, comparisons between contenders, JSON.
#include "bench/bench_record.h"

#include <cmath>
#include <map>
#include <tuple>

#include "core/common/error.h"

namespace tailor {

const char* bench_status_name(BenchStatus s) {
  switch (s) {
    case BenchStatus::kOk:
      return "ok";
    case BenchStatus::kAbsent:
      return "absent";
    case BenchStatus::kSkipped:
      return "skipped";
    case BenchStatus::kFailed:
      return "failed";
  }
  return "?";
}

std::string BenchRecord::series() const {
  std::string s = device + "/" + contender;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

double BenchRecord::flop_per_s() const {
  const double m = median_s();
  return flop > 0 && m > 0 ? flop / m : 0.0;
}

double BenchRecord::bytes_per_s() const {
  const double m = median_s();
  return bytes > 0 && m > 0 ? bytes / m : 0.0;
}

double BenchRecord::throughput() const {
  const double m = median_s();
  return work_units > 0 && m > 0 ? work_units / m : 0.0;
}

BenchRecord with_status(BenchRecord base, BenchStatus s, std::string reason) {
  TAILOR_CHECK(s != BenchStatus::kOk, "with_status: use it for absent, skipped or failed");
  TAILOR_CHECK(!reason.empty(), "with_status: a " << bench_status_name(s) << " record of "
                                                  << base.path << " needs a reason");
  base.status = s;
  base.reason = std::move(reason);
  base.time = Timing{};
  base.extra_figures = BenchJson::object();
  base.roofline_flop_fraction = base.roofline_bandwidth_fraction = 0.0;
  for (auto& c : base.comparisons) c.speedup = 0.0;
  return base;
}

void compute_comparisons(std::vector<BenchRecord>& records) {
  std::map<std::tuple<std::string, std::string, std::string>, const BenchRecord*> by_series;
  for (const BenchRecord& r : records) by_series[{r.path, r.case_id, r.series()}] = &r;
  for (BenchRecord& r : records) {
    for (BenchComparison& c : r.comparisons) {
      c.speedup = 0.0;
      c.missing.clear();
      if (r.status != BenchStatus::kOk) {
        c.missing = std::string("this record is ") + bench_status_name(r.status);
        continue;
      }
      auto it = by_series.find({r.path, r.case_id, c.against});
      if (it == by_series.end()) {
        c.missing = "no record of " + c.against + " in this case";
        continue;
      }
      if (it->second->status != BenchStatus::kOk) {
        c.missing = c.against + " " + bench_status_name(it->second->status);
        continue;
      }
      const double mine = r.median_s(), theirs = it->second->median_s();
      if (mine > 0 && theirs > 0) {
        c.speedup = theirs / mine;
      } else {
        c.missing = "a median time is not positive";
      }
    }
  }
}

BenchJson to_json(const BenchRecord& r) {
  BenchJson j;
  j["path"] = r.path;
  j["case"] = r.case_id;
  j["shape"] = r.shape;
  j["size"] = r.size;
  j["size_unit"] = r.size_unit;
  j["timed"] = r.timed;
  j["series"] = r.series();
  j["device"] = r.device;
  j["contender"] = r.contender;
  j["variant"] = r.variant;
  j["threads"] = r.threads;
  j["warmup"] = r.timing.warmup;
  j["repeats"] = r.timing.repeats;
  j["min_time_s"] = r.timing.min_time_s;
  j["status"] = bench_status_name(r.status);
  if (r.status != BenchStatus::kOk) {
    j["reason"] = r.reason;
  } else {
    BenchJson f;
    f["median_s"] = r.median_s();
    f["min_s"] = r.time.min();
    if (r.throughput() > 0) f["throughput"] = r.throughput();
    if (r.flop_per_s() > 0) f["flop_per_s"] = r.flop_per_s();
    if (r.bytes_per_s() > 0) f["bytes_per_s"] = r.bytes_per_s();
    if (r.roofline_flop_fraction > 0) f["roofline_flop_fraction"] = r.roofline_flop_fraction;
    if (r.roofline_bandwidth_fraction > 0)
      f["roofline_bandwidth_fraction"] = r.roofline_bandwidth_fraction;
    for (auto it = r.extra_figures.begin(); it != r.extra_figures.end(); ++it)
      f[it.key()] = it.value();
    j["figures"] = f;
    j["throughput_unit"] = r.throughput_unit;
    j["samples_s"] = r.time.samples;
  }
  BenchJson cs = BenchJson::array();
  for (const BenchComparison& c : r.comparisons) {
    BenchJson e{{"label", c.label}, {"against", c.against}};
    if (c.speedup > 0 && std::isfinite(c.speedup)) {
      e["speedup"] = c.speedup;
    } else {
      e["missing"] = c.missing.empty() ? std::string("not computed") : c.missing;
    }
    cs.push_back(e);
  }
  j["comparisons"] = cs;
  if (!r.validation.empty()) j["validation"] = r.validation;
  return j;
}

}  // namespace tailor
