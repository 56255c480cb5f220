// html_to_text / decode_html_entities: a small tolerant scanner, no DOM.
#include "core/corpus/html_text.h"

#include <cstring>
#include <unordered_map>

#include "core/corpus/text_normalize.h"

namespace tailor {
namespace {

const char* const kLatin1Names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct Named {
  const char* name;
  uint32_t cp;
};
const Named kOtherNames[] = {
    {"quot", 34},     {"amp", 38},      {"apos", 39},     {"lt", 60},       {"gt", 62},
    {"OElig", 338},   {"oelig", 339},   {"Scaron", 352},  {"scaron", 353},  {"Yuml", 376},
    {"fnof", 402},    {"circ", 710},    {"tilde", 732},   {"ensp", 8194},   {"emsp", 8195},
    {"thinsp", 8201}, {"zwnj", 8204},   {"zwj", 8205},    {"lrm", 8206},    {"rlm", 8207},
    {"ndash", 8211},  {"mdash", 8212},  {"lsquo", 8216},  {"rsquo", 8217},  {"sbquo", 8218},
    {"ldquo", 8220},  {"rdquo", 8221},  {"bdquo", 8222},  {"dagger", 8224}, {"Dagger", 8225},
    {"bull", 8226},   {"hellip", 8230}, {"permil", 8240}, {"prime", 8242},  {"Prime", 8243},
    {"lsaquo", 8249}, {"rsaquo", 8250}, {"oline", 8254},  {"frasl", 8260},  {"euro", 8364},
    {"trade", 8482},  {"larr", 8592},   {"uarr", 8593},   {"rarr", 8594},   {"darr", 8595},
    {"harr", 8596},   {"minus", 8722},  {"infin", 8734},  {"ne", 8800},     {"le", 8804},
    {"ge", 8805},     {"spades", 9824}, {"clubs", 9827},  {"hearts", 9829}, {"diams", 9830},
    {"alpha", 945},   {"beta", 946},    {"gamma", 947},   {"delta", 948},   {"pi", 960},
    {"mu", 956},      {"sigma", 963},   {"Omega", 937},   {"omega", 969},   {"loz", 9674}};

/// Names that browsers also accept without the ';' (legacy): the basic five and Latin-1.
bool legacy_without_semicolon(const std::string& name, uint32_t cp) {
  return (cp >= 160 && cp <= 255) || name == "amp" || name == "lt" || name == "gt" ||
         name == "quot";
}

const std::unordered_map<std::string, uint32_t>& entity_table() {
  static const std::unordered_map<std::string, uint32_t> kTable = [] {
    std::unordered_map<std::string, uint32_t> t;
    for (int i = 0; i < 96; ++i) t[kLatin1Names[i]] = 160 + static_cast<uint32_t>(i);
    for (const Named& n : kOtherNames) t[n.name] = n.cp;
    return t;
  }();
  return kTable;
}

const uint16_t kCp1252C1[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

/// Decodes the reference at s[i] == '&'; appends to out and returns the bytes consumed (0: not
/// a reference).
size_t decode_reference(std::string_view s, size_t i, std::string& out) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    const size_t start = j;
    uint64_t v = 0;
    while (j < s.size() && j - start < 8) {
      const char c = s[j];
      int d = -1;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      if (d < 0) break;
      v = v * (hex ? 16 : 10) + static_cast<uint64_t>(d);
      ++j;
    }
    if (j == start) return 0;
    if (j < s.size() && s[j] == ';') ++j;
    uint32_t cp = static_cast<uint32_t>(v);
    if (v >= 0x80 && v <= 0x9F) cp = kCp1252C1[v - 0x80];
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) cp = 0xFFFD;
    append_utf8(out, cp);
    return j - i;
  }
  const size_t start = j;
  while (j < s.size() && is_alnum(s[j]) && j - start < 10) ++j;
  if (j == start) return 0;
  const std::string name(s.substr(start, j - start));
  const auto& table = entity_table();
  auto it = table.find(name);
  if (it == table.end()) return 0;
  if (j < s.size() && s[j] == ';') {
    ++j;
  } else if (!legacy_without_semicolon(name, it->second)) {
    return 0;
  }
  append_utf8(out, it->second);
  return j - i;
}

enum class Break { kNone, kSpace, kLine, kParagraph };

Break break_of(const std::string& tag) {
  static const char* const kParagraph[] = {
      "p",       "div",     "h1",     "h2",       "h3",      "h4",         "h5",
      "h6",      "table",   "ul",     "ol",       "dl",      "blockquote", "pre",
      "hr",      "form",    "center", "section",  "article", "header",     "footer",
      "address", "body",    "html",   "fieldset", "nav",     "aside",      "main",
      "figure",  "caption", "tbody",  "thead",    "tfoot"};
  static const char* const kLine[] = {"br", "tr", "li", "dt", "dd", "option"};
  static const char* const kSpace[] = {"td", "th", "img", "input", "button", "select", "textarea"};
  for (const char* t : kParagraph)
    if (tag == t) return Break::kParagraph;
  for (const char* t : kLine)
    if (tag == t) return Break::kLine;
  for (const char* t : kSpace)
    if (tag == t) return Break::kSpace;
  return Break::kNone;
}

/// Position just after the '>' closing the tag that starts at i ('<'), honouring quoted
/// attribute values; s.size() when there is none.
size_t tag_end(std::string_view s, size_t i) {
  char quote = 0;
  for (size_t j = i + 1; j < s.size(); ++j) {
    const char c = s[j];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Only quotes that open an attribute value ("=" before them) count; stray ones in broken
      // markup would otherwise swallow the document.
      size_t k = j;
      while (k > i && (s[k - 1] == ' ' || s[k - 1] == '\t')) --k;
      if (k > i && s[k - 1] == '=') quote = c;
    } else if (c == '>') {
      return j + 1;
    }
  }
  return s.size();
}

/// Finds "</name" (case-insensitive) from i; returns its position or npos.
size_t find_closing(std::string_view s, size_t i, const std::string& name) {
  for (size_t j = s.find('<', i); j != std::string_view::npos; j = s.find('<', j + 1)) {
    if (j + 1 < s.size() && s[j + 1] == '/' && j + 2 + name.size() <= s.size()) {
      bool eq = true;
      for (size_t k = 0; k < name.size() && eq; ++k) {
        char c = s[j + 2 + k];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        eq = c == name[k];
      }
      if (eq && (j + 2 + name.size() == s.size() || !is_alnum(s[j + 2 + name.size()]))) return j;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string decode_html_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      const size_t n = decode_reference(s, i, out);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string html_to_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() / 2);
  int pre_depth = 0;
  auto add_break = [&out](Break b) {
    if (b == Break::kParagraph)
      out += "\n\n";
    else if (b == Break::kLine)
      out += "\n";
    else if (b == Break::kSpace)
      out += " ";
  };
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      if (s.compare(i, 4, "<!--") == 0) {
        const size_t end = s.find("-->", i + 4);
        i = end == std::string_view::npos ? s.size() : end + 3;
        continue;
      }
      if (i + 1 < s.size() && (s[i + 1] == '!' || s[i + 1] == '?')) {
        i = tag_end(s, i);
        continue;
      }
      size_t j = i + 1;
      const bool closing = j < s.size() && s[j] == '/';
      if (closing) ++j;
      if (j >= s.size() || !is_alpha(s[j])) {  // "<" that starts no tag: text
        out.push_back('<');
        ++i;
        continue;
      }
      std::string name;
      while (j < s.size() && (is_alnum(s[j]) || s[j] == ':' || s[j] == '-')) {
        char ch = s[j++];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        name.push_back(ch);
      }
      const size_t end = tag_end(s, i);
      const bool self_closing = end >= 2 && s[end - 2] == '/';
      if (!closing && !self_closing && (name == "script" || name == "style" || name == "title")) {
        const size_t close = find_closing(s, end, name);
        i = close == std::string_view::npos ? s.size() : tag_end(s, close);
        continue;
      }
      if (name == "pre") pre_depth += closing ? (pre_depth > 0 ? -1 : 0) : 1;
      add_break(break_of(name));
      i = end;
      continue;
    }
    if (c == '&') {
      const size_t n = decode_reference(s, i, out);
      if (n > 0) {
        i += n;
        continue;
      }
      out.push_back('&');
      ++i;
      continue;
    }
    if (pre_depth == 0 && (c == '\n' || c == '\r' || c == '\t')) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
    ++i;
  }
  return out;
}

}  // namespace tailor
