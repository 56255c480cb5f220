// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104): checksums of outputs and checkpoints, message
// ids, shard hashing and the per-customer unsubscribe tokens.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tailor {

using Sha256Digest = std::array<uint8_t, 32>;

/// Incremental SHA-256: update() any number of times, then digest() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  /// Finishes the hash; the object must not be updated afterwards.
  Sha256Digest digest();

 private:
  void compress(const uint8_t* blocks, size_t n);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

Sha256Digest sha256(std::string_view data);
/// Lower-case hex of `n` bytes.
std::string hex_lower(const uint8_t* bytes, size_t n);
inline std::string hex_lower(const Sha256Digest& d) { return hex_lower(d.data(), d.size()); }
/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// Lower-case hex SHA-256 of a file's bytes; throws tailor::Error naming the file if unreadable.
std::string sha256_file_hex(const std::string& path);

/// HMAC-SHA256(key, message) (RFC 2104 with SHA-256, any key length).
Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

/// The block function in use: "sha-ni" (x86 SHA extensions, chosen at run time when the CPU has
/// them) or "portable".
const char* sha256_implementation();
/// Forces the portable block function (tests compare both); returns the previous setting.
bool sha256_force_portable(bool force);

}  // namespace tailor
