// TarReader: ustar / GNU / pax headers, checksum verification, long names, regular files only.
#include "core/corpus/tar_reader.h"

#include <cstring>

#include "core/common/error.h"

namespace tailor {
namespace {

constexpr size_t kBlock = 512;

std::string field_string(const char* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  return std::string(p, len);
}

/// Parses an octal (NUL/space padded) or GNU base-256 numeric field. False if malformed.
bool parse_numeric(const char* p, size_t n, uint64_t* out) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  if (u[0] & 0x80) {                // base-256: big-endian binary in the remaining bits
    if (u[0] & 0x40) return false;  // negative
    uint64_t v = u[0] & 0x3F;
    for (size_t i = 1; i < n; ++i) {
      if (v > (UINT64_MAX >> 8)) return false;
      v = (v << 8) | u[i];
    }
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < n && p[i] == ' ') ++i;
  uint64_t v = 0;
  bool any = false;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) return false;
    v = (v << 3) | static_cast<uint64_t>(p[i] - '0');
    any = true;
  }
  for (; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\0') return false;
  *out = v;
  return any;
}

bool is_zero_block(const char* b) {
  for (size_t i = 0; i < kBlock; ++i)
    if (b[i] != '\0') return false;
  return true;
}

/// Parses pax extended-header records "<len> <key>=<value>\n" into path / size / mtime.
void parse_pax(const std::string& data, const std::string& where, std::string* path, uint64_t* size,
               bool* has_size, int64_t* mtime) {
  size_t pos = 0;
  while (pos < data.size()) {
    if (data[pos] == '\0') break;  // padding some writers leave
    size_t sp = data.find(' ', pos);
    TAILOR_CHECK(sp != std::string::npos, where << ": pax record without a length at byte " << pos);
    uint64_t len = 0;
    for (size_t i = pos; i < sp; ++i) {
      TAILOR_CHECK(data[i] >= '0' && data[i] <= '9',
                   where << ": pax record length is not a number");
      len = len * 10 + static_cast<uint64_t>(data[i] - '0');
      TAILOR_CHECK(len <= data.size(),
                   where << ": pax record length " << len << " exceeds the header");
    }
    TAILOR_CHECK(len > sp - pos + 1 && pos + len <= data.size() && data[pos + len - 1] == '\n',
                 where << ": malformed pax record at byte " << pos);
    const std::string rec = data.substr(sp + 1, pos + len - 1 - (sp + 1));
    const size_t eq = rec.find('=');
    TAILOR_CHECK(eq != std::string::npos, where << ": pax record without '=' at byte " << pos);
    const std::string key = rec.substr(0, eq), value = rec.substr(eq + 1);
    if (key == "path") {
      *path = value;
    } else if (key == "size") {
      uint64_t v = 0;
      TAILOR_CHECK(!value.empty(), where << ": empty pax size");
      for (char c : value) {
        TAILOR_CHECK(c >= '0' && c <= '9', where << ": pax size '" << value << "' is not a number");
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      *size = v;
      *has_size = true;
    } else if (key == "mtime") {
      *mtime = std::atoll(value.c_str());
    }
    pos += len;
  }
}

}  // namespace

TarReader::TarReader(const std::string& path) : path_(path), in_(path) {}

size_t TarReader::read_fully(char* dst, size_t n) {
  size_t got = 0;
  while (got < n) {
    const size_t k = in_.read(dst + got, n - got);
    if (k == 0) break;
    got += k;
  }
  offset_ += got;
  return got;
}

void TarReader::read_block(char* block, const std::string& what, bool allow_eof, bool* eof) {
  const uint64_t at = offset_;
  const size_t got = read_fully(block, kBlock);
  if (eof) *eof = false;
  if (got == 0 && allow_eof) {
    if (eof) *eof = true;
    return;
  }
  TAILOR_CHECK(got == kBlock, "tar archive '" << path_ << "' is truncated: " << what << " at byte "
                                              << at << " has " << got << " of 512 bytes");
}

void TarReader::read_content(uint64_t size, const std::string& member, std::string* out) {
  TAILOR_CHECK(size <= max_member_bytes_,
               "tar archive '" << path_ << "': member '" << member << "' claims " << size
                               << " bytes, more than the limit of " << max_member_bytes_);
  const uint64_t at = offset_;
  out->resize(size);
  const size_t got = size ? read_fully(&(*out)[0], size) : 0;
  TAILOR_CHECK(got == size, "tar archive '" << path_ << "' is truncated: member '" << member
                                            << "' needs " << size << " bytes from byte " << at
                                            << ", only " << got << " remain");
  skip_padding(size, member);
}

void TarReader::skip_padding(uint64_t size, const std::string& member) {
  const size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
  if (pad == 0) return;
  char buf[kBlock];
  const uint64_t at = offset_;
  const size_t got = read_fully(buf, pad);
  TAILOR_CHECK(got == pad, "tar archive '" << path_ << "' is truncated: padding of member '"
                                           << member << "' at byte " << at << " is cut short");
}

bool TarReader::next(TarMember& member) {
  if (done_) return false;
  std::string long_name, pax_path;
  uint64_t pax_size = 0;
  bool has_pax_size = false;
  int64_t pax_mtime = -1;
  char h[kBlock];
  for (;;) {
    const uint64_t header_at = offset_;
    bool eof = false;
    read_block(h, "a header", true, &eof);
    if (eof) {  // end of data at a block boundary without the end-of-archive marker
      TAILOR_CHECK(long_name.empty() && pax_path.empty() && !has_pax_size,
                   "tar archive '" << path_ << "' is truncated: it ends after an extended header");
      done_ = true;
      return false;
    }
    if (is_zero_block(h)) {
      saw_end_marker_ = true;
      done_ = true;
      return false;
    }
    const std::string raw_name = field_string(h, 100);
    const std::string shown = !pax_path.empty()    ? pax_path
                              : !long_name.empty() ? long_name
                                                   : raw_name;
    const std::string where = "tar archive '" + path_ + "': member '" + shown +
                              "' (header at byte " + std::to_string(header_at) + ")";
    // Checksum: the header's bytes summed with the checksum field counted as spaces. Old
    // writers summed signed chars, so both sums are accepted.
    uint64_t stored = 0;
    TAILOR_CHECK(parse_numeric(h + 148, 8, &stored),
                 where << ": the checksum field is not a number (not a tar header?)");
    uint64_t unsigned_sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      const bool in_field = i >= 148 && i < 156;
      const unsigned char u = in_field ? ' ' : static_cast<unsigned char>(h[i]);
      unsigned_sum += u;
      signed_sum += in_field ? ' ' : static_cast<signed char>(h[i]);
    }
    TAILOR_CHECK(stored == unsigned_sum || static_cast<int64_t>(stored) == signed_sum,
                 where << ": header checksum mismatch (stored " << stored << ", computed "
                       << unsigned_sum << "): the archive is damaged");
    uint64_t size = 0, mtime = 0;
    TAILOR_CHECK(parse_numeric(h + 124, 12, &size), where << ": the size field is not a number");
    parse_numeric(h + 136, 12, &mtime);
    if (has_pax_size) size = pax_size;
    const char type = h[156];
    const bool posix_ustar = std::memcmp(h + 257, "ustar\0", 6) == 0;

    if (type == 'L' || type == 'K') {  // GNU long name / long link name for the next header
      std::string data;
      read_content(size, shown, &data);
      if (type == 'L') long_name = field_string(data.data(), data.size());
      continue;
    }
    if (type == 'x' || type == 'g') {  // pax extended header (per file / global)
      std::string data;
      read_content(size, shown, &data);
      std::string path;
      uint64_t psize = 0;
      bool has = false;
      int64_t pm = -1;
      parse_pax(data, where, &path, &psize, &has, &pm);
      if (type == 'x') {
        if (!path.empty()) pax_path = path;
        if (has) {
          pax_size = psize;
          has_pax_size = true;
        }
        if (pm >= 0) pax_mtime = pm;
      }
      continue;
    }

    std::string name = raw_name;
    if (posix_ustar && h[345] != '\0') name = field_string(h + 345, 155) + "/" + raw_name;
    if (!long_name.empty()) name = long_name;
    if (!pax_path.empty()) name = pax_path;

    const bool regular = type == '0' || type == '\0' || type == '7';
    // Links, devices, directories and FIFOs carry no data; anything else (GNU dumpdir,
    // multi-volume, sparse ...) is skipped with its data.
    const bool no_data =
        type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
    if (!regular) {
      ++skipped_;
      if (!no_data) {
        std::string discard;
        read_content(size, name, &discard);
      }
      long_name.clear();
      pax_path.clear();
      has_pax_size = false;
      pax_mtime = -1;
      continue;
    }
    member.name = name;
    member.size = size;
    member.mtime = pax_mtime >= 0 ? pax_mtime : static_cast<int64_t>(mtime);
    member.header_offset = header_at;
    read_content(size, name, &member.content);
    ++files_;
    return true;
  }
}

}  // namespace tailor
