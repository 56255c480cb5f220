// A short human-readable description of a dataset: counts and rates, never personal data.
#pragma once

#include <string>

#include "core/data/dataset.h"

namespace tailor {

/// Multi-line text: table sizes, date range, purchase/return lines, email log rates, consent
/// state counts, and the metadata keys (import summary JSON printed as is).
std::string describe_dataset(const Dataset& ds);

}  // namespace tailor
