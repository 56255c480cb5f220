// PNG encoding of an RGB raster (see png_writer.h): chunks with big-endian lengths and CRC-32.
#include "core/io/png_writer.h"

#include <zlib.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace tailor {
namespace {

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// Appends one chunk: length, type, data, CRC-32 over type and data.
void put_chunk(std::vector<uint8_t>& out, const char type[4], const uint8_t* data, size_t size) {
  TAILOR_CHECK(size < (1u << 31), "PNG chunk too large: " << size << " bytes");
  put_u32(out, static_cast<uint32_t>(size));
  const size_t type_pos = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data, data + size);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, out.data() + type_pos, static_cast<uInt>(4 + size));
  put_u32(out, static_cast<uint32_t>(crc));
}

}  // namespace

RgbImage::RgbImage(int width, int height, Rgb fill) : width_(width), height_(height) {
  TAILOR_CHECK(width > 0 && height > 0 && width <= 16384 && height <= 16384,
               "image size " << width << " x " << height << " is outside 1..16384");
  pixels_.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * 3);
  for (size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = fill.r;
    pixels_[i + 1] = fill.g;
    pixels_[i + 2] = fill.b;
  }
}

void RgbImage::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

Rgb RgbImage::get(int x, int y) const {
  TAILOR_CHECK(x >= 0 && y >= 0 && x < width_ && y < height_,
               "pixel (" << x << ", " << y << ") outside " << width_ << " x " << height_);
  const uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
  return Rgb{p[0], p[1], p[2]};
}

void RgbImage::fill_rect(int x0, int y0, int w, int h, Rgb c) {
  for (int y = std::max(0, y0); y < std::min(height_, y0 + h); ++y)
    for (int x = std::max(0, x0); x < std::min(width_, x0 + w); ++x) set(x, y, c);
}

std::vector<uint8_t> encode_png(const RgbImage& img) {
  const size_t w = static_cast<size_t>(img.width()), h = static_cast<size_t>(img.height());
  // Scanlines, each prefixed by filter type 0 (None).
  std::vector<uint8_t> raw;
  raw.reserve(h * (1 + 3 * w));
  for (size_t y = 0; y < h; ++y) {
    raw.push_back(0);
    const uint8_t* row = img.pixels().data() + y * w * 3;
    raw.insert(raw.end(), row, row + w * 3);
  }
  uLongf zsize = compressBound(static_cast<uLong>(raw.size()));
  std::vector<uint8_t> z(zsize);
  const int rc = compress2(z.data(), &zsize, raw.data(), static_cast<uLong>(raw.size()), 6);
  TAILOR_CHECK(rc == Z_OK, "PNG: zlib compress2 failed with code " << rc);
  z.resize(zsize);

  std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<uint8_t> ihdr;
  put_u32(ihdr, static_cast<uint32_t>(w));
  put_u32(ihdr, static_cast<uint32_t>(h));
  ihdr.push_back(8);  // bit depth
  ihdr.push_back(2);  // colour type: truecolour RGB
  ihdr.push_back(0);  // compression: deflate
  ihdr.push_back(0);  // filter method 0
  ihdr.push_back(0);  // no interlace
  put_chunk(out, "IHDR", ihdr.data(), ihdr.size());
  put_chunk(out, "IDAT", z.data(), z.size());
  put_chunk(out, "IEND", nullptr, 0);
  return out;
}

void write_png(const std::string& path, const RgbImage& img) {
  const std::vector<uint8_t> bytes = encode_png(img);
  AtomicOutputFile f(path, /*binary=*/true);
  f.stream().write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  f.commit();
}

}  // namespace tailor
