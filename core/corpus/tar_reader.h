// Streaming reader of tar archives (POSIX ustar, GNU and pax) over a LineReader byte stream, so
// .tar, .tar.gz and .tar.xz are read in one pass without unpacking anything to disk.
#pragma once

#include <cstdint>
#include <string>

#include "core/io/line_reader.h"

namespace tailor {

/// One regular file of the archive with its whole content.
struct TarMember {
  std::string name;            ///< path inside the archive (long names from GNU 'L' or pax 'path')
  uint64_t size = 0;           ///< bytes of content
  int64_t mtime = 0;           ///< modification time (Unix seconds)
  std::string content;         ///< the file's bytes
  uint64_t header_offset = 0;  ///< byte offset of the member's header in the (decompressed) tar
};

/// Reads members one by one. Only regular files are returned; directories, links, devices and
/// FIFOs are skipped and counted. Every header's checksum is verified. A damaged archive (bad
/// checksum, a member cut short, an unknown size encoding, a pax record that does not parse) is a
/// tailor::Error naming the archive, the member and the byte offset.
class TarReader {
 public:
  /// Opens `path` (plain, .gz or .xz, see LineReader).
  explicit TarReader(const std::string& path);

  /// Next regular file; false at the end of the archive (two zero blocks, or end of data at a
  /// block boundary).
  bool next(TarMember& member);

  const std::string& path() const { return path_; }
  /// Members skipped because they are not regular files.
  int64_t skipped_members() const { return skipped_; }
  /// Regular files returned so far.
  int64_t files_read() const { return files_; }
  /// True once the end-of-archive marker (a zero block) was seen.
  bool saw_end_marker() const { return saw_end_marker_; }
  /// The underlying stream (for progress reports: file_bytes_read / file_size).
  const LineReader& input() const { return in_; }

  /// Largest member content accepted (a guard against a corrupt size field), default 1 GiB.
  void set_max_member_bytes(uint64_t n) { max_member_bytes_ = n; }

 private:
  size_t read_fully(char* dst, size_t n);
  void read_block(char* block, const std::string& what, bool allow_eof, bool* eof);
  void read_content(uint64_t size, const std::string& member, std::string* out);
  void skip_padding(uint64_t size, const std::string& member);

  std::string path_;
  LineReader in_;
  uint64_t offset_ = 0;  // bytes consumed from the decompressed stream
  int64_t skipped_ = 0, files_ = 0;
  bool done_ = false, saw_end_marker_ = false;
  uint64_t max_member_bytes_ = uint64_t(1) << 30;
};

}  // namespace tailor
