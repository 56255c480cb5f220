// Reads and writes the canonical dataset file (HDF5; layout in docs/dataset.md).
#pragma once

#include <string>

#include "core/data/dataset.h"

namespace tailor {

/// Current format version of the dataset file; readers reject other versions. Version 2 added
/// the /corpus group.
constexpr int kDatasetFormatVersion = 2;

/// Writes `ds` to `path` atomically (temporary name, then rename). Throws tailor::Error.
void write_dataset(const Dataset& ds, const std::string& path);

/// Reads a dataset file, checking magic, version, column lengths and index ranges.
/// Throws tailor::Error naming the file and the offending object on any problem.
Dataset read_dataset(const std::string& path);

}  // namespace tailor
