// Sparse cosine top-k on the CPU: per query row, scores accumulated over an inverted index
// (term -> items) into a per-thread dense accumulator, then a bounded heap of k; OpenMP over rows.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "kernels/sparse_topk.h"
#include "kernels/sparse_topk_cuda.h"

namespace tailor {
namespace {

struct Cand {
  float score;
  int32_t item;
};

/// Heap order: the worst candidate at the front.
bool heap_less(const Cand& a, const Cand& b) { return topk_better(a.score, a.item, b.score, b.item); }

void check_finite(const CsrMatrix& m, const char* what) {
  for (size_t j = 0; j < m.values.size(); ++j) {
    TAILOR_CHECK(std::isfinite(m.values[j]),
                 "sparse_topk: " << what << " has a non-finite value at stored entry " << j);
  }
}

}  // namespace

void check_sparse_topk_inputs(const CsrMatrix& queries, const CsrMatrix& items, int k,
                              int64_t chunk_rows, const CsrMatrix* exclude) {
  TAILOR_CHECK(k >= 1 && k <= 1000, "sparse_topk: k must be in 1..1000, got " << k);
  TAILOR_CHECK(chunk_rows >= 1, "sparse_topk: chunk_rows must be >= 1, got " << chunk_rows);
  check_csr(queries, "sparse_topk: queries");
  check_csr(items, "sparse_topk: items");
  TAILOR_CHECK(queries.cols == items.cols, "sparse_topk: queries have " << queries.cols
                                               << " columns but items have " << items.cols);
  TAILOR_CHECK(items.rows <= std::numeric_limits<int32_t>::max() - 1,
               "sparse_topk: " << items.rows << " items exceed int32 ids");
  check_finite(queries, "queries");
  check_finite(items, "items");
  if (exclude != nullptr) {
    check_csr(*exclude, "sparse_topk: exclude");
    TAILOR_CHECK(exclude->rows == queries.rows && exclude->cols == items.rows,
                 "sparse_topk: exclude is " << exclude->rows << " x " << exclude->cols
                                            << ", expected queries x items = " << queries.rows
                                            << " x " << items.rows);
  }
}

TopKResult sparse_topk(const CsrMatrix& queries, const CsrMatrix& items, const SparseTopKParams& p,
                       const CsrMatrix* exclude, const uint8_t* available,
                       bool include_zero_scores) {
  check_sparse_topk_inputs(queries, items, p.k, p.chunk_rows, exclude);
  if (p.device == "cpu") {
    return sparse_topk_cpu(queries, items, p.k, exclude, available, include_zero_scores);
  }
  if (p.device == "cuda") {
    return sparse_topk_cuda(queries, items, p.k, p.chunk_rows, exclude, available,
                            include_zero_scores);
  }
  TAILOR_FAIL("sparse_topk: device must be cpu or cuda, got '" << p.device << "'");
}

TopKResult sparse_topk_cpu(const CsrMatrix& queries, const CsrMatrix& items, int k,
                           const CsrMatrix* exclude, const uint8_t* available,
                           bool include_zero_scores) {
  const int64_t n_q = queries.rows;
  const int32_t n_i = int32_t(items.rows);
  TopKResult out;
  out.rows = n_q;
  out.k = k;
  out.items.assign(size_t(n_q) * k, -1);
  out.scores.assign(size_t(n_q) * k, -std::numeric_limits<float>::infinity());
  if (n_q == 0 || n_i == 0) return out;
  const CsrMatrix postings = transpose_csr(items);  // term -> (item, value), items ascending
  constexpr uint8_t kTouched = 1, kExcluded = 2;

#pragma omp parallel
  {
    std::vector<float> acc(size_t(n_i), 0.0f);
    std::vector<uint8_t> flag(size_t(n_i), 0);
    std::vector<int32_t> touched;
    touched.reserve(1024);
    std::vector<Cand> heap;
    heap.reserve(size_t(k));
#pragma omp for schedule(dynamic, 16)
    for (int64_t q = 0; q < n_q; ++q) {
      const int64_t q0 = queries.indptr[q], q1 = queries.indptr[q + 1];
      const int64_t e0 = exclude ? exclude->indptr[q] : 0, e1 = exclude ? exclude->indptr[q + 1] : 0;
      if (q0 == q1 && !include_zero_scores) continue;  // no terms: an empty row
      for (int64_t e = e0; e < e1; ++e) flag[exclude->indices[e]] |= kExcluded;
      touched.clear();
      for (int64_t j = q0; j < q1; ++j) {
        const int32_t t = queries.indices[j];
        const float w = queries.values[j];
        const int64_t p1 = postings.indptr[t + 1];
        for (int64_t p = postings.indptr[t]; p < p1; ++p) {
          const int32_t i = postings.indices[p];
          acc[i] += w * postings.values[p];
          if (!(flag[i] & kTouched)) {
            flag[i] |= kTouched;
            touched.push_back(i);
          }
        }
      }
      heap.clear();
      auto consider = [&](int32_t i) {
        if ((flag[i] & kExcluded) || (available != nullptr && available[i] == 0)) return;
        const Cand c{acc[i], i};
        if (int(heap.size()) < k) {
          heap.push_back(c);
          std::push_heap(heap.begin(), heap.end(), heap_less);
        } else if (topk_better(c.score, c.item, heap.front().score, heap.front().item)) {
          std::pop_heap(heap.begin(), heap.end(), heap_less);
          heap.back() = c;
          std::push_heap(heap.begin(), heap.end(), heap_less);
        }
      };
      if (include_zero_scores) {
        for (int32_t i = 0; i < n_i; ++i) consider(i);  // untouched items score 0
      } else {
        for (int32_t i : touched) consider(i);
      }
      std::sort_heap(heap.begin(), heap.end(), heap_less);  // best first
      for (size_t r = 0; r < heap.size(); ++r) {
        out.items[size_t(q) * k + r] = heap[r].item;
        out.scores[size_t(q) * k + r] = heap[r].score;
      }
      for (int32_t i : touched) {
        acc[i] = 0.0f;
        flag[i] = 0;
      }
      for (int64_t e = e0; e < e1; ++e) flag[exclude->indices[e]] = 0;
    }
  }
  return out;
}

}  // namespace tailor
