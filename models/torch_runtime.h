// Facts about the LibTorch this build links, for checkpoints and benchmark reports.
#pragma once

#include <string>

namespace tailor {

/// LibTorch version string, e.g. "1.13.1".
std::string torch_version();
/// True when LibTorch can use a CUDA device in this process.
bool torch_cuda_available();

}  // namespace tailor
