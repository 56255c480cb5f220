// `tailor-train policy`: trains the send policy (DQN, offline on the email log and optionally
// online in the synthetic shop's simulator), reports it against the logging, uniform and
// constant policies off-policy, and writes an approved (or not) "send_policy" checkpoint.
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/io/atomic_file.h"
#include "models/policy_training.h"

namespace tailor {
namespace {

struct PolicyTrainArgs {
  std::string dataset, output, report;
  bool force_approve = false;
  std::string resume;
};

void run(const PolicyTrainArgs& a, PolicyTrainConfig cfg,
         const std::vector<std::unique_ptr<ParamSet>>* params) {
  TAILOR_CHECK(!a.dataset.empty(), "policy: --dataset is required");
  TAILOR_CHECK(!a.output.empty(), "policy: --output is required");
  cfg.force_approve = a.force_approve;
  cfg.resume = a.resume;
  YAML::Node config(YAML::NodeType::Map);
  for (const auto& ps : *params) config[ps->section()] = ps->to_yaml();
  config["run"]["force_approve"] = a.force_approve;
  config["run"]["resume"] = a.resume;
  YAML::Emitter em;
  em << config;
  cfg.config_yaml = em.c_str();
  if (const auto parent = std::filesystem::path(a.output).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);

  const Dataset ds = read_dataset(a.dataset);
  const PolicyTrainReport rep = train_send_policy(ds, cfg, a.output);
  std::fputs(rep.to_text().c_str(), stdout);
  if (rep.approval.forced)
    std::printf("WARNING: the checkpoint is marked approved only because of --force-approve\n");
  std::printf("checkpoint -> %s (%s)\n", a.output.c_str(),
              rep.approval.approved ? "approved" : "NOT approved");
  if (!a.report.empty()) {
    AtomicOutputFile out(a.report);
    out.stream() << rep.to_json() << "\n";
    out.commit();
    std::printf("report     -> %s\n", a.report.c_str());
  }
  std::fflush(stdout);
}

const CommandRegistrar kRegistrar{CommandSpec{
    "policy",
    "train the send policy (DQN with off-policy evaluation and approval) into a checkpoint",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto a = std::make_shared<PolicyTrainArgs>();
      auto cfg = std::make_shared<PolicyTrainConfig>();
      sub->add_option("--dataset", a->dataset, "dataset file (.h5): synthetic shop or imported log")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--output,-o", a->output, "checkpoint to write (.h5)")->required();
      sub->add_option("--report", a->report, "also write the evaluation report as JSON here");
      sub->add_flag("--force-approve", a->force_approve,
                    "mark the checkpoint approved even if the DR lower bound does not beat the "
                    "logging policy (said in the output and stored in the checkpoint)");
      sub->add_option("--resume", a->resume,
                      "continue training from this send_policy checkpoint (spec, networks, AdamW)")
          ->check(CLI::ExistingFile);
      bind_policy_train_config(sub, cfg.get(), &params);
      const auto* ps = &params;
      return [a, cfg, ps] { run(*a, *cfg, ps); };
    }}};

}  // namespace
}  // namespace tailor
