// Binds SynthParams to command-line options and to the `synth` section of a YAML config.
#pragma once

#include "core/config/param_set.h"
#include "core/data/synth.h"

namespace tailor {

/// Registers every SynthParams field with `ps` (section "synth", see configs/synth.yaml).
void add_synth_params(ParamSet& ps, SynthParams& p);

/// The parameters that shape the result (all but `threads`) as a YAML document; stored in the
/// dataset's metadata as "synth_params".
std::string synth_params_yaml(const SynthParams& p);

}  // namespace tailor
