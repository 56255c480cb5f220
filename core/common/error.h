// Error type and check macros used across tailor: every failure names where it happened.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace tailor {

/// The one exception type tailor throws for bad input, bad files and violated invariants.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

namespace detail {
[[noreturn]] inline void throw_error(const char* file, int line, const std::string& msg) {
  std::ostringstream os;
  os << msg << " [" << file << ":" << line << "]";
  throw Error(os.str());
}
}  // namespace detail

}  // namespace tailor

/// Throws tailor::Error with the streamed message when `cond` is false.
/// Usage: TAILOR_CHECK(n > 0, "n must be positive, got " << n);
#define TAILOR_CHECK(cond, msg)                                        \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::ostringstream tailor_check_os_;                             \
      tailor_check_os_ << msg;                                         \
      ::tailor::detail::throw_error(__FILE__, __LINE__, tailor_check_os_.str()); \
    }                                                                  \
  } while (0)

/// Throws tailor::Error unconditionally with the streamed message.
#define TAILOR_FAIL(msg) TAILOR_CHECK(false, msg)
