// CPU-only build: the CUDA K-means backend is absent; asking for device "cuda" is a clear error.
#include "core/common/error.h"
#include "kernels/kmeans_backend.h"

namespace tailor {

std::unique_ptr<KMeansBackend> make_kmeans_cuda_backend(std::vector<KMeansRunData>, int) {
  TAILOR_FAIL("kmeans: device 'cuda' requested but tailor was built without CUDA "
              "(configure with -DTAILOR_CUDA=ON on a machine with nvcc)");
}

}  // namespace tailor
