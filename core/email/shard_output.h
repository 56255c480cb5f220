// The files of one output shard: messages (mbox), manifest, audit and rejects (JSONL), written
// under temporary names with running SHA-256s and renamed when the shard completes; then a
// completion marker with counts and checksums, which lets a re-run skip the shard.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/email/sha256.h"

namespace tailor {

/// Final paths of shard `index` of `count` under `dir` (stem "shard-00003-of-00016").
struct ShardPaths {
  std::string stem, mbox, manifest, audit, rejects, done;
};
ShardPaths shard_paths(const std::string& dir, int index, int count);

/// Removes leftovers of killed runs of this shard ("<stem>.*.tmp-*"). A shard is written by one
/// process at a time (one array task per index).
void remove_shard_temporaries(const std::string& dir, const std::string& stem);

/// A file written under temporary_path_for(final) through a large buffer, with byte count and
/// SHA-256 of everything written. Destroyed uncommitted, the temporary file is removed.
class HashedOutputFile {
 public:
  explicit HashedOutputFile(std::string final_path);
  HashedOutputFile(const HashedOutputFile&) = delete;
  HashedOutputFile& operator=(const HashedOutputFile&) = delete;
  ~HashedOutputFile();
  void write(std::string_view bytes);
  uint64_t bytes() const { return bytes_; }
  /// Flushes and closes (still under the temporary name); returns the SHA-256 hex.
  std::string finish();
  /// Renames into place (after finish()).
  void commit();
  const std::string& path() const { return final_path_; }

 private:
  std::string final_path_, tmp_path_;
  std::FILE* f_ = nullptr;
  Sha256 hash_;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

/// One output file as recorded in a completion marker.
struct ShardFileRecord {
  std::string name;  ///< file name (in the output folder)
  uint64_t bytes = 0;
  std::string sha256;
};

/// The completion marker "<stem>.done.json".
struct ShardMarker {
  int index = 0, count = 1;
  std::string fingerprint;  ///< the run's fingerprint (EmailJob::fingerprint)
  int64_t customers = 0, emails = 0;
  std::map<std::string, int64_t> skipped;  ///< reason -> customers
  std::map<std::string, int64_t> events;   ///< sanitising, fallbacks, deferred sends ...
  std::vector<ShardFileRecord> files;

  std::string to_json() const;
  /// Parses a marker; throws tailor::Error naming `source` when malformed.
  static ShardMarker from_json(const std::string& text, const std::string& source);
};

/// Reads `path`'s marker if it exists (returns false when absent).
bool read_shard_marker(const std::string& path, ShardMarker* marker);

/// True when every file of `m` exists in `dir` with its recorded size and, when `checksums`,
/// its recorded SHA-256. `why` says what differs.
bool verify_shard_files(const std::string& dir, const ShardMarker& m, bool checksums,
                        std::string* why);

}  // namespace tailor
