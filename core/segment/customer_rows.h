// Groups the rows of a per-event table (transactions, email log) by customer with a stable counting
// sort, so that per-customer aggregates can run in parallel over customers in O(rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tailor {

/// Rows of customer c are rows[offsets[c] .. offsets[c+1]), in their original order.
struct CustomerRows {
  std::vector<int64_t> offsets;  ///< n_customers + 1 entries
  std::vector<uint32_t> rows;    ///< row indices of the table
  int64_t rows_without_customer = 0;  ///< rows whose customer is -1 (left out)
};

/// Groups the rows of `customer` (one entry per table row, -1 = no customer). A customer outside
/// [-1, n_customers) is a tailor::Error naming `table` and the row.
CustomerRows group_rows_by_customer(const std::vector<int64_t>& customer, size_t n_customers,
                                    const char* table);

}  // namespace tailor
