// Cosine top-k between the rows of two sparse matrices: for each query row, the k columns of
// Q · Pᵀ with the highest scores, without ever materialising the full queries x items matrix.
// Host pointers only; the CUDA path lives in kernels/cuda/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/recommend/sparse_matrix.h"

namespace tailor {

struct SparseTopKParams {
  /// Results per query row (1..1000).
  int k = 10;
  /// "cpu" or "cuda".
  std::string device = "cpu";
  /// Queries per chunk on the GPU (bounds device memory; results are copied back per chunk).
  int64_t chunk_rows = 65536;
};

/// Result: rows x k, row-major. Slots beyond the number of candidates with a score are filled
/// with item -1 and score -inf. Within a row, scores descend; ties are broken by lower item id.
struct TopKResult {
  int64_t rows = 0;
  int k = 0;
  std::vector<int32_t> items;
  std::vector<float> scores;
};

/// For each row q of `queries` (n_q x d), the top k items i of `items` (n_i x d) by the dot
/// product <queries[q], items[i]> (cosine when both are l2-normalised), excluding
///  - items listed in row q of `exclude` (n_q x n_i CSR, values ignored; may be null),
///  - items with `available[i] == 0` (may be null),
///  - items whose score is 0 because they share no term with the query are still candidates
///    only if `include_zero_scores` is true (default false: a query with no terms gets an empty
///    row of -1).
TopKResult sparse_topk(const CsrMatrix& queries, const CsrMatrix& items, const SparseTopKParams& p,
                       const CsrMatrix* exclude = nullptr, const uint8_t* available = nullptr,
                       bool include_zero_scores = false);

/// Dense brute-force reference of sparse_topk (same contract), for tests.
TopKResult sparse_topk_reference(const CsrMatrix& queries, const CsrMatrix& items, int k,
                                 const CsrMatrix* exclude = nullptr,
                                 const uint8_t* available = nullptr,
                                 bool include_zero_scores = false);

}  // namespace tailor
