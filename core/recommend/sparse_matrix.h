// Compressed sparse row matrix of floats: the shared currency of TF-IDF vectors, customer
// profiles and co-purchase counts.
#pragma once

#include <cstdint>
#include <vector>

namespace tailor {

/// rows x cols CSR matrix. Row r holds indices[indptr[r] .. indptr[r+1]) (sorted ascending,
/// no duplicates) with the matching values.
struct CsrMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<int64_t> indptr;   ///< rows + 1 entries, indptr[0] = 0
  std::vector<int32_t> indices;  ///< column of each stored value
  std::vector<float> values;

  int64_t nnz() const { return static_cast<int64_t>(indices.size()); }
};

/// Scales every row to unit l2 norm (rows with norm 0 are left as they are).
void l2_normalize_rows(CsrMatrix& m);

/// Checks the CSR invariants (sizes, sorted unique indices in range); throws tailor::Error.
void check_csr(const CsrMatrix& m, const char* what);

/// The transpose (cols x rows), e.g. items -> the term -> items postings of an inverted index.
/// Rows of the result keep ascending indices.
CsrMatrix transpose_csr(const CsrMatrix& m);

}  // namespace tailor
