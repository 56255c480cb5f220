// Unicode tables for the TF-IDF tokenizer: which code points are word characters (\w of Python's
// re) and their lower-case form (str.lower()); generated into tfidf_unicode_tables.cpp.
#pragma once

#include <cstdint>

namespace tailor {
namespace unicode {

struct CodeRange {
  uint32_t first, last;  ///< inclusive
};
struct LowerMap {
  uint32_t cp, lower, lower2;  ///< lower2 != 0 when the lower case is two code points
};

extern const CodeRange kWordRanges[];
extern const int kWordRangeCount;
extern const LowerMap kLowerMap[];
extern const int kLowerMapCount;

/// True when `cp` is a word character for sklearn's token pattern (letters, digits, numerics, _).
bool is_word_char(uint32_t cp);
/// Appends the lower-case form of `cp` (one or two code points) to out[0..]; returns the count.
int to_lower(uint32_t cp, uint32_t out[2]);

}  // namespace unicode
}  // namespace tailor
