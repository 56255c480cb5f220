// The copy blocklist: adult and scam words and phrases (configs/copy_blocklist.txt) matched
// case-insensitively on whole words, used to drop corpus documents and to flag generated copy.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tailor {

/// Splits text into lower-cased word tokens: maximal runs of word characters (Unicode letters,
/// digits, underscore, as Python's \w), lower-cased as Python's str.lower().
std::vector<std::string> blocklist_words(std::string_view utf8);

class Blocklist {
 public:
  /// An empty list (matches nothing).
  Blocklist() = default;

  /// Parses the file format: one term per line (a word or a phrase of words), '#' starts a
  /// comment, blank lines are ignored. A term must contain at least one word character; its
  /// words are matched as whole words, in sequence, with anything that is not a word character
  /// (spaces, punctuation) between them. `source` names the text in errors.
  static Blocklist parse(const std::string& text, const std::string& source);
  /// Reads a file: "builtin" is the copy of configs/copy_blocklist.txt compiled into tailor,
  /// "" an empty list, anything else a path.
  static Blocklist load(const std::string& path_or_builtin);

  /// The first term (as written in the list) found in `text`, or nullptr.
  const std::string* first_match(std::string_view text) const;
  /// Same over already tokenised text (blocklist_words).
  const std::string* first_match(const std::vector<std::string>& words) const;

  size_t size() const { return terms_.size(); }
  const std::vector<std::string>& terms() const { return terms_; }

 private:
  std::vector<std::string> terms_;               // as written
  std::vector<std::vector<std::string>> words_;  // tokenised
  std::unordered_map<std::string, std::vector<int>> by_first_word_;
};

}  // namespace tailor
