// Python peers of tailor-bench (scripts/peers/*.py run by /usr/bin/python3): which modules the
// interpreter can import (with versions), and running a peer script that prints one JSON object.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tailor {

/// The interpreter and the modules it can import, probed once (one python process).
class PythonPeers {
 public:
  /// `python`: the interpreter path. Probes numpy, scipy, sklearn, matplotlib and torch.
  explicit PythonPeers(std::string python);

  const std::string& python() const { return python_; }
  /// Empty when every module imports; else why not, e.g. "python3 module sklearn not importable
  /// by /usr/bin/python3 (ModuleNotFoundError: No module named 'sklearn')".
  std::string missing(const std::vector<std::string>& modules) const;
  /// {"python": "3.11.2", "numpy": "1.24.2", "sklearn": "absent: ...", ...}.
  const nlohmann::json& versions() const { return versions_; }
  /// scripts/peers/<name> in the source tree, or "" when it is not there (reason in *why).
  std::string peer_script(const std::string& name, std::string* why) const;

  /// Runs `python script args...` with OMP/OPENBLAS/MKL_NUM_THREADS = threads (0: unchanged) and
  /// returns its last stdout line parsed as JSON. Throws tailor::Error (with the end of its
  /// stderr) when it fails.
  nlohmann::json run_json(const std::string& script, const std::vector<std::string>& args,
                          int threads) const;

 private:
  std::string python_;
  nlohmann::json versions_;
  std::string interpreter_error_;
};

/// `s` quoted for /bin/sh.
std::string shell_quote(const std::string& s);

}  // namespace tailor
