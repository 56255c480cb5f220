// Machine and version facts for the tailor-bench report, read from /proc, uname and the libraries.
#include "bench/bench_machine.h"

#include <cblas.h>
#include <hdf5.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "bench/bench_gpu.h"
#include "models/torch_runtime.h"

#ifdef TAILOR_BENCH_WITH_FAISS
#include <faiss/Index.h>
#endif

namespace tailor {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\"");
  const auto e = s.find_last_not_of(" \t\"\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// "model name" and the number of distinct (physical id, core id) pairs of /proc/cpuinfo.
void read_cpuinfo(std::string* model, int* cores) {
  std::ifstream in("/proc/cpuinfo");
  std::string line, phys = "0";
  std::set<std::string> core_ids;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
    if (key == "model name" && model->empty()) *model = value;
    if (key == "physical id") phys = value;
    if (key == "core id") core_ids.insert(phys + ":" + value);
  }
  *cores = int(core_ids.size());
}

std::int64_t mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::int64_t kib = 0;
  while (in >> key >> kib >> unit)
    if (key == "MemTotal:") return kib * 1024;
  return 0;
}

std::string os_pretty_name() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("PRETTY_NAME=", 0) == 0) return trim(line.substr(12));
  return "unknown";
}

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

std::vector<double> load_average() {
  std::ifstream in("/proc/loadavg");
  std::vector<double> out(3);
  if (!(in >> out[0] >> out[1] >> out[2])) return {};
  return out;
}

nlohmann::ordered_json bench_machine_info(int threads_used) {
  nlohmann::ordered_json j;
  std::string model;
  int cores = 0;
  read_cpuinfo(&model, &cores);
  j["cpu_model"] = model.empty() ? "unknown" : model;
  j["logical_cpus"] = int(std::thread::hardware_concurrency());
  j["physical_cores"] = cores > 0 ? cores : int(std::thread::hardware_concurrency());
  j["threads_used"] = threads_used;
  j["memory_bytes"] = mem_total_bytes();
  j["os"] = os_pretty_name();
  utsname u{};
  if (uname(&u) == 0) j["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  j["load_average"] = load_average();
  return j;
}

nlohmann::ordered_json bench_build_info() {
  nlohmann::ordered_json j;
  j["tailor"] = TAILOR_VERSION;
  j["compiler"] = compiler();
  j["build_type"] = TAILOR_BUILD_TYPE;
  j["libtorch"] = torch_version();
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  j["hdf5"] = std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
  j["openblas"] = trim(openblas_get_config());
  j["openblas_core"] = trim(openblas_get_corename());
#ifdef TAILOR_BENCH_WITH_FAISS
  j["faiss"] = std::to_string(FAISS_VERSION_MAJOR) + "." + std::to_string(FAISS_VERSION_MINOR) +
               "." + std::to_string(FAISS_VERSION_PATCH);
#else
  j["faiss"] = "not compiled in";
#endif
  const GpuBenchInfo& g = gpu_bench_info();
  nlohmann::ordered_json c;
  c["compiled"] = g.compiled;
  if (g.compiled) {
    c["nvcc"] = TAILOR_CUDA_COMPILER_VERSION;
    c["runtime_version"] = g.runtime_version;
    c["driver_version"] = g.driver_version;
  }
  c["usable"] = g.usable;
  if (g.usable) {
    c["device"] = g.name;
    c["description"] = g.description;
    c["compute_capability"] = g.compute_capability;
    c["multiprocessors"] = g.multiprocessors;
    c["memory_bytes"] = g.memory_bytes;
    c["l2_bytes"] = g.l2_bytes;
  } else {
    c["reason"] = g.reason;
  }
  j["cuda"] = c;
  const BenchGitCommit gc = bench_git_commit();
  j["git"] = {{"commit", gc.commit}, {"dirty", gc.dirty}, {"source", gc.source}};
  return j;
}

}  // namespace tailor
