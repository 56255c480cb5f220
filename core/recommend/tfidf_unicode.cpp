// Look-ups in the generated Unicode tables (tfidf_unicode_tables.cpp) by binary search.
#include <algorithm>

#include "core/recommend/tfidf_unicode.h"

namespace tailor {
namespace unicode {

bool is_word_char(uint32_t cp) {
  if (cp < 128) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           cp == '_';
  }
  const CodeRange* end = kWordRanges + kWordRangeCount;
  const CodeRange* it =
      std::upper_bound(kWordRanges, end, cp, [](uint32_t c, const CodeRange& r) { return c < r.first; });
  return it != kWordRanges && cp <= (it - 1)->last;
}

int to_lower(uint32_t cp, uint32_t out[2]) {
  if (cp < 128) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  const LowerMap* end = kLowerMap + kLowerMapCount;
  const LowerMap* it =
      std::lower_bound(kLowerMap, end, cp, [](const LowerMap& m, uint32_t c) { return m.cp < c; });
  if (it == end || it->cp != cp) {
    out[0] = cp;
    return 1;
  }
  out[0] = it->lower;
  if (it->lower2 == 0) return 1;
  out[1] = it->lower2;
  return 2;
}

}  // namespace unicode
}  // namespace tailor
