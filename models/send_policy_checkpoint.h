// Writing and reading the "send_policy" checkpoint: the policy spec (meta/spec/...), the DQN
// networks and AdamW state (resume), the network shape, DQN and exploration parameters, the
// approval and the off-policy report. Entries: docs/policy.md.
#pragma once

#include <string>

#include "core/checkpoint/checkpoint.h"
#include "core/policy/dqn_params.h"
#include "core/policy/exploration.h"
#include "core/policy/ope.h"
#include "core/policy/policy_spec.h"
#include "models/dqn.h"

namespace tailor {

/// Assembles the checkpoint (model type "send_policy"; `config_yaml` = the full run config).
Checkpoint send_policy_to_checkpoint(const PolicySpec& spec, DqnLearner& learner,
                                     const ExplorationParams& exploration,
                                     const PolicyApproval& approval, const std::string& report_json,
                                     const std::string& config_yaml);

/// What the checkpoint holds besides the spec and the networks.
struct SendPolicyMeta {
  int64_t in_dim = 0, n_actions = 0;
  DqnParams dqn;
  ExplorationParams exploration;
  bool approved = false, forced = false;
  std::string approval_reason, report_json;
};
SendPolicyMeta send_policy_meta_from_checkpoint(const Checkpoint& ck);

}  // namespace tailor
