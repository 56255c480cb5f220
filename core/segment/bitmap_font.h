// A tiny built-in 5x7 bitmap font (upper-case letters, digits, a few signs) for plot labels.
#pragma once

#include <string>

#include "core/io/png_writer.h"

namespace tailor {

/// Width in pixels of `text` drawn at `scale` (each glyph is 5 x 7 cells plus 1 cell spacing).
int text_width(const std::string& text, int scale = 1);
/// Height in pixels of one line at `scale`.
inline int text_height(int scale = 1) { return 7 * scale; }

/// Draws `text` with its top-left corner at (x, y). Lower-case letters are drawn upper-case;
/// characters without a glyph are drawn as '?'.
void draw_text(RgbImage& img, int x, int y, const std::string& text, Rgb colour, int scale = 1);

}  // namespace tailor
