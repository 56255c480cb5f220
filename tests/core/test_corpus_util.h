// Helpers of the corpus tests: a temporary folder, shell commands (tar, xz) and the shared data.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "core/common/error.h"

namespace tailor {
namespace corpus_test {

/// A fresh folder under $TMPDIR removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string base = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    std::string tmpl = base + "/tailor_corpus_XXXXXX";
    path_ = mkdtemp(&tmpl[0]) ? tmpl : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    if (!path_.empty()) std::system(("rm -rf '" + path_ + "'").c_str());
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The error message of `f`, or "" (and a test failure) when it throws nothing.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no tailor::Error thrown";
  return "";
}

/// $TAILOR_SHARED_DATA/<rel> if it exists, else "".
inline std::string shared_data(const std::string& rel) {
  const char* env = std::getenv("TAILOR_SHARED_DATA");
  if (env == nullptr || *env == '\0') return "";
  const std::string p = std::string(env) + "/" + rel;
  return std::ifstream(p).good() ? p : "";
}

inline const std::string& fixtures() {
  static const std::string dir = std::string(TAILOR_TEST_DATA_DIR) + "/corpus";
  return dir;
}

}  // namespace corpus_test
}  // namespace tailor
