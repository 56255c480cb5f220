// A short human-readable description of a checkpoint (type, versions, config, tensors).
#pragma once

#include <string>

#include "core/checkpoint/checkpoint.h"

namespace tailor {

/// Multi-line text: model type, creation time, library versions, every tensor with dtype and
/// shape, string lists with their lengths, text values, and the config.
std::string describe_checkpoint(const Checkpoint& ckpt);

/// The root "magic" attribute of a tailor HDF5 file ("TAILOR-DATASET", "TAILOR-CKPT"), or ""
/// when the file has none. Throws tailor::Error when the file cannot be opened.
std::string tailor_file_magic(const std::string& path);

}  // namespace tailor
