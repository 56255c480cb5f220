// CUDA build: device queries through the CUDA runtime. A machine without a GPU reports 0 devices.
#include <cuda_runtime.h>

#include <sstream>

#include "kernels/device.h"

namespace tailor {

bool cuda_compiled() { return true; }

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return n;
}

std::string cuda_device_description(int device) {
  int n = cuda_device_count();
  if (n == 0) return "no CUDA device visible to this process";
  if (device < 0 || device >= n) return "no CUDA device " + std::to_string(device);
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) return "cudaGetDeviceProperties failed";
  std::ostringstream os;
  os << prop.name << ", sm_" << prop.major << prop.minor << ", " << prop.multiProcessorCount
     << " SMs, " << (prop.totalGlobalMem >> 20) << " MiB";
  return os.str();
}

}  // namespace tailor
