// `tailor-bench policy`: DQN learner steps/s and batched send-decision throughput of tailor's
// send policy (CPU, and CUDA when present) against the same learner step and decision written
// in PyTorch from Python (scripts/peers/dqn_torch.py), measured in the same run.
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/synth.h"
#include "core/io/atomic_file.h"
#include "core/policy/logged_decisions.h"
#include "core/policy/policy_rng.h"
#include "core/policy/policy_spec.h"
#include "core/policy/replay_buffer.h"
#include "models/dqn.h"
#include "models/send_policy.h"
#include "models/send_policy_checkpoint.h"
#include "models/torch_runtime.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Parameters of `tailor-bench policy` (configs/bench_policy.yaml).
struct PolicyBenchParams {
  /// "full" or "quick" (fewer steps and smaller decision batches, for tests).
  std::string grid = "full";
  /// Hidden layer widths of the Q-network, comma separated.
  std::string hidden = "128,128";
  /// Transitions per learner step.
  int batch_size = 256;
  /// Timed learner steps per repeat (after `warmup` untimed ones).
  int steps = 300;
  int warmup = 30;
  /// Decision batch sizes, comma separated.
  std::string decide_batches = "1000,10000,100000";
  /// Timed repeats; the fastest counts (the others absorb noise from other processes).
  int repeats = 3;
  /// Devices: cpu, cuda (comma separated); cuda is reported absent without a device.
  std::string devices = "cpu,cuda";
  /// Peers: torch (PyTorch from Python) or none.
  std::string peers = "torch";
  /// Threads of LibTorch and of the peer (intra-op).
  int threads = 2;
  /// Seed of the synthetic shop that gives the state layout, masks and states.
  uint64_t seed = 42;
  /// Python with PyTorch (Debian python3-torch).
  std::string python = "/usr/bin/python3";
  /// Write the results as JSON here (atomically); empty = table only.
  std::string json;
};

std::vector<int64_t> parse_list(const std::string& s, const char* field) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      const long long v = std::stoll(item, &used);
      TAILOR_CHECK(used == item.size() && v > 0, "");
      out.push_back(v);
    } catch (...) {
      TAILOR_FAIL("tailor-bench policy: --" << field << ": '" << item
                                            << "' is not a positive integer");
    }
  }
  return out;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct DeviceResult {
  std::string device;
  bool present = false;
  std::string absent_reason;
  double learner_steps_per_s = 0;
  std::map<int64_t, double> forward_per_s, decide_per_s;  // batch -> decisions/s
  // Peer.
  bool peer_present = false;
  std::string peer_reason;
  double peer_steps_per_s = 0;
  std::map<int64_t, double> peer_decide_per_s;
};

/// Runs the Python peer; false with the reason when it is absent.
bool run_peer(const PolicyBenchParams& bp, const std::string& device, int dim, int actions,
              const std::vector<int64_t>& batches, int steps, DeviceResult* r) {
  const fs::path script = fs::path(TAILOR_SOURCE_DIR) / "scripts" / "peers" / "dqn_torch.py";
  std::ostringstream cmd, list;
  for (size_t i = 0; i < batches.size(); ++i) list << (i ? "," : "") << batches[i];
  cmd << "OMP_NUM_THREADS=" << bp.threads << " " << bp.python << " " << script.string() << " --dim "
      << dim << " --actions " << actions << " --hidden " << bp.hidden << " --batch "
      << bp.batch_size << " --steps " << steps << " --warmup " << bp.warmup << " --repeats "
      << bp.repeats << " --decide " << list.str() << " --device " << device << " --threads "
      << bp.threads << " 2>/dev/null";
  FILE* f = popen(cmd.str().c_str(), "r");
  if (!f) {
    r->peer_reason = "cannot start " + bp.python;
    return false;
  }
  std::string out;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) out += buf;
  const int rc = pclose(f);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(out);
  } catch (...) {
    r->peer_reason = "peer printed no JSON (exit " + std::to_string(rc) + ")";
    return false;
  }
  if (j.contains("error")) {
    r->peer_reason = j["error"].get<std::string>();
    return false;
  }
  r->peer_steps_per_s = j.at("learner_steps_per_s").get<double>();
  for (int64_t n : batches)
    r->peer_decide_per_s[n] = j.at("decisions_per_s").at(std::to_string(n)).get<double>();
  return true;
}

void run_bench(const PolicyBenchParams& bp) {
  TAILOR_CHECK(bp.grid == "full" || bp.grid == "quick",
               "tailor-bench policy: --grid must be full or quick, got '" << bp.grid << "'");
  TAILOR_CHECK(
      bp.repeats >= 1 && bp.steps >= 1 && bp.warmup >= 0 && bp.threads >= 1 && bp.batch_size >= 1,
      "tailor-bench policy: repeats, steps, threads and batch_size must be >= 1");
  const bool quick = bp.grid == "quick";
  const int steps = quick ? std::min(bp.steps, 40) : bp.steps;
  const std::vector<int64_t> batches =
      quick ? std::vector<int64_t>{1000, 10000} : parse_list(bp.decide_batches, "decide-batches");
  std::vector<int> hidden;
  for (int64_t h : parse_list(bp.hidden, "hidden")) hidden.push_back(int(h));
  torch::set_num_threads(bp.threads);

  // The state layout, masks and realistic states of a small synthetic shop.
  SynthParams sp;
  sp.customers = 2000;
  sp.products = 200;
  sp.days = 120;
  sp.seed = bp.seed;
  const Dataset ds = generate_synthetic_shop(sp);
  PolicySpec spec = make_policy_spec(ds, ActionSpaceParams(), MaskParams(), RewardParams(),
                                     StateFeatureParams(), {});
  std::vector<LoggedReject> rejects;
  const LoggedDecisions L = build_logged_decisions(ds, spec, {}, &rejects);
  fit_policy_scaler(&spec, L.states.data(), L.n);
  const int D = spec.dim(), A = spec.n_actions();
  std::printf(
      "policy bench: state dim %d, %d actions, hidden %s, batch %d, %d threads (LibTorch %s)\n", D,
      A, bp.hidden.c_str(), bp.batch_size, bp.threads, torch_version().c_str());

  // Replay buffer of logged transitions (scaled), as the learner sees them.
  std::vector<float> scaled = L.states;
  scale_states(spec, scaled.data(), L.n);
  ReplayBuffer buf(L.n, D, A);
  for (int64_t i = 0; i < L.n; ++i) {
    const int32_t a = L.action[size_t(i)];
    if (a < 0 || !L.masks[size_t(i) * A + size_t(a)]) continue;
    const int64_t nx = L.next[size_t(i)];
    const bool term = nx < 0;
    buf.push(&scaled[size_t(i) * D], &L.masks[size_t(i) * A], a, float(L.reward[size_t(i)]),
             term ? 0.0f : 0.9f, term ? nullptr : &scaled[size_t(nx) * D],
             term ? nullptr : &L.masks[size_t(nx) * A]);
  }

  std::vector<DeviceResult> results;
  std::stringstream dl(bp.devices);
  std::string device;
  while (std::getline(dl, device, ',')) {
    DeviceResult r;
    r.device = device;
    TAILOR_CHECK(device == "cpu" || device == "cuda",
                 "tailor-bench policy: unknown device '" << device << "'");
    if (device == "cuda" && !torch_cuda_available()) {
      r.absent_reason = "no CUDA device for LibTorch";
      r.peer_reason = "not run (no CUDA device)";
      results.push_back(r);
      continue;
    }
    r.present = true;
    DqnParams dp;
    dp.hidden = hidden;
    dp.gamma = 0.9;
    dp.batch_size = bp.batch_size;
    dp.device = device;
    DqnLearner learner(D, A, dp);
    ReplayBatch batch;
    std::vector<int64_t> idx;
    auto step = [&](int t) {
      SynthRng rng = policy_rng(bp.seed, uint64_t(t), PolicyStream::kBatches);
      buf.sample_indices(bp.batch_size, rng, &idx);
      buf.gather(idx, &batch);
      learner.step(batch);
    };
    for (int t = 0; t < bp.warmup; ++t) step(t);
    double best = INFINITY;
    for (int rep = 0; rep < bp.repeats; ++rep) {
      const auto t0 = Clock::now();
      for (int t = 0; t < steps; ++t) step(t);
      best = std::min(best, seconds_since(t0));
    }
    r.learner_steps_per_s = steps / best;

    // Decisions through the public API (scaling, forward, masks, exploration, draws, output).
    const fs::path tmp =
        fs::temp_directory_path() / ("tailor_bench_policy_" + std::to_string(getpid()) + ".h5");
    PolicyApproval approval = decide_approval(1, 0, false);
    write_checkpoint(
        send_policy_to_checkpoint(spec, learner, ExplorationParams(), approval, "{}", ""),
        tmp.string());
    const SendPolicy policy = SendPolicy::load(tmp.string(), device);
    fs::remove(tmp);
    for (int64_t n : batches) {
      std::vector<float> states(size_t(n) * D);
      std::vector<uint8_t> masks(size_t(n) * A);
      std::vector<uint64_t> keys(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const int64_t j = i % L.n;
        std::copy_n(&L.states[size_t(j) * D], D, &states[size_t(i) * D]);
        std::copy_n(&L.masks[size_t(j) * A], A, &masks[size_t(i) * A]);
        keys[size_t(i)] = uint64_t(i);
      }
      std::vector<float> q;
      std::vector<SendDecision> out;
      policy.q_values(states.data(), n, &q);  // warm-up
      double fwd = INFINITY, dec = INFINITY;
      for (int rep = 0; rep < bp.repeats; ++rep) {
        auto t0 = Clock::now();
        policy.q_values(states.data(), n, &q);
        fwd = std::min(fwd, seconds_since(t0));
        t0 = Clock::now();
        policy.decide_states(states.data(), masks.data(), n, keys.data(), 7, nullptr, &out);
        dec = std::min(dec, seconds_since(t0));
      }
      r.forward_per_s[n] = double(n) / fwd;
      r.decide_per_s[n] = double(n) / dec;
    }
    if (bp.peers.find("torch") != std::string::npos) {
      r.peer_present = run_peer(bp, device, D, A, batches, steps, &r);
    } else {
      r.peer_reason = "not requested (--peers none)";
    }
    results.push_back(r);
  }

  // Table.
  std::printf("\n%-6s %-28s %14s %14s %10s\n", "device", "measure", "tailor", "pytorch-py",
              "t/peer");
  for (const DeviceResult& r : results) {
    if (!r.present) {
      std::printf("%-6s absent: %s\n", r.device.c_str(), r.absent_reason.c_str());
      continue;
    }
    auto row = [&](const std::string& what, double ours, double peer, bool has_peer) {
      if (has_peer) {
        std::printf("%-6s %-28s %14.1f %14.1f %10.2f\n", r.device.c_str(), what.c_str(), ours, peer,
                    ours / peer);
      } else {
        std::printf("%-6s %-28s %14.1f %14s %10s\n", r.device.c_str(), what.c_str(), ours, "absent",
                    "-");
      }
    };
    row("learner steps/s", r.learner_steps_per_s, r.peer_steps_per_s, r.peer_present);
    for (int64_t n : batches) {
      row("decide/s, batch " + std::to_string(n), r.decide_per_s.at(n),
          r.peer_present ? r.peer_decide_per_s.at(n) : 0, r.peer_present);
      std::printf("%-6s %-28s %14.1f %14s %10s\n", r.device.c_str(),
                  ("  forward only, " + std::to_string(n)).c_str(), r.forward_per_s.at(n), "", "");
    }
    if (!r.peer_present)
      std::printf("%-6s peer absent: %s\n", r.device.c_str(), r.peer_reason.c_str());
  }
  std::fflush(stdout);

  if (!bp.json.empty()) {
    nlohmann::json j;
    j["state_dim"] = D;
    j["actions"] = A;
    j["hidden"] = bp.hidden;
    j["batch_size"] = bp.batch_size;
    j["threads"] = bp.threads;
    j["steps"] = steps;
    j["libtorch"] = torch_version();
    for (const DeviceResult& r : results) {
      nlohmann::json d = {{"device", r.device}, {"present", r.present}};
      if (!r.present) {
        d["absent_reason"] = r.absent_reason;
      } else {
        d["learner_steps_per_s"] = r.learner_steps_per_s;
        for (int64_t n : batches) {
          d["decisions_per_s"][std::to_string(n)] = r.decide_per_s.at(n);
          d["forward_per_s"][std::to_string(n)] = r.forward_per_s.at(n);
        }
        d["peer"] = {{"name", "pytorch-python"}, {"present", r.peer_present}};
        if (r.peer_present) {
          d["peer"]["learner_steps_per_s"] = r.peer_steps_per_s;
          d["ratio_learner"] = r.learner_steps_per_s / r.peer_steps_per_s;
          for (int64_t n : batches) {
            d["peer"]["decisions_per_s"][std::to_string(n)] = r.peer_decide_per_s.at(n);
            d["ratio_decide"][std::to_string(n)] = r.decide_per_s.at(n) / r.peer_decide_per_s.at(n);
          }
        } else {
          d["peer"]["reason"] = r.peer_reason;
        }
      }
      j["devices"].push_back(d);
    }
    AtomicOutputFile out(bp.json);
    out.stream() << j.dump(2) << "\n";
    out.commit();
    spdlog::info("policy bench: wrote {}", bp.json);
  }
}

const CommandRegistrar kRegistrar(
    {"policy",
     "send-policy DQN learner steps/s and batched decisions/s: tailor vs PyTorch from Python",
     [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
       auto bp = std::make_shared<PolicyBenchParams>();
       auto ps = std::make_unique<ParamSet>(sub, "bench_policy");
       ps->add("grid", &bp->grid, "full or quick (a small grid for tests)");
       ps->add("hidden", &bp->hidden, "hidden layer widths, comma separated");
       ps->add("batch_size", &bp->batch_size, "transitions per learner step");
       ps->add("steps", &bp->steps, "timed learner steps per repeat");
       ps->add("warmup", &bp->warmup, "untimed learner steps first");
       ps->add("decide_batches", &bp->decide_batches, "decision batch sizes, comma separated");
       ps->add("repeats", &bp->repeats, "timed repeats (the fastest counts)");
       ps->add("devices", &bp->devices, "cpu, cuda (comma separated)");
       ps->add("peers", &bp->peers, "torch (PyTorch from Python) or none");
       ps->add("threads", &bp->threads, "LibTorch and peer threads");
       ps->add("seed", &bp->seed, "seed of the synthetic shop and batches");
       ps->add("python", &bp->python, "python with PyTorch");
       ps->add("json", &bp->json, "write results as JSON to this file");
       params.push_back(std::move(ps));
       return [bp] { run_bench(*bp); };
     }});

}  // namespace
}  // namespace tailor
