// CPU-only build: the GPU entries of kernels/row_norms.h say clearly that CUDA is missing.
#include "core/common/error.h"
#include "kernels/row_norms.h"

namespace tailor {

double row_sq_norms_gpu(const float*, int64_t, int64_t, float*) {
  TAILOR_FAIL("row_sq_norms_gpu: tailor was built without CUDA (TAILOR_CUDA=OFF or no nvcc); "
              "use row_sq_norms_cpu or rebuild with -DTAILOR_CUDA=ON");
}

void row_inner_products_gpu(const float*, int64_t, const float*, int64_t, int64_t, float*) {
  TAILOR_FAIL("row_inner_products_gpu: tailor was built without CUDA (TAILOR_CUDA=OFF or no "
              "nvcc); use row_inner_products_cpu or rebuild with -DTAILOR_CUDA=ON");
}

}  // namespace tailor
