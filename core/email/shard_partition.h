// `--shard i/n`: customers are split into n shards by a hash of their external id, so that every
// machine of a Slurm array or a Kubernetes Indexed Job computes the same partition on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace tailor {

struct ShardSpec {
  int index = 0;  ///< 0-based, < count
  int count = 1;
};

/// Parses "i/n" (0 <= i < n <= 65536); throws tailor::Error otherwise.
ShardSpec parse_shard_spec(const std::string& s);

/// The shard of a customer: the first 8 bytes of SHA-256(external id), big-endian, modulo n.
/// The same in every process and release (documented in docs/email.md).
int shard_of_customer(const std::string& external_id, int shard_count);

/// Dataset rows (ascending) of the customers in shard `index` of `count`.
std::vector<int64_t> shard_customers(const CustomerTable& customers, int index, int count);

/// "shard-00003-of-00016" (the file stem of a shard's outputs).
std::string shard_stem(int index, int count);

}  // namespace tailor
