// `tailor-infer policy`: today's send decision for every customer of a dataset from a
// send_policy checkpoint, as JSON lines (customer external id, action, campaign, local hour,
// propensity, Q-values); no personal data.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/data/synth_calendar.h"
#include "core/io/atomic_file.h"
#include "models/send_policy.h"

namespace tailor {
namespace {

struct PolicyInferArgs {
  std::string dataset, checkpoint, output, device = "cpu";
  /// Decision time: YYYY-MM-DD (00:00 UTC of that day), Unix seconds, or "" = one day after the
  /// dataset's last event.
  std::string now;
  uint64_t seed = 1;
  int64_t batch = 65536;
  std::string exploration_mode;  ///< "" = the checkpoint's
  double epsilon = -1, temperature = -1;
  bool allow_unapproved = false;
};

UnixTime parse_now(const std::string& s, const Dataset& ds) {
  if (s.empty()) {
    UnixTime t = -1;
    for (UnixTime v : ds.transactions.time) t = std::max(t, v);
    for (UnixTime v : ds.email_log.time) t = std::max(t, v);
    TAILOR_CHECK(t >= 0, "policy: --now is needed (the dataset has no event with a known time)");
    return (t / 86400 + 1) * 86400;
  }
  int64_t days = 0;
  if (synth_parse_date(s, &days)) return days * 86400;
  try {
    size_t used = 0;
    const long long v = std::stoll(s, &used);
    if (used == s.size() && v >= 0) return v;
  } catch (...) {
  }
  TAILOR_FAIL("policy: --now must be YYYY-MM-DD or Unix seconds, got '" << s << "'");
}

void run(const PolicyInferArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  SendPolicy policy = SendPolicy::load(a.checkpoint, a.device);
  TAILOR_CHECK(policy.approved() || a.allow_unapproved,
               "policy: " << a.checkpoint << " is not approved (" << policy.approval_reason()
                          << "); pass --allow-unapproved to decide with it anyway");
  if (policy.forced()) spdlog::warn("policy: {} was approved with --force-approve", a.checkpoint);
  ExplorationParams ex = policy.exploration();
  if (!a.exploration_mode.empty()) ex.mode = a.exploration_mode;
  if (a.epsilon >= 0) ex.epsilon = a.epsilon;
  if (a.temperature >= 0) ex.temperature = a.temperature;
  policy.set_exploration(ex);
  TAILOR_CHECK(a.batch >= 1, "policy: --batch must be >= 1");
  const Dataset ds = read_dataset(a.dataset);
  const UnixTime now = parse_now(a.now, ds);
  spdlog::info("policy: {} customers at {} ({} exploration)", ds.customers.size(), now, ex.mode);

  if (const auto parent = std::filesystem::path(a.output).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  AtomicOutputFile out(a.output);
  std::map<std::string, int64_t> count;
  const int64_t n = int64_t(ds.customers.size());
  for (int64_t lo = 0; lo < n; lo += a.batch) {
    std::vector<int64_t> rows;
    for (int64_t c = lo; c < std::min(n, lo + a.batch); ++c) rows.push_back(c);
    const std::vector<SendDecision> d = policy.decide(ds, rows, now, a.seed);
    for (size_t i = 0; i < rows.size(); ++i) {
      const SendDecision& x = d[i];
      nlohmann::json j;
      j["customer"] = ds.customers.external_id[size_t(rows[i])];
      j["action"] = x.action;
      j["label"] = policy.action_label(x.action);
      j["campaign"] =
          x.campaign >= 0 ? nlohmann::json(ds.campaigns[size_t(x.campaign)]) : nlohmann::json();
      j["hour"] = x.hour >= 0 ? nlohmann::json(int(x.hour)) : nlohmann::json();
      j["propensity"] = x.propensity;
      nlohmann::json q = nlohmann::json::array();
      for (float v : x.q_values) q.push_back(std::isnan(v) ? nlohmann::json() : nlohmann::json(v));
      j["q_values"] = q;
      out.stream() << j.dump() << '\n';
      ++count[policy.action_label(x.action)];
    }
  }
  out.commit();
  int64_t emails = 0;
  for (const auto& [label, k] : count) {
    std::printf("  %-28s %lld\n", label.c_str(), static_cast<long long>(k));
    if (label != "none") emails += k;
  }
  std::printf("%lld decisions, %lld emails -> %s\n", static_cast<long long>(n),
              static_cast<long long>(emails), a.output.c_str());
  spdlog::info("policy: done in {:.2f} s",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

const CommandRegistrar kRegistrar{CommandSpec{
    "policy",
    "send decision per customer from a send_policy checkpoint (JSON lines: id, action, campaign, "
    "hour, propensity, Q-values)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>&) -> std::function<void()> {
      auto a = std::make_shared<PolicyInferArgs>();
      sub->add_option("--dataset", a->dataset, "dataset file (.h5)")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--checkpoint", a->checkpoint,
                      "send_policy checkpoint of tailor-train policy")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--output", a->output, "decisions to write (.jsonl)")->required();
      sub->add_option(
          "--now", a->now,
          "decision time: YYYY-MM-DD (00:00 UTC) or Unix seconds (default: the day after "
          "the last event)");
      sub->add_option("--seed", a->seed, "seed of the exploration draws (use a new one per run)")
          ->capture_default_str();
      sub->add_option("--device", a->device, "cpu or cuda")->capture_default_str();
      sub->add_option("--batch", a->batch, "customers per decide() batch")->capture_default_str();
      sub->add_option("--exploration-mode", a->exploration_mode,
                      "override the checkpoint's exploration: epsilon_greedy, softmax or greedy");
      sub->add_option("--epsilon", a->epsilon, "override the checkpoint's epsilon (>= 0)");
      sub->add_option("--temperature", a->temperature,
                      "override the checkpoint's softmax temperature");
      sub->add_flag("--allow-unapproved", a->allow_unapproved,
                    "decide with a checkpoint that the trainer did not approve");
      return [a] { run(*a); };
    }}};

}  // namespace
}  // namespace tailor
