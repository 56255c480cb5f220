// Adapter between LibTorch modules/optimizers and tailor's checkpoint format (core/checkpoint):
// parameters under "params/<name>", buffers under "buffers/<name>" (module path dots become '/'),
// AdamW state under "optimizer/<param name>/{step,exp_avg,exp_avg_sq}". Exact dtype and shape
// are checked on load; the tensors are copied bit-exactly.
#pragma once

#include <torch/torch.h>

#include <string>

#include "core/checkpoint/checkpoint.h"

namespace tailor {

/// A tensor (any device; copied to CPU, contiguous) as a blob of the same dtype and shape.
/// Supported dtypes: float32, float64, int8, int16, int32, int64, uint8.
TensorBlob tensor_to_blob(const torch::Tensor& t);
/// The blob as a CPU tensor of the same dtype and shape (owns its memory).
torch::Tensor blob_to_tensor(const TensorBlob& b);

/// Stores every parameter and buffer of `m` (recursively) in `ck`, and the LibTorch version in
/// ck->versions["torch"].
void module_to_checkpoint(const torch::nn::Module& m, Checkpoint* ck);

/// Copies every parameter and buffer of `m` from `ck`. Each must exist with the module's exact
/// dtype and shape (tailor::Error naming the checkpoint and the entry otherwise); entries of
/// `ck` under params/ or buffers/ that the module does not have are an error too. The tensors
/// keep their device.
void module_from_checkpoint(torch::nn::Module& m, const Checkpoint& ck);

/// Stores AdamW's per-parameter state (step, exp_avg, exp_avg_sq) for the parameters of `m`
/// that have state, plus the options of the first param group under optimizer/options/.
void adamw_to_checkpoint(torch::optim::AdamW& opt, const torch::nn::Module& m, Checkpoint* ck);

/// Restores the state written by adamw_to_checkpoint into `opt`, whose parameters must be those
/// of `m` (same names, shapes). The learning rate is restored too.
void adamw_from_checkpoint(torch::optim::AdamW& opt, const torch::nn::Module& m, const Checkpoint& ck);

/// "lstm.weight_ih_l0" -> "lstm/weight_ih_l0".
std::string module_path_to_entry(const std::string& dotted);

}  // namespace tailor
