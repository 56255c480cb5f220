// Finds the tailor_spm module and resolves its C API (see spm_loader.h for why it is a module).
#include "core/text/spm_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/common/error.h"

namespace tailor {
namespace {

constexpr const char* kModuleName = "libtailor_spm.so";

std::string executable_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  std::string exe(buf, static_cast<size_t>(n));
  size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

template <class F>
bool resolve(void* handle, const char* name, F* out, std::string* why) {
  *out = reinterpret_cast<F>(::dlsym(handle, name));
  if (*out == nullptr) *why = std::string("missing symbol ") + name;
  return *out != nullptr;
}

// Resolves every function; false (with the reason) when one is missing.
bool resolve_all(void* h, SpmModule* m, std::string* why) {
  return resolve(h, "tailor_spm_train", &m->train, why) &&
         resolve(h, "tailor_spm_free_bytes", &m->free_bytes, why) &&
         resolve(h, "tailor_spm_load", &m->load, why) &&
         resolve(h, "tailor_spm_free", &m->free, why) &&
         resolve(h, "tailor_spm_vocab_size", &m->vocab_size, why) &&
         resolve(h, "tailor_spm_encode", &m->encode, why) &&
         resolve(h, "tailor_spm_decode", &m->decode, why) &&
         resolve(h, "tailor_spm_id_to_piece", &m->id_to_piece, why) &&
         resolve(h, "tailor_spm_piece_to_id", &m->piece_to_id, why) &&
         resolve(h, "tailor_spm_unk_id", &m->unk_id, why) &&
         resolve(h, "tailor_spm_bos_id", &m->bos_id, why) &&
         resolve(h, "tailor_spm_eos_id", &m->eos_id, why) &&
         resolve(h, "tailor_spm_pad_id", &m->pad_id, why);
}

std::mutex& modules_mutex() {
  static std::mutex m;
  return m;
}

// Loaded modules by path; never unloaded (SentencePiece keeps static state until exit).
std::map<std::string, std::unique_ptr<SpmModule>>& loaded_modules() {
  static auto* modules = new std::map<std::string, std::unique_ptr<SpmModule>>();
  return *modules;
}

}  // namespace

std::vector<std::string> spm_module_candidates() {
  const char* env = std::getenv("TAILOR_SPM_MODULE");
  if (env != nullptr && *env != '\0') return {env};
  std::vector<std::string> out;
  std::string dir = executable_dir();
  if (!dir.empty()) {
    out.push_back(dir + "/../lib/" + kModuleName);
    out.push_back(dir + "/" + kModuleName);
  }
#ifdef TAILOR_SPM_MODULE_BUILD_PATH
  out.push_back(TAILOR_SPM_MODULE_BUILD_PATH);
#endif
  return out;
}

const SpmModule& open_spm_module(const std::vector<std::string>& candidates) {
  std::lock_guard<std::mutex> lock(modules_mutex());
  std::ostringstream tried;
  for (const std::string& path : candidates) {
    auto it = loaded_modules().find(path);
    if (it != loaded_modules().end()) return *it->second;
    if (::access(path.c_str(), F_OK) != 0) {
      tried << "\n  " << path << ": no such file";
      continue;
    }
    // A new link-map namespace: the module gets private copies of libsentencepiece (with its
    // protobuf-lite 3.14), libstdc++ and libc, and binds none of its symbols to LibTorch's
    // libprotobuf 3.21 in the main namespace. See spm_loader.h for why not RTLD_DEEPBIND.
    void* handle = ::dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* err = ::dlerror();
      tried << "\n  " << path << ": " << (err != nullptr ? err : "dlopen failed");
      continue;
    }
    auto module = std::make_unique<SpmModule>();
    module->path = path;
    std::string why;
    if (!resolve_all(handle, module.get(), &why)) {
      ::dlclose(handle);
      tried << "\n  " << path << ": " << why << " (not a tailor_spm module?)";
      continue;
    }
    const SpmModule& ref = *module;
    loaded_modules().emplace(path, std::move(module));
    return ref;
  }
  TAILOR_FAIL("cannot load the SentencePiece module " << kModuleName << "; tried:"
              << (candidates.empty() ? std::string("\n  (no candidate paths)") : tried.str())
              << "\nbuild the tailor_spm target or set TAILOR_SPM_MODULE to the module's path");
}

const SpmModule& spm_module() { return open_spm_module(spm_module_candidates()); }

}  // namespace tailor
