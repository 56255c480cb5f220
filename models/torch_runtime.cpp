#include "models/torch_runtime.h"

#include <torch/torch.h>
#include <torch/version.h>

namespace tailor {

std::string torch_version() { return TORCH_VERSION; }

bool torch_cuda_available() { return torch::cuda::is_available(); }

}  // namespace tailor
