// Blocklist: whole-word, case-insensitive matching of words and phrases.
#include "core/corpus/blocklist.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"
#include "core/corpus/embedded_data.h"
#include "core/corpus/text_normalize.h"
#include "core/recommend/tfidf_unicode.h"

namespace tailor {

std::vector<std::string> blocklist_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size();) {
    const uint32_t cp = next_code_point(s, i);
    if (unicode::is_word_char(cp)) {
      uint32_t low[2];
      const int n = unicode::to_lower(cp, low);
      for (int k = 0; k < n; ++k) append_utf8(cur, low[k]);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Blocklist Blocklist::parse(const std::string& text, const std::string& source) {
  Blocklist b;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const std::string term = normalize_line(line);
    if (term.empty()) continue;
    std::vector<std::string> words = blocklist_words(term);
    TAILOR_CHECK(!words.empty(), "blocklist " << source << " line " << line_no << ": term '" << term
                                              << "' has no word characters (it could never match)");
    b.by_first_word_[words[0]].push_back(static_cast<int>(b.terms_.size()));
    b.terms_.push_back(term);
    b.words_.push_back(std::move(words));
  }
  return b;
}

Blocklist Blocklist::load(const std::string& path) {
  if (path.empty()) return Blocklist();
  if (path == "builtin")
    return parse(embedded_copy_blocklist(), "builtin (configs/copy_blocklist.txt)");
  std::ifstream in(path);
  TAILOR_CHECK(in.good(), "cannot open blocklist '" << path << "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), "'" + path + "'");
}

const std::string* Blocklist::first_match(const std::vector<std::string>& words) const {
  if (terms_.empty()) return nullptr;
  for (size_t i = 0; i < words.size(); ++i) {
    auto it = by_first_word_.find(words[i]);
    if (it == by_first_word_.end()) continue;
    for (int t : it->second) {
      const auto& w = words_[static_cast<size_t>(t)];
      if (i + w.size() > words.size()) continue;
      bool all = true;
      for (size_t k = 1; k < w.size() && all; ++k) all = words[i + k] == w[k];
      if (all) return &terms_[static_cast<size_t>(t)];
    }
  }
  return nullptr;
}

const std::string* Blocklist::first_match(std::string_view text) const {
  if (terms_.empty()) return nullptr;
  return first_match(blocklist_words(text));
}

}  // namespace tailor
