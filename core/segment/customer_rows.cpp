// Stable counting sort of table rows by customer (see customer_rows.h).
#include "core/segment/customer_rows.h"

#include <limits>

#include "core/common/error.h"

namespace tailor {

CustomerRows group_rows_by_customer(const std::vector<int64_t>& customer, size_t n_customers,
                                    const char* table) {
  const size_t n = customer.size();
  TAILOR_CHECK(n < std::numeric_limits<uint32_t>::max(),
               table << ": " << n << " rows is more than this grouping supports (2^32 - 1)");
  CustomerRows g;
  g.offsets.assign(n_customers + 1, 0);
  // Pass 1: count rows per customer (shifted by one so the prefix sum gives the start offsets).
  for (size_t r = 0; r < n; ++r) {
    const int64_t c = customer[r];
    if (c == -1) {
      ++g.rows_without_customer;
      continue;
    }
    TAILOR_CHECK(c >= 0 && static_cast<uint64_t>(c) < n_customers,
                 table << " row " << r << ": field 'customer' = " << c << " is outside [0, "
                       << n_customers << ") (or -1 for none)");
    ++g.offsets[static_cast<size_t>(c) + 1];
  }
  for (size_t c = 0; c < n_customers; ++c) g.offsets[c + 1] += g.offsets[c];
  // Pass 2: scatter row indices; `cursor` walks each customer's slot in row order (stable).
  g.rows.resize(static_cast<size_t>(g.offsets[n_customers]));
  std::vector<int64_t> cursor(g.offsets.begin(), g.offsets.end() - 1);
  for (size_t r = 0; r < n; ++r) {
    const int64_t c = customer[r];
    if (c < 0) continue;
    g.rows[static_cast<size_t>(cursor[static_cast<size_t>(c)]++)] = static_cast<uint32_t>(r);
  }
  return g;
}

}  // namespace tailor
