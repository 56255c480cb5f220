// LineReader: plain / gzip / xz files as one decompressed byte stream, read in big chunks.
#include "core/io/line_reader.h"

#include <fcntl.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "core/common/error.h"

namespace tailor {

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kGzip: return "gzip";
    case Compression::kXz: return "xz";
    default: return "none";
  }
}

struct LineReader::Decoder {
  lzma_stream xz = LZMA_STREAM_INIT;
  z_stream gz{};
  bool xz_open = false, gz_open = false;
  bool finished = false;
  ~Decoder() {
    if (xz_open) lzma_end(&xz);
    if (gz_open) inflateEnd(&gz);
  }
};

/// Decoded blocks handed from the decoding thread to the reader (at most kDepth ahead).
struct LineReader::Prefetch {
  static constexpr size_t kDepth = 4;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<char>> full;
  std::vector<std::vector<char>> spare;
  bool done = false, stop = false;
  std::exception_ptr error;
  std::vector<char> cur;  // block being consumed (reader side only)
  size_t cur_pos = 0;
};

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

Compression detect_magic(const unsigned char* p, size_t n) {
  static const unsigned char kXzMagic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
  if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B) return Compression::kGzip;
  if (n >= 6 && std::memcmp(p, kXzMagic, 6) == 0) return Compression::kXz;
  return Compression::kNone;
}

/// Formats we recognise but do not read: named in the error instead of parsing garbage.
const char* unsupported_format(const unsigned char* p, size_t n) {
  if (n >= 4 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD) return "zstd";
  if (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h') return "bzip2";
  if (n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4) return "zip";
  return nullptr;
}

}  // namespace

LineReader::LineReader(const std::string& path, size_t chunk_bytes)
    : path_(path), in_buf_(std::max<size_t>(chunk_bytes, 64)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  TAILOR_CHECK(fd_ >= 0, "cannot open '" << path << "': " << std::strerror(errno));
  try {  // the descriptor is ours until the constructor completes
    struct stat st {};
    if (::fstat(fd_, &st) == 0) {
      TAILOR_CHECK(!S_ISDIR(st.st_mode), "'" << path << "' is a directory, not a file");
      file_size_ = static_cast<uint64_t>(st.st_size);
    }
    // Fill the first chunk and look at the magic bytes.
    while (in_end_ < in_buf_.size() && !raw_eof_) {
      size_t got = read_raw(in_buf_.data() + in_end_, in_buf_.size() - in_end_);
      if (got == 0) break;
      in_end_ += got;
    }
    const auto* head = reinterpret_cast<const unsigned char*>(in_buf_.data());
    compression_ = detect_magic(head, in_end_);
    if (const char* other = unsupported_format(head, in_end_)) {
      TAILOR_FAIL("'" << path << "' is " << other << "-compressed; only plain, .gz and .xz files are read"
                      << " (decompress it first)");
    }
    if (ends_with(path, ".xz")) {
      TAILOR_CHECK(compression_ == Compression::kXz,
                   "'" << path << "' has the extension .xz but is not xz data (no xz magic bytes)");
    } else if (ends_with(path, ".gz")) {
      TAILOR_CHECK(compression_ == Compression::kGzip,
                   "'" << path << "' has the extension .gz but is not gzip data (no gzip magic bytes)");
    }
    if (compression_ == Compression::kNone) return;  // plain file: ready
    decoder_ = std::make_unique<Decoder>();
    if (compression_ == Compression::kXz) {
      lzma_ret r = lzma_stream_decoder(&decoder_->xz, UINT64_MAX, LZMA_CONCATENATED);
      TAILOR_CHECK(r == LZMA_OK, "cannot start the xz decoder for '" << path << "' (liblzma error " << r << ")");
      decoder_->xz_open = true;
    } else {
      int r = inflateInit2(&decoder_->gz, 15 + 16);  // gzip wrapper only
      TAILOR_CHECK(r == Z_OK, "cannot start the gzip decoder for '" << path << "' (zlib error " << r << ")");
      decoder_->gz_open = true;
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
  if (compression_ == Compression::kNone) return;
  prefetch_ = std::make_unique<Prefetch>();
  prefetch_->thread = std::thread([this] { prefetch_loop(); });
}

LineReader::~LineReader() {
  if (prefetch_) {
    {
      std::lock_guard<std::mutex> lock(prefetch_->mu);
      prefetch_->stop = true;
    }
    prefetch_->cv.notify_all();
    prefetch_->thread.join();
  }
  if (fd_ >= 0) ::close(fd_);
}

void LineReader::prefetch_loop() {
  Prefetch& p = *prefetch_;
  const size_t block_bytes = in_buf_.size();
  for (;;) {
    std::vector<char> block;
    {
      std::unique_lock<std::mutex> lock(p.mu);
      p.cv.wait(lock, [&] { return p.stop || p.full.size() < Prefetch::kDepth; });
      if (p.stop) return;
      if (!p.spare.empty()) {
        block = std::move(p.spare.back());
        p.spare.pop_back();
      }
    }
    block.resize(block_bytes);
    size_t n = 0;
    try {
      while (n < block_bytes) {
        size_t k = decode(block.data() + n, block_bytes - n);
        if (k == 0) break;
        n += k;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(p.mu);
      p.error = std::current_exception();
      p.done = true;
      p.cv.notify_all();
      return;
    }
    block.resize(n);
    std::lock_guard<std::mutex> lock(p.mu);
    if (n == 0) {
      p.done = true;
    } else {
      p.full.push_back(std::move(block));
    }
    p.cv.notify_all();
    if (n == 0) return;
  }
}

size_t LineReader::pull(char* dst, size_t n) {
  if (!prefetch_) return decode(dst, n);
  Prefetch& p = *prefetch_;
  if (p.cur_pos == p.cur.size()) {
    std::unique_lock<std::mutex> lock(p.mu);
    if (!p.cur.empty()) p.spare.push_back(std::move(p.cur));
    p.cur.clear();
    p.cur_pos = 0;
    p.cv.wait(lock, [&] { return !p.full.empty() || p.done; });
    if (p.full.empty()) {
      if (p.error) std::rethrow_exception(p.error);
      return 0;
    }
    p.cur = std::move(p.full.front());
    p.full.pop_front();
    p.cv.notify_all();
  }
  const size_t k = std::min(n, p.cur.size() - p.cur_pos);
  std::memcpy(dst, p.cur.data() + p.cur_pos, k);
  p.cur_pos += k;
  return k;
}

size_t LineReader::read_raw(char* dst, size_t n) {
  if (raw_eof_) return 0;
  for (;;) {
    ssize_t got = ::read(fd_, dst, n);
    if (got < 0 && errno == EINTR) continue;
    TAILOR_CHECK(got >= 0, "read error on '" << path_ << "': " << std::strerror(errno));
    if (got == 0) raw_eof_ = true;
    file_bytes_read_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

size_t LineReader::decode(char* dst, size_t n) {
  if (compression_ == Compression::kNone) {
    if (in_pos_ < in_end_) {  // the chunk read to look at the magic bytes
      size_t k = std::min(n, in_end_ - in_pos_);
      std::memcpy(dst, in_buf_.data() + in_pos_, k);
      in_pos_ += k;
      return k;
    }
    return read_raw(dst, n);
  }
  Decoder& d = *decoder_;
  if (d.finished) return 0;
  size_t produced = 0;
  while (produced == 0) {
    if (in_pos_ == in_end_ && !raw_eof_) {
      in_pos_ = 0;
      in_end_ = read_raw(in_buf_.data(), in_buf_.size());
    }
    const bool input_done = in_pos_ == in_end_ && raw_eof_;
    if (compression_ == Compression::kXz) {
      d.xz.next_in = reinterpret_cast<const uint8_t*>(in_buf_.data() + in_pos_);
      d.xz.avail_in = in_end_ - in_pos_;
      d.xz.next_out = reinterpret_cast<uint8_t*>(dst);
      d.xz.avail_out = n;
      lzma_ret r = lzma_code(&d.xz, input_done ? LZMA_FINISH : LZMA_RUN);
      in_pos_ = in_end_ - d.xz.avail_in;
      produced = n - d.xz.avail_out;
      if (r == LZMA_STREAM_END) {
        d.finished = true;
        return produced;
      }
      if (r == LZMA_BUF_ERROR && input_done) {
        TAILOR_FAIL("'" << path_ << "': xz data is truncated (file ends after "
                        << file_bytes_read_ << " bytes)");
      }
      TAILOR_CHECK(r == LZMA_OK, "'" << path_ << "': corrupt xz data near compressed byte "
                                     << file_bytes_read_ - (in_end_ - in_pos_)
                                     << " (liblzma error " << r << ")");
    } else {
      d.gz.next_in = reinterpret_cast<Bytef*>(in_buf_.data() + in_pos_);
      d.gz.avail_in = static_cast<uInt>(in_end_ - in_pos_);
      d.gz.next_out = reinterpret_cast<Bytef*>(dst);
      d.gz.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
      const uInt out_before = d.gz.avail_out;
      int r = inflate(&d.gz, Z_NO_FLUSH);
      in_pos_ = in_end_ - d.gz.avail_in;
      produced = out_before - d.gz.avail_out;
      if (r == Z_STREAM_END) {
        // Concatenated gzip members (as `cat a.gz b.gz` makes) form one stream.
        if (in_pos_ == in_end_ && !raw_eof_) {
          in_pos_ = 0;
          in_end_ = read_raw(in_buf_.data(), in_buf_.size());
        }
        if (in_pos_ == in_end_) {
          d.finished = true;
          return produced;
        }
        inflateReset(&d.gz);
        continue;
      }
      if ((r == Z_BUF_ERROR || r == Z_OK) && input_done && produced == 0) {
        TAILOR_FAIL("'" << path_ << "': gzip data is truncated (file ends after "
                        << file_bytes_read_ << " bytes)");
      }
      TAILOR_CHECK(r == Z_OK || r == Z_BUF_ERROR,
                   "'" << path_ << "': corrupt gzip data near compressed byte "
                       << file_bytes_read_ - (in_end_ - in_pos_) << " (zlib: "
                       << (d.gz.msg ? d.gz.msg : "error") << ")");
    }
  }
  return produced;
}

size_t LineReader::read(char* dst, size_t n) {
  if (n == 0) return 0;
  size_t got = 0;
  if (line_pos_ < line_end_) {  // bytes buffered by read_line come first
    got = std::min(n, line_end_ - line_pos_);
    std::memcpy(dst, line_buf_.data() + line_pos_, got);
    line_pos_ += got;
  }
  while (got < n) {
    size_t k = pull(dst + got, n - got);
    if (k == 0) break;
    got += k;
    bytes_out_ += k;
  }
  return got;
}

bool LineReader::read_line(std::string& line) {
  line.clear();
  if (line_buf_.empty()) line_buf_.resize(in_buf_.size());
  bool any = false;
  for (;;) {
    if (line_pos_ == line_end_) {
      line_pos_ = 0;
      line_end_ = pull(line_buf_.data(), line_buf_.size());
      bytes_out_ += line_end_;
      if (line_end_ == 0) break;
    }
    any = true;
    const char* begin = line_buf_.data() + line_pos_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', line_end_ - line_pos_));
    if (nl == nullptr) {
      line.append(begin, line_end_ - line_pos_);
      line_pos_ = line_end_;
      continue;
    }
    line.append(begin, static_cast<size_t>(nl - begin));
    line_pos_ += static_cast<size_t>(nl - begin) + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return any;
}

}  // namespace tailor
