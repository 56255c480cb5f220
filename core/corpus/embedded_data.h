// Data files compiled into tailor as defaults (generated at build time by cmake/EmbedData.cmake
// from the files in configs/, which stay the one place to edit them).
#pragma once

namespace tailor {

/// configs/copy_blocklist.txt as it was when tailor was built.
const char* embedded_copy_blocklist();
/// configs/synth_copy.yaml as it was when tailor was built.
const char* embedded_synth_copy_phrase_bank();

}  // namespace tailor
