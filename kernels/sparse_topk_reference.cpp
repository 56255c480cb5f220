// Dense brute-force reference of sparse_topk for tests: every item's dot product with a densified
// query row, full sort, first k.
#include <algorithm>
#include <limits>

#include "kernels/sparse_topk.h"
#include "kernels/sparse_topk_cuda.h"

namespace tailor {

TopKResult sparse_topk_reference(const CsrMatrix& queries, const CsrMatrix& items, int k,
                                 const CsrMatrix* exclude, const uint8_t* available,
                                 bool include_zero_scores) {
  check_sparse_topk_inputs(queries, items, k, 1, exclude);
  const int64_t n_q = queries.rows;
  const int32_t n_i = int32_t(items.rows);
  TopKResult out;
  out.rows = n_q;
  out.k = k;
  out.items.assign(size_t(n_q) * k, -1);
  out.scores.assign(size_t(n_q) * k, -std::numeric_limits<float>::infinity());
#pragma omp parallel
  {
    std::vector<float> dense(size_t(queries.cols), 0.0f);
    std::vector<uint8_t> has(size_t(queries.cols), 0);
    std::vector<uint8_t> excluded(size_t(n_i), 0);
    std::vector<std::pair<float, int32_t>> cands;
#pragma omp for schedule(dynamic, 4)
    for (int64_t q = 0; q < n_q; ++q) {
      std::fill(dense.begin(), dense.end(), 0.0f);
      std::fill(has.begin(), has.end(), 0);
      std::fill(excluded.begin(), excluded.end(), 0);
      for (int64_t j = queries.indptr[q]; j < queries.indptr[q + 1]; ++j) {
        dense[queries.indices[j]] = queries.values[j];
        has[queries.indices[j]] = 1;
      }
      if (exclude) {
        for (int64_t e = exclude->indptr[q]; e < exclude->indptr[q + 1]; ++e)
          excluded[exclude->indices[e]] = 1;
      }
      cands.clear();
      for (int32_t i = 0; i < n_i; ++i) {
        if (excluded[i] || (available != nullptr && available[i] == 0)) continue;
        float s = 0.0f;
        bool shares = false;
        for (int64_t j = items.indptr[i]; j < items.indptr[i + 1]; ++j) {
          if (!has[items.indices[j]]) continue;
          s += dense[items.indices[j]] * items.values[j];
          shares = true;
        }
        if (shares || include_zero_scores) cands.emplace_back(s, i);
      }
      std::sort(cands.begin(), cands.end(), [](const auto& a, const auto& b) {
        return topk_better(a.first, a.second, b.first, b.second);
      });
      for (size_t r = 0; r < cands.size() && r < size_t(k); ++r) {
        out.items[size_t(q) * k + r] = cands[r].second;
        out.scores[size_t(q) * k + r] = cands[r].first;
      }
    }
  }
  return out;
}

}  // namespace tailor
