// Which compute devices this build and this machine offer. No CUDA types here.
#pragma once

#include <string>

namespace tailor {

/// True when tailor was built with its CUDA kernels.
bool cuda_compiled();
/// Number of CUDA devices usable by this process (0 without CUDA or without a GPU).
int cuda_device_count();
/// One line describing device `i` (name, compute capability, memory), or why there is none.
std::string cuda_device_description(int device = 0);

}  // namespace tailor
