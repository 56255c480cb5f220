// LibTorch <-> checkpoint adapter (see torch_checkpoint.h).
#include "models/torch_checkpoint.h"

#include <torch/version.h>

#include <cstring>
#include <set>
#include <type_traits>

#include "core/common/error.h"

namespace tailor {
namespace {

torch::Dtype to_torch(TensorDType dt) {
  switch (dt) {
    case TensorDType::kInt8: return torch::kInt8;
    case TensorDType::kInt16: return torch::kInt16;
    case TensorDType::kInt32: return torch::kInt32;
    case TensorDType::kInt64: return torch::kInt64;
    case TensorDType::kUInt8: return torch::kUInt8;
    case TensorDType::kFloat32: return torch::kFloat32;
    case TensorDType::kFloat64: return torch::kFloat64;
  }
  TAILOR_FAIL("internal: unknown tensor dtype " << static_cast<int>(dt));
}

TensorDType from_torch(torch::Dtype dt) {
  switch (dt) {
    case torch::kInt8: return TensorDType::kInt8;
    case torch::kInt16: return TensorDType::kInt16;
    case torch::kInt32: return TensorDType::kInt32;
    case torch::kInt64: return TensorDType::kInt64;
    case torch::kUInt8: return TensorDType::kUInt8;
    case torch::kFloat32: return TensorDType::kFloat32;
    case torch::kFloat64: return TensorDType::kFloat64;
    default: break;
  }
  TAILOR_FAIL("tensor dtype " << c10::toString(dt) << " cannot be stored in a checkpoint");
}

std::vector<int64_t> shape_of(const torch::Tensor& t) { return t.sizes().vec(); }

/// Copies `src` (checked against `dst`'s dtype and shape) into `dst` without autograd.
void copy_checked(const Checkpoint& ck, const std::string& name, torch::Tensor dst) {
  check_tensor(ck, name, from_torch(dst.scalar_type()), shape_of(dst));
  torch::NoGradGuard no_grad;
  dst.copy_(blob_to_tensor(ck.tensor(name)));
}

// LibTorch 1.13 keys optimizer state by the TensorImpl address as a string, 2.x by the address.
template <class Key>
Key state_key(const torch::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    return c10::guts::to_string(p.unsafeGetTensorImpl());
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

using StateMap = std::decay_t<decltype(std::declval<torch::optim::AdamW&>().state())>;
using StateKey = typename StateMap::key_type;

}  // namespace

std::string module_path_to_entry(const std::string& dotted) {
  std::string s = dotted;
  for (char& c : s)
    if (c == '.') c = '/';
  return s;
}

TensorBlob tensor_to_blob(const torch::Tensor& t) {
  TAILOR_CHECK(t.defined(), "cannot store an undefined tensor");
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  TensorBlob b;
  b.dtype = from_torch(c.scalar_type());
  b.shape = shape_of(c);
  b.data.resize(static_cast<size_t>(c.numel()) * tensor_dtype_size(b.dtype));
  if (!b.data.empty()) std::memcpy(b.data.data(), c.data_ptr(), b.data.size());
  return b;
}

torch::Tensor blob_to_tensor(const TensorBlob& b) {
  torch::Tensor t = torch::empty(b.shape, torch::TensorOptions().dtype(to_torch(b.dtype)));
  TAILOR_CHECK(static_cast<size_t>(t.numel()) * tensor_dtype_size(b.dtype) == b.data.size(),
               "tensor of shape " << shape_to_string(b.shape) << " holds " << b.data.size() << " bytes");
  if (!b.data.empty()) std::memcpy(t.data_ptr(), b.data.data(), b.data.size());
  return t;
}

void module_to_checkpoint(const torch::nn::Module& m, Checkpoint* ck) {
  for (const auto& p : m.named_parameters(/*recurse=*/true))
    ck->tensors["params/" + module_path_to_entry(p.key())] = tensor_to_blob(p.value());
  for (const auto& b : m.named_buffers(/*recurse=*/true))
    ck->tensors["buffers/" + module_path_to_entry(b.key())] = tensor_to_blob(b.value());
  ck->versions["torch"] = TORCH_VERSION;
}

void module_from_checkpoint(torch::nn::Module& m, const Checkpoint& ck) {
  std::set<std::string> expected;
  for (const auto& p : m.named_parameters(true)) {
    const std::string name = "params/" + module_path_to_entry(p.key());
    copy_checked(ck, name, p.value());
    expected.insert(name);
  }
  for (const auto& b : m.named_buffers(true)) {
    const std::string name = "buffers/" + module_path_to_entry(b.key());
    copy_checked(ck, name, b.value());
    expected.insert(name);
  }
  for (const auto& [name, blob] : ck.tensors) {
    (void)blob;
    const bool model_entry = name.rfind("params/", 0) == 0 || name.rfind("buffers/", 0) == 0;
    TAILOR_CHECK(!model_entry || expected.count(name),
                 "checkpoint " << ck.path << ": " << name << " is not a parameter or buffer of the "
                               << "model (the checkpoint was written by a differently configured model)");
  }
}

void adamw_to_checkpoint(torch::optim::AdamW& opt, const torch::nn::Module& m, Checkpoint* ck) {
  auto& state = opt.state();
  for (const auto& p : m.named_parameters(true)) {
    auto it = state.find(state_key<StateKey>(p.value()));
    if (it == state.end()) continue;
    const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
    const std::string base = "optimizer/" + module_path_to_entry(p.key()) + "/";
    ck->tensors[base + "step"] = TensorBlob::scalar<int64_t>(static_cast<int64_t>(s.step()));
    ck->tensors[base + "exp_avg"] = tensor_to_blob(s.exp_avg());
    ck->tensors[base + "exp_avg_sq"] = tensor_to_blob(s.exp_avg_sq());
  }
  TAILOR_CHECK(!opt.param_groups().empty(), "internal: optimizer without param groups");
  const auto& o = static_cast<const torch::optim::AdamWOptions&>(opt.param_groups()[0].options());
  ck->tensors["optimizer/options/lr"] = TensorBlob::scalar<double>(o.lr());
  ck->tensors["optimizer/options/weight_decay"] = TensorBlob::scalar<double>(o.weight_decay());
  ck->tensors["optimizer/options/eps"] = TensorBlob::scalar<double>(o.eps());
  ck->tensors["optimizer/options/beta1"] = TensorBlob::scalar<double>(std::get<0>(o.betas()));
  ck->tensors["optimizer/options/beta2"] = TensorBlob::scalar<double>(std::get<1>(o.betas()));
}

void adamw_from_checkpoint(torch::optim::AdamW& opt, const torch::nn::Module& m, const Checkpoint& ck) {
  auto& state = opt.state();
  for (const auto& p : m.named_parameters(true)) {
    const std::string base = "optimizer/" + module_path_to_entry(p.key()) + "/";
    if (!ck.has_tensor(base + "step")) continue;
    check_tensor(ck, base + "step", TensorDType::kInt64, {});
    auto s = std::make_unique<torch::optim::AdamWParamState>();
    s->step(ck.tensor(base + "step").values<int64_t>()[0]);
    torch::Tensor avg = torch::zeros_like(p.value());
    torch::Tensor avg_sq = torch::zeros_like(p.value());
    copy_checked(ck, base + "exp_avg", avg);
    copy_checked(ck, base + "exp_avg_sq", avg_sq);
    s->exp_avg(avg);
    s->exp_avg_sq(avg_sq);
    state[state_key<StateKey>(p.value())] = std::move(s);
  }
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<torch::optim::AdamWOptions&>(group.options());
    check_tensor(ck, "optimizer/options/lr", TensorDType::kFloat64, {});
    o.lr(ck.tensor("optimizer/options/lr").values<double>()[0]);
  }
}

}  // namespace tailor
