// Price / percentage slot replacement by a hand-written scanner (no regex: corpus text is big).
#include "core/corpus/copy_slots.h"

#include <algorithm>
#include <cstring>

namespace tailor {

const std::vector<std::string>& copy_slot_names() {
  static const std::vector<std::string> kNames = {"first_name", "product",  "category",
                                                  "price",      "discount", "shop"};
  return kNames;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

/// Currency signs (UTF-8), longest first.
const char* const kSigns[] = {"US$", "$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5"};
const char* const kCodes[] = {"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "INR"};
const char* const kWords[] = {"dollars", "dollar", "euros", "euro"};

size_t match_sign(std::string_view s, size_t i) {
  if (i > 0 && s[i - 1] == '$') return 0;  // "$$$ 100" is decoration, not a price
  for (const char* sign : kSigns) {
    const size_t n = std::strlen(sign);
    if (s.compare(i, n, sign) == 0) {
      if (sign[0] == 'U' && i > 0 && is_alnum(s[i - 1])) continue;  // "BUS$"
      return n;
    }
  }
  return 0;
}

bool word_boundary_after(std::string_view s, size_t end) {
  return end >= s.size() || !is_alnum(s[end]);
}

/// A currency code or word at i (case-insensitive, whole word). Returns its length.
size_t match_code(std::string_view s, size_t i, bool allow_words) {
  if (i > 0 && is_alnum(s[i - 1])) return 0;
  auto ieq = [&](const char* w) {
    const size_t n = std::strlen(w);
    if (i + n > s.size()) return size_t(0);
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      char d = w[k];
      if (d >= 'A' && d <= 'Z') d = static_cast<char>(d - 'A' + 'a');
      if (c != d) return size_t(0);
    }
    return word_boundary_after(s, i + n) ? n : size_t(0);
  };
  for (const char* c : kCodes)
    if (size_t n = ieq(c)) return n;
  if (allow_words)
    for (const char* w : kWords)
      if (size_t n = ieq(w)) return n;
  return 0;
}

/// A number at i (see the header): its length (0 if none) and value. With `check_before`, a
/// number glued to a preceding letter, digit, '_' or decimal point is refused; a number glued
/// to a following letter ("3rd", "10x") is always refused.
size_t match_number(std::string_view s, size_t i, double* value, bool check_before) {
  const size_t n = s.size();
  if (i >= n || !is_digit(s[i])) return 0;
  if (check_before && i > 0 &&
      (is_alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ',' || s[i - 1] == '_'))
    return 0;
  size_t j = i;
  while (j < n && is_digit(s[j])) ++j;
  std::string digits(s.substr(i, j - i));
  char group_sep = 0;
  if (j - i <= 3) {  // thousands groups: [,.]ddd repeated (one separator kind)
    while (j + 3 < n && (s[j] == ',' || s[j] == '.') && (group_sep == 0 || s[j] == group_sep) &&
           is_digit(s[j + 1]) && is_digit(s[j + 2]) && is_digit(s[j + 3]) &&
           !(j + 4 < n && is_digit(s[j + 4]))) {
      group_sep = s[j];
      digits.append(s.substr(j + 1, 3));
      j += 4;
    }
  }
  std::string decimals;
  if (j + 1 < n && (s[j] == '.' || s[j] == ',') && s[j] != group_sep && is_digit(s[j + 1])) {
    size_t k = j + 1;
    while (k < n && is_digit(s[k])) ++k;
    if (k - (j + 1) <= 2) {
      decimals = std::string(s.substr(j + 1, k - (j + 1)));
      j = k;
    }
  }
  if (j < n && (is_alpha(s[j]) || s[j] == '_')) return 0;
  *value = std::atof((digits + (decimals.empty() ? "" : "." + decimals)).c_str());
  return j - i;
}

}  // namespace

SlotReplacements replace_price_and_discount(std::string& text) {
  SlotReplacements n;
  const std::string_view s(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < s.size()) {
    // (a) sign or code, optional space, number
    size_t sign = match_sign(s, i);
    if (sign == 0 && is_alpha(s[i])) sign = match_code(s, i, false);
    if (sign > 0) {
      size_t j = i + sign;
      if (j < s.size() && s[j] == ' ') ++j;
      double v = 0;
      size_t num_len = match_number(s, j, &v, false);
      if (num_len == 0 && j < s.size() && is_digit(s[j])) {
        // A magnitude suffix belongs to a prefixed price: "$1.2M", "$5k", "$2bn".
        size_t k = j;
        while (k < s.size() && (is_digit(s[k]) || s[k] == '.' || s[k] == ',')) ++k;
        while (k > j && !is_digit(s[k - 1])) --k;
        size_t suffix = 0;
        for (const char* m : {"bn", "BN", "mm", "MM", "k", "K", "m", "M"}) {
          const size_t len = std::strlen(m);
          if (s.compare(k, len, m) == 0 && word_boundary_after(s, k + len)) {
            suffix = len;
            break;
          }
        }
        if (suffix > 0 && match_number(s.substr(0, k), j, &v, false) == k - j)
          num_len = k - j + suffix;
      }
      if (num_len > 0) {
        size_t end = j + num_len;
        // A trailing code belongs to the price: "$19.99 USD".
        size_t k = end;
        if (k < s.size() && s[k] == ' ') ++k;
        if (size_t code = match_code(s, k, false)) end = k + code;
        out += "{price}";
        ++n.price;
        i = end;
        continue;
      }
    }
    // (b) number followed by %, "percent", or a currency
    double v = 0;
    const size_t num = match_number(s, i, &v, true);
    if (num > 0) {
      size_t j = i + num;
      size_t k = j;
      if (k < s.size() && s[k] == ' ') ++k;
      if (k < s.size() && s[k] == '%') {
        if (v > 0 && v < 100) {
          out += "{discount}";
          ++n.discount;
        } else {
          out.append(s.substr(i, k + 1 - i));
        }
        i = k + 1;
        continue;
      }
      if (k + 7 <= s.size() &&
          (s.compare(k, 7, "percent") == 0 || s.compare(k, 7, "Percent") == 0 ||
           s.compare(k, 7, "PERCENT") == 0) &&
          word_boundary_after(s, k + 7)) {
        if (v > 0 && v < 100) {
          out += "{discount}";
          ++n.discount;
        } else {
          out.append(s.substr(i, k + 7 - i));
        }
        i = k + 7;
        continue;
      }
      size_t after_sign = 0;
      if (k < s.size()) {
        const size_t sg = match_sign(s, k);
        if (sg > 0 && s[k] != 'U') after_sign = sg;
      }
      if (after_sign == 0 && k < s.size() && is_alpha(s[k])) after_sign = match_code(s, k, true);
      if (after_sign > 0) {
        out += "{price}";
        ++n.price;
        i = k + after_sign;
        continue;
      }
      out.append(s.substr(i, num));
      i = j;
      continue;
    }
    // Copy one character; skip over a whole run of digits/letters so that numbers inside words
    // ("mp3", "a1b2") are never taken apart.
    if (is_alnum(s[i])) {
      size_t j = i;
      while (j < s.size() && (is_alnum(s[j]) || s[j] == '_')) ++j;
      out.append(s.substr(i, j - i));
      i = j;
      continue;
    }
    out.push_back(s[i]);
    ++i;
  }
  text = std::move(out);
  return n;
}

int64_t escape_braces(std::string& text) {
  int64_t n = 0;
  for (char& c : text) {
    if (c == '{') c = '(', ++n;
    if (c == '}') c = ')', ++n;
  }
  return n;
}

int64_t replace_merge_tags(std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& tags,
                           const std::string& open, const std::string& close) {
  int64_t n = 0;
  for (const auto& [tag, slot] : tags) {
    if (tag.empty()) continue;
    const std::string repl = open + slot + close;
    size_t pos = 0;
    while ((pos = text.find(tag, pos)) != std::string::npos) {
      text.replace(pos, tag.size(), repl);
      pos += repl.size();
      ++n;
    }
  }
  return n;
}

std::vector<std::string> slots_in(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = text.find('{', i)) != std::string_view::npos) {
    const size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) break;
    const std::string_view name = text.substr(i + 1, close - i - 1);
    bool ident = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name) ident &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (ident) {
      out.emplace_back(name);
      i = close + 1;
    } else {
      i = i + 1;
    }
  }
  return out;
}

bool only_known_slots(std::string_view text) {
  const auto& known = copy_slot_names();
  size_t braces = 0;
  for (char c : text) braces += c == '{' || c == '}';
  const std::vector<std::string> found = slots_in(text);
  if (braces != 2 * found.size()) return false;
  for (const auto& s : found)
    if (std::find(known.begin(), known.end(), s) == known.end()) return false;
  return true;
}

}  // namespace tailor
