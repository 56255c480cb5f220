// CPU-only build: the CUDA sparse top-k is absent; asking for device "cuda" is a clear error.
#include "core/common/error.h"
#include "kernels/sparse_topk_cuda.h"

namespace tailor {

TopKResult sparse_topk_cuda(const CsrMatrix&, const CsrMatrix&, int, int64_t, const CsrMatrix*,
                            const uint8_t*, bool) {
  TAILOR_FAIL("sparse_topk: device 'cuda' requested but tailor was built without CUDA "
              "(configure with -DTAILOR_CUDA=ON on a machine with nvcc)");
}

}  // namespace tailor
