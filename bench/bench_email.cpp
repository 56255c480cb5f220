// Email rendering benchmark (suite "email", path "email.render"): the email job's own cost per
// message (core/email/email_bench.h: eligibility, slots, templates, MIME, mbox + manifest + audit)
// vs the same message shape built with Python's email package (scripts/peers/email_python.py).
#include <algorithm>
#include <filesystem>
#include <memory>

#include "bench/bench_suite.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/email/email_bench.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPath = "email.render";

/// Parameters of the rendering benchmark (configs/bench.yaml: quick/full.email). Defaults: full.
struct EmailBenchParams {
  /// Message counts, one case each, comma separated.
  std::string messages = "10000,100000";
  /// Customers per batch of the job.
  int batch_size = 4096;
  /// Peers: python-email, or none.
  std::string peers = "python-email";
  /// The Python peer renders at most this many messages per case and its time is scaled to the
  /// case's count (its cost per message is constant); 0 = all.
  std::int64_t peer_max_messages = 5000;
  /// Untimed and timed runs per contender and case.
  int warmup = 1;
  int repeats = 3;
  /// Rendering threads of the job (0: the run's --threads). The Python peer is single-threaded.
  int threads = 0;
  /// Seed of the synthetic population.
  std::uint64_t seed = 42;
};

EmailBenchParams email_params(BenchGrid grid) {
  EmailBenchParams p;
  if (grid == BenchGrid::kQuick) {
    p.messages = "400,1600";
    p.batch_size = 512;
    p.peer_max_messages = 400;
  }
  return p;
}

void run_email_bench(const EmailBenchParams& p, BenchContext& ctx) {
  TAILOR_CHECK(p.batch_size >= 1 && p.peer_max_messages >= 0,
               "tailor-bench email: batch_size >= 1 and peer_max_messages >= 0 required");
  const TimingOptions opt = ctx.timing(p.warmup, p.repeats);
  check_timing_options(opt, "tailor-bench email");
  const auto counts = parse_positive_list(p.messages, "email.messages");
  const auto peers = parse_name_list(p.peers, {"python-email"}, "email.peers");
  const int threads = ctx.resolve_threads(p.threads);
  ctx.use_threads(threads);
  std::string peer_absent;
  const std::string script = ctx.python().peer_script("email_python.py", &peer_absent);
  if (peer_absent.empty()) peer_absent = ctx.python().missing({});

  for (std::int64_t n : counts) {
    BenchRecord base;
    base.path = kPath;
    base.case_id = "messages=" + std::to_string(n);
    base.shape = {{"messages", n}, {"batch_size", p.batch_size}};
    base.size = double(n);
    base.size_unit = "messages";
    base.timed = "render and write every message (mbox + manifest + audit)";
    base.threads = threads;
    base.timing = opt;
    base.work_units = double(n);
    base.throughput_unit = "emails/s";

    BenchRecord tailor = base;
    tailor.comparisons = {{"vs python email", "cpu/python-email"}};
    ctx.measure(tailor, [&](BenchRecord& r) {
      EmailRenderBenchParams ep;
      ep.messages = n;
      ep.batch_size = p.batch_size;
      ep.threads = threads;
      ep.repeats = p.warmup + p.repeats;
      ep.seed = p.seed;
      ep.templates_dir = (fs::path(TAILOR_SOURCE_DIR) / "configs" / "templates").string();
      ep.scratch_dir = (fs::path(ctx.scratch()) / "email").string();
      // The job logs every run at info level; keep the benchmark's own lines readable.
      const auto level = spdlog::get_level();
      spdlog::set_level(spdlog::level::warn);
      EmailRenderBenchResult res;
      try {
        res = bench_email_render(ep);
      } catch (...) {
        spdlog::set_level(level);
        throw;
      }
      spdlog::set_level(level);
      TAILOR_CHECK(res.messages == n, "bench_email_render wrote " << res.messages << " of " << n);
      r.time.samples.assign(res.run_seconds.begin() + p.warmup, res.run_seconds.end());
      r.extra_figures["output_bytes_per_s"] = double(res.bytes) / r.median_s();
      r.validation = {{"output_bytes", res.bytes}, {"setup_s", res.setup_seconds}};
    });

    BenchRecord peer = base;
    peer.contender = "python-email";
    peer.threads = 1;
    const std::int64_t peer_n = p.peer_max_messages > 0 ? std::min(n, p.peer_max_messages) : n;
    if (peer_n < n)
      peer.timed += " (Python renders " + std::to_string(peer_n) + " messages, time scaled by " +
                    std::to_string(n) + "/" + std::to_string(peer_n) + ")";
    if (!contains(peers, "python-email")) {
      ctx.add(with_status(peer, BenchStatus::kSkipped, "not selected (email.peers: none)"));
      continue;
    }
    if (!peer_absent.empty()) {
      ctx.add(with_status(peer, BenchStatus::kAbsent, peer_absent));
      continue;
    }
    ctx.measure(peer, [&](BenchRecord& r) {
      const fs::path out = fs::path(ctx.scratch()) / "email_python.mbox";
      const nlohmann::json j =
          ctx.python().run_json(script,
                                {std::to_string(peer_n), out.string(), std::to_string(p.warmup),
                                 std::to_string(p.repeats)},
                                1);
      std::error_code ec;
      fs::remove(out, ec);
      Timing t;
      for (const auto& s : j.at("samples")) t.samples.push_back(s.get<double>());
      r.time = t.per(double(peer_n) / double(n));
      r.extra_figures["output_bytes_per_s"] =
          j.at("bytes").get<double>() / (r.median_s() * double(peer_n) / double(n));
    });
  }
}

const BenchSuiteRegistrar kSuite(
    {"email",
     {kPath},
     "email rendering and writing (the job's own cost per message) vs Python's email package",
     [](BenchGrid grid, ParamSet& ps) -> BenchSuiteRun {
       auto p = std::make_shared<EmailBenchParams>(email_params(grid));
       ps.add("messages", &p->messages, "message counts, one case each, comma separated");
       ps.add("batch_size", &p->batch_size, "customers per batch of the job");
       ps.add("peers", &p->peers, "peers: python-email, or none");
       ps.add("peer_max_messages", &p->peer_max_messages,
              "messages the Python peer renders per case, time scaled to the case (0: all)");
       ps.add("warmup", &p->warmup, "untimed runs per contender and case");
       ps.add("repeats", &p->repeats, "timed runs per contender and case");
       ps.add("threads", &p->threads, "rendering threads (0: the run's --threads)");
       ps.add("seed", &p->seed, "seed of the synthetic population");
       return [p](BenchContext& ctx) { run_email_bench(*p, ctx); };
     },
     40});

}  // namespace
}  // namespace tailor
