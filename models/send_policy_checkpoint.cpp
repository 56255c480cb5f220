// send_policy checkpoint entries.
#include "models/send_policy_checkpoint.h"

#include "core/common/error.h"
#include "core/policy/policy_params.h"

namespace tailor {

Checkpoint send_policy_to_checkpoint(const PolicySpec& spec, DqnLearner& learner,
                                     const ExplorationParams& exploration,
                                     const PolicyApproval& approval, const std::string& report_json,
                                     const std::string& config_yaml) {
  Checkpoint ck;
  ck.model_type = "send_policy";
  ck.config = config_yaml;
  policy_spec_to_checkpoint(spec, &ck);
  learner.save(&ck);
  ck.tensors["meta/network/in_dim"] = TensorBlob::scalar<int64_t>(spec.dim());
  ck.tensors["meta/network/n_actions"] = TensorBlob::scalar<int64_t>(spec.n_actions());
  ck.strings["meta/dqn/params"] = params_to_yaml(&add_dqn_params, learner.params());
  ck.strings["meta/exploration"] = params_to_yaml(&add_exploration_params, exploration);
  ck.tensors["meta/approval/approved"] = TensorBlob::scalar<uint8_t>(approval.approved ? 1 : 0);
  ck.tensors["meta/approval/forced"] = TensorBlob::scalar<uint8_t>(approval.forced ? 1 : 0);
  ck.tensors["meta/approval/dr_lower"] = TensorBlob::scalar<double>(approval.dr_lower);
  ck.tensors["meta/approval/logging_value"] = TensorBlob::scalar<double>(approval.logging_value);
  ck.strings["meta/approval/reason"] = approval.reason;
  ck.strings["meta/ope_report"] = report_json;
  return ck;
}

SendPolicyMeta send_policy_meta_from_checkpoint(const Checkpoint& ck) {
  const std::string where =
      "checkpoint " + (ck.path.empty() ? std::string("(in memory)") : ck.path);
  SendPolicyMeta m;
  check_tensor(ck, "meta/network/in_dim", TensorDType::kInt64, {});
  check_tensor(ck, "meta/network/n_actions", TensorDType::kInt64, {});
  m.in_dim = ck.tensor("meta/network/in_dim").values<int64_t>()[0];
  m.n_actions = ck.tensor("meta/network/n_actions").values<int64_t>()[0];
  m.dqn = params_from_yaml(&add_dqn_params, ck.text("meta/dqn/params"), where + " meta/dqn/params");
  m.exploration = params_from_yaml(&add_exploration_params, ck.text("meta/exploration"),
                                   where + " meta/exploration");
  check_exploration_params(m.exploration);
  check_tensor(ck, "meta/approval/approved", TensorDType::kUInt8, {});
  check_tensor(ck, "meta/approval/forced", TensorDType::kUInt8, {});
  m.approved = ck.tensor("meta/approval/approved").values<uint8_t>()[0] != 0;
  m.forced = ck.tensor("meta/approval/forced").values<uint8_t>()[0] != 0;
  m.approval_reason = ck.text("meta/approval/reason");
  m.report_json = ck.text("meta/ope_report");
  return m;
}

}  // namespace tailor
