// Deterministic hash partition of customers into shards.
#include "core/email/shard_partition.h"

#include <cstdio>
#include <cstdlib>

#include "core/common/error.h"
#include "core/email/sha256.h"

namespace tailor {

ShardSpec parse_shard_spec(const std::string& s) {
  const size_t slash = s.find('/');
  const auto bad = [&] {
    TAILOR_FAIL("--shard '" << s
                            << "' must be i/n with 0 <= i < n <= 65536 (e.g. 3/16; i is "
                               "0-based like SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX)");
  };
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size()) bad();
  for (size_t k = 0; k < s.size(); ++k)
    if (k != slash && !(s[k] >= '0' && s[k] <= '9')) bad();
  if (slash > 6 || s.size() - slash - 1 > 6) bad();
  ShardSpec r;
  r.index = std::atoi(s.substr(0, slash).c_str());
  r.count = std::atoi(s.substr(slash + 1).c_str());
  if (r.count < 1 || r.count > 65536 || r.index < 0 || r.index >= r.count) bad();
  return r;
}

int shard_of_customer(const std::string& external_id, int shard_count) {
  const Sha256Digest d = sha256(external_id);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return static_cast<int>(v % static_cast<uint64_t>(shard_count));
}

std::vector<int64_t> shard_customers(const CustomerTable& customers, int index, int count) {
  TAILOR_CHECK(count >= 1 && index >= 0 && index < count, "bad shard " << index << "/" << count);
  std::vector<int64_t> rows;
  rows.reserve(customers.size() / count + 16);
  for (size_t c = 0; c < customers.size(); ++c)
    if (count == 1 || shard_of_customer(customers.external_id[c], count) == index)
      rows.push_back(static_cast<int64_t>(c));
  return rows;
}

std::string shard_stem(int index, int count) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "shard-%05d-of-%05d", index, count);
  return buf;
}

}  // namespace tailor
