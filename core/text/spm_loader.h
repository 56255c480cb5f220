// Finds and loads the tailor_spm module (SentencePiece behind the C API of spm_api.h) into a
// link-map namespace of its own (dlmopen(LM_ID_NEWLM)), so that Debian's libsentencepiece, which
// bundles and exports protobuf-lite 3.14, never meets the libprotobuf 3.21 that LibTorch loads.
//
// Why not dlopen(RTLD_LOCAL | RTLD_DEEPBIND): it does keep protobuf apart, but under DEEPBIND
// the module's references to std::cerr (and any libstdc++ object that the executable
// copy-relocates) resolve to libstdc++'s own, never-constructed instance; SentencePiece's first
// LOG() then crashes in ostream::sentry (seen with tailor_tests, which copy-relocates
// std::cerr). The C API only passes plain buffers, and memory the module allocates is freed by
// the module (tailor_spm_free_bytes, tailor_spm_free), so separate libc/libstdc++ copies are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/text/spm_module/spm_api.h"

namespace tailor {

/// The module's C functions, resolved once. Never unloaded.
struct SpmModule {
  std::string path;
  decltype(&tailor_spm_train) train = nullptr;
  decltype(&tailor_spm_free_bytes) free_bytes = nullptr;
  decltype(&tailor_spm_load) load = nullptr;
  decltype(&tailor_spm_free) free = nullptr;
  decltype(&tailor_spm_vocab_size) vocab_size = nullptr;
  decltype(&tailor_spm_encode) encode = nullptr;
  decltype(&tailor_spm_decode) decode = nullptr;
  decltype(&tailor_spm_id_to_piece) id_to_piece = nullptr;
  decltype(&tailor_spm_piece_to_id) piece_to_id = nullptr;
  decltype(&tailor_spm_unk_id) unk_id = nullptr;
  decltype(&tailor_spm_bos_id) bos_id = nullptr;
  decltype(&tailor_spm_eos_id) eos_id = nullptr;
  decltype(&tailor_spm_pad_id) pad_id = nullptr;
};

/// Where to look, in order: $TAILOR_SPM_MODULE alone when it is set; otherwise
/// <dir of /proc/self/exe>/../lib/libtailor_spm.so, <that dir>/libtailor_spm.so, and the path
/// the build compiled in (TAILOR_SPM_MODULE_BUILD_PATH).
std::vector<std::string> spm_module_candidates();

/// Loads the first candidate that exists and resolves all functions; a module loaded once is
/// kept and returned again. Throws tailor::Error listing every path tried and why it failed.
const SpmModule& open_spm_module(const std::vector<std::string>& candidates);

/// open_spm_module(spm_module_candidates()).
const SpmModule& spm_module();

}  // namespace tailor
