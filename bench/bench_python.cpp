// Probing and running the Python peers through /bin/sh, with their stderr kept for error messages.
#include "bench/bench_python.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

/// Prints {"python": version, module: version or "absent: <error>"} for each module.
constexpr const char* kProbe = R"PY(
import json, sys
out = {"python": sys.version.split()[0]}
for m in ["numpy", "scipy", "sklearn", "matplotlib", "torch"]:
    try:
        out[m] = getattr(__import__(m), "__version__", "unknown")
    except Exception as e:
        out[m] = "absent: %s: %s" % (type(e).__name__, e)
print(json.dumps(out))
)PY";

struct CommandOutput {
  int status = -1;
  std::string out, err;
};

CommandOutput run_shell(const std::string& command) {
  static int counter = 0;
  const fs::path err_path =
      fs::temp_directory_path() /
      ("tailor_bench_stderr_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
  CommandOutput r;
  FILE* f = popen((command + " 2>" + shell_quote(err_path.string())).c_str(), "r");
  TAILOR_CHECK(f != nullptr, "cannot start: " << command);
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, got);
  r.status = pclose(f);
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::error_code ec;
  fs::remove(err_path, ec);
  return r;
}

std::string last_line(const std::string& s) {
  const size_t end = s.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  const size_t nl = s.find_last_of('\n', end);
  const size_t start = nl == std::string::npos ? 0 : nl + 1;
  return s.substr(start, end + 1 - start);
}

std::string tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \n\r\t"), e = s.find_last_not_of(" \n\r\t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

int exit_code(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

PythonPeers::PythonPeers(std::string python) : python_(std::move(python)) {
  const CommandOutput r = run_shell(shell_quote(python_) + " -c " + shell_quote(kProbe));
  if (r.status != 0) {
    interpreter_error_ = "python interpreter " + python_ + " does not run (exit status " +
                         std::to_string(exit_code(r.status)) + ": " + trim(tail(r.err, 300)) + ")";
  } else {
    try {
      versions_ = nlohmann::json::parse(last_line(r.out));
    } catch (const std::exception& e) {
      interpreter_error_ =
          "python interpreter " + python_ + " printed no module versions: " + e.what();
    }
  }
  if (!interpreter_error_.empty()) versions_ = {{"python", "absent: " + interpreter_error_}};
}

std::string PythonPeers::missing(const std::vector<std::string>& modules) const {
  if (!interpreter_error_.empty()) return interpreter_error_;
  for (const std::string& m : modules) {
    if (!versions_.contains(m)) return "python3 module " + m + " was not probed";
    const std::string v = versions_.at(m).get<std::string>();
    if (v.rfind("absent: ", 0) == 0)
      return "python3 module " + m + " not importable by " + python_ + " (" + v.substr(8) + ")";
  }
  return "";
}

std::string PythonPeers::peer_script(const std::string& name, std::string* why) const {
  const fs::path p = fs::path(TAILOR_SOURCE_DIR) / "scripts" / "peers" / name;
  if (fs::exists(p)) return p.string();
  if (why) *why = "peer script " + p.string() + " not found (source tree not available)";
  return "";
}

nlohmann::json PythonPeers::run_json(const std::string& script,
                                     const std::vector<std::string>& args, int threads) const {
  std::ostringstream cmd;
  if (threads > 0)
    cmd << "OMP_NUM_THREADS=" << threads << " OPENBLAS_NUM_THREADS=" << threads
        << " MKL_NUM_THREADS=" << threads << " ";
  cmd << shell_quote(python_) << " " << shell_quote(script);
  for (const std::string& a : args) cmd << " " << shell_quote(a);
  const CommandOutput r = run_shell(cmd.str());
  TAILOR_CHECK(r.status == 0, "peer " << fs::path(script).filename().string()
                                      << " failed (exit status " << exit_code(r.status)
                                      << "): " << trim(tail(r.err, 600)));
  try {
    return nlohmann::json::parse(last_line(r.out));
  } catch (const std::exception& e) {
    TAILOR_FAIL("peer " << fs::path(script).filename().string() << " printed no JSON (" << e.what()
                        << "): " << tail(r.out, 300));
  }
}

}  // namespace tailor
