// A small native PNG writer: an 8-bit RGB raster encoded as one IDAT (zlib deflate, filter 0)
// with CRCs, written atomically. No dependency beyond zlib.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

/// 8-bit RGB colour.
struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

/// An RGB raster, row-major from the top-left, 3 bytes per pixel.
class RgbImage {
 public:
  RgbImage(int width, int height, Rgb fill = {255, 255, 255});
  int width() const { return width_; }
  int height() const { return height_; }
  /// Sets one pixel; coordinates outside the image are ignored (clipping).
  void set(int x, int y, Rgb c);
  Rgb get(int x, int y) const;
  /// Fills [x0, x0 + w) x [y0, y0 + h), clipped to the image.
  void fill_rect(int x0, int y0, int w, int h, Rgb c);
  const std::vector<uint8_t>& pixels() const { return pixels_; }

 private:
  int width_, height_;
  std::vector<uint8_t> pixels_;
};

/// The PNG file bytes of `img` (signature, IHDR, IDAT, IEND).
std::vector<uint8_t> encode_png(const RgbImage& img);

/// Writes `img` as a PNG to `path` atomically (core/io/atomic_file.h).
void write_png(const std::string& path, const RgbImage& img);

}  // namespace tailor
