// Internal entry points of sparse top-k shared by the CPU path, the reference and the CUDA path
// (kernels/cuda/sparse_topk.cu, or the CPU-only fallback in kernels/nocuda/). No CUDA types.
#pragma once

#include "kernels/sparse_topk.h"

namespace tailor {

/// Validates the inputs of sparse_topk (shapes, CSR invariants, finite values, k, chunk_rows);
/// throws tailor::Error naming the offending argument.
void check_sparse_topk_inputs(const CsrMatrix& queries, const CsrMatrix& items, int k,
                              int64_t chunk_rows, const CsrMatrix* exclude);

/// Better-than order of (score, item): higher score first, then lower item id.
inline bool topk_better(float sa, int32_t ia, float sb, int32_t ib) {
  return sa > sb || (sa == sb && ia < ib);
}

/// The CPU path (inputs already validated).
TopKResult sparse_topk_cpu(const CsrMatrix& queries, const CsrMatrix& items, int k,
                           const CsrMatrix* exclude, const uint8_t* available,
                           bool include_zero_scores);

/// The CUDA path (inputs already validated); throws when built without CUDA or without a GPU.
TopKResult sparse_topk_cuda(const CsrMatrix& queries, const CsrMatrix& items, int k,
                            int64_t chunk_rows, const CsrMatrix* exclude, const uint8_t* available,
                            bool include_zero_scores);

}  // namespace tailor
