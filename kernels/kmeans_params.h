// Binds KMeansParams to command-line options and a YAML section (for the commands that cluster).
#pragma once

#include "core/config/param_set.h"
#include "kernels/kmeans.h"

namespace tailor {

/// Adds every field of `p` to `ps` (--k, --max-iter, --tol, --init, --n-init, --seed, --device).
void add_kmeans_params(ParamSet& ps, KMeansParams& p);

}  // namespace tailor
