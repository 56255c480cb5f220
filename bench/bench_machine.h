// What a tailor-bench report says about where it ran: CPU, memory, OS, compiler, library
// versions (LibTorch, HDF5, OpenBLAS, FAISS, CUDA) and the git commit of the source tree.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tailor {

/// The commit tailor-bench was built from, written at build time by cmake/TailorGitCommit.cmake.
struct BenchGitCommit {
  /// Full hash, or "unknown".
  std::string commit;
  /// Tracked files differed from the commit when the binary was built.
  bool dirty = false;
  /// How it was found ("git at build time", or why it is unknown).
  std::string source;
};
BenchGitCommit bench_git_commit();

/// CPU model, logical CPUs, cores, memory, OS, kernel, and the load average now.
nlohmann::ordered_json bench_machine_info(int threads_used);

/// tailor, compiler, build type, LibTorch, HDF5, OpenBLAS, FAISS, CUDA (compiled, runtime,
/// driver, device) versions of this binary.
nlohmann::ordered_json bench_build_info();

/// 1, 5 and 15 minute load averages (/proc/loadavg); empty when unreadable.
std::vector<double> load_average();

}  // namespace tailor
