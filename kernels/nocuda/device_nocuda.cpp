// CPU-only build: there are no CUDA kernels, so no device is ever used.
#include "kernels/device.h"

namespace tailor {

bool cuda_compiled() { return false; }
int cuda_device_count() { return 0; }
std::string cuda_device_description(int) { return "tailor was built without CUDA (TAILOR_CUDA=OFF or no nvcc)"; }

}  // namespace tailor
