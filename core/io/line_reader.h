// Reads a file as a byte stream (or line by line), decompressing .gz (zlib) and .xz (liblzma)
// transparently; the format is recognised by its magic bytes and checked against the extension.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tailor {

enum class Compression { kNone, kGzip, kXz };

/// "none", "gzip" or "xz".
const char* compression_name(Compression c);

/// A buffered reader over a plain, gzip or xz file. Reads in large chunks (default 1 MiB).
/// Compressed input is decoded ahead by a background thread (so decompression overlaps the
/// caller's parsing); errors from that thread are rethrown by read()/read_line().
/// Errors (missing file, corrupt or truncated compressed data, an extension that does not match
/// the content) throw tailor::Error naming the file.
class LineReader {
 public:
  explicit LineReader(const std::string& path, size_t chunk_bytes = size_t(1) << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// Copies up to `n` decompressed bytes into `dst`; returns the count, 0 only at end of file.
  size_t read(char* dst, size_t n);

  /// Reads the next line without its terminator (LF or CRLF). Returns false at end of file.
  bool read_line(std::string& line);

  const std::string& path() const { return path_; }
  Compression compression() const { return compression_; }
  /// Size of the file on disk and bytes of it consumed so far (for progress reports).
  uint64_t file_size() const { return file_size_; }
  uint64_t file_bytes_read() const { return file_bytes_read_.load(std::memory_order_relaxed); }
  /// Decompressed bytes handed out so far.
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  struct Decoder;
  struct Prefetch;
  size_t read_raw(char* dst, size_t n);  // raw file bytes
  size_t decode(char* dst, size_t n);    // decompressed bytes (on the decoding thread)
  size_t pull(char* dst, size_t n);      // decompressed bytes for the caller
  void prefetch_loop();

  std::string path_;
  int fd_ = -1;
  Compression compression_ = Compression::kNone;
  uint64_t file_size_ = 0, bytes_out_ = 0;
  std::atomic<uint64_t> file_bytes_read_{0};
  std::vector<char> in_buf_;  // compressed input
  size_t in_pos_ = 0, in_end_ = 0;
  bool raw_eof_ = false;
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<Prefetch> prefetch_;
  std::vector<char> line_buf_;  // used by read_line
  size_t line_pos_ = 0, line_end_ = 0;
};

}  // namespace tailor
