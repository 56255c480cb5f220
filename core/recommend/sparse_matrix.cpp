// CSR helpers: row normalisation, invariant checks and transposition.
#include "core/recommend/sparse_matrix.h"

#include <cmath>

#include "core/common/error.h"

namespace tailor {

void l2_normalize_rows(CsrMatrix& m) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < m.rows; ++r) {
    double ss = 0.0;
    for (int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) ss += double(m.values[j]) * m.values[j];
    if (ss <= 0.0) continue;
    const double inv = 1.0 / std::sqrt(ss);
    for (int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) m.values[j] = float(m.values[j] * inv);
  }
}

void check_csr(const CsrMatrix& m, const char* what) {
  TAILOR_CHECK(m.rows >= 0 && m.cols >= 0,
               what << ": negative shape " << m.rows << " x " << m.cols);
  TAILOR_CHECK(m.cols <= INT32_MAX, what << ": " << m.cols << " columns exceed int32 indices");
  TAILOR_CHECK(int64_t(m.indptr.size()) == m.rows + 1,
               what << ": indptr has " << m.indptr.size() << " entries, expected rows + 1 = "
                    << m.rows + 1);
  TAILOR_CHECK(m.indptr[0] == 0, what << ": indptr[0] is " << m.indptr[0] << ", expected 0");
  TAILOR_CHECK(m.indices.size() == m.values.size(),
               what << ": " << m.indices.size() << " indices but " << m.values.size() << " values");
  TAILOR_CHECK(m.indptr[m.rows] == m.nnz(),
               what << ": indptr[rows] is " << m.indptr[m.rows] << ", expected nnz " << m.nnz());
  for (int64_t r = 0; r < m.rows; ++r) {
    TAILOR_CHECK(m.indptr[r] <= m.indptr[r + 1], what << ": indptr decreases at row " << r);
    for (int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) {
      const int32_t c = m.indices[j];
      TAILOR_CHECK(c >= 0 && c < m.cols,
                   what << ": row " << r << " has column " << c << " outside [0, " << m.cols << ")");
      TAILOR_CHECK(j == m.indptr[r] || m.indices[j - 1] < c,
                   what << ": row " << r << " has unsorted or duplicate column " << c);
    }
  }
}

CsrMatrix transpose_csr(const CsrMatrix& m) {
  TAILOR_CHECK(m.rows <= INT32_MAX, "transpose_csr: " << m.rows << " rows exceed int32 indices");
  CsrMatrix t;
  t.rows = m.cols;
  t.cols = m.rows;
  t.indptr.assign(size_t(t.rows) + 1, 0);
  for (int32_t c : m.indices) ++t.indptr[size_t(c) + 1];
  for (int64_t r = 0; r < t.rows; ++r) t.indptr[r + 1] += t.indptr[r];
  t.indices.resize(m.indices.size());
  t.values.resize(m.values.size());
  std::vector<int64_t> next(t.indptr.begin(), t.indptr.end() - 1);
  for (int64_t r = 0; r < m.rows; ++r) {  // ascending r keeps each output row sorted
    for (int64_t j = m.indptr[r]; j < m.indptr[r + 1]; ++j) {
      const int64_t dst = next[m.indices[j]]++;
      t.indices[dst] = int32_t(r);
      t.values[dst] = m.values[j];
    }
  }
  return t;
}

}  // namespace tailor
